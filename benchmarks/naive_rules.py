"""Scalar versions of the municipal rules, one cell (municipality × block) at a time.

Plain floats and ``math`` only: an independent per-agent writing of the rules in
``sim/model/rules/`` (and of the per-cell rule in ``tests/model/reference.py``),
used by the naive per-agent model in ``benchmarks/naive.py``. Kept independent on
purpose: ``tests/model/test_naive_equivalence.py`` compares it with production in
distribution, which checks the rules as well as the loops and random plumbing. The
rules of issue 13's mandates (compulsory starts) are not in it: the naive model runs
the baseline (no instruments).
"""

from __future__ import annotations

import math

# Status codes, roles and choices, spelled out (as in tests/model/reference.py) so a
# change of coding in the model shows up as a disagreement instead of silently.
NONE, IMPLEMENTING, ADOPTED, LOCAL, FAILED = 0, 1, 2, 3, 4
FELLOW, ENTREPRENEUR, LAGGARD = 0, 1, 2
WAIT, STANDARD, LOCAL_BUILD = 0, 1, 2
MANDATE_CENTRAL, MANDATE_REGIONAL = 1, 2


def clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def present_value(years: float, rate: float) -> float:
    """PV of 1 EUR a year for ``years`` years at ``rate``."""
    if rate <= 0:
        return float(years)
    return (1.0 - (1.0 + rate) ** (-years)) / rate


def overrun(u: float, ip) -> float:
    """Fat-tailed overrun share from one uniform (Pareto tail, logistic body)."""
    p = ip.overrun_tail_probability
    if u < p:
        tail_u = clip(u / p, 1e-12, 1.0)
        return min(ip.overrun_tail_min * tail_u ** (-1.0 / ip.overrun_tail_alpha), ip.overrun_cap)
    body_u = clip((u - p) / (1.0 - p), 1e-12, 1.0 - 1e-12) if p < 1 else 0.5
    z = math.log(body_u / (1.0 - body_u)) * (math.sqrt(3.0) / math.pi)
    return max(ip.overrun_body_mean + ip.overrun_body_sd * z, ip.overrun_floor)


def failure_probability(base: float, cap: float, support: float, ip) -> float:
    """Chance a finished implementation ends 'red'."""
    cap = clip(cap, 0.0, 1.0)
    p = (
        base
        * (1.0 + ip.fail_capacity_effect * (1.0 - cap))
        * (1.0 - ip.support_failure_cut * clip(support, 0.0, 1.0))
    )
    return clip(p, 0.0, 0.95)


def update_trust(trust: float, pos: float, neg: float, baseline: float, tp) -> float:
    """Asymmetric trust update: slow gains, fast losses, decay to a baseline."""
    gain = 1.0 - math.exp(-tp.gain_rate * pos)
    loss = 1.0 - math.exp(-tp.gain_rate * tp.loss_ratio * neg)
    t = trust + gain * (1.0 - trust) - loss * trust
    t = t + tp.decay * (baseline - t)
    return clip(t, 0.0, 1.0)


def update_belief(belief: float, success: float, failure: float, push: float, learn: float):
    """Belief moves towards neighbours' observed success rate, plus external push."""
    seen = success + failure
    observed = success / seen if seen > 0 else 0.0
    b = belief + learn * clip(seen, 0.0, 1.0) * (observed - belief)
    b = b + push * (1.0 - b)
    return clip(b, 0.0, 1.0)


def bass_step(takeup: float, ceiling: float, active: bool, cp) -> float:
    """One quarter of Bass diffusion towards the skills ceiling (decay when stopped)."""
    if not active:
        return takeup * (1.0 - cp.takeup_loss_on_stop)
    ceil = clip(ceiling, 1e-6, 1.0)
    rate = (cp.bass_p + cp.bass_q * takeup / ceil) / 4.0
    grown = takeup + clip(rate, 0.0, 1.0) * max(ceil - takeup, 0.0)
    return min(grown, ceil)


def standard_value(mun, b: int, c: dict) -> tuple[float, float]:
    """(value index, net cost) of starting the standard block b (docs/ODD.md §7.5)."""
    dp, blk = c["dp"], c["blocks"][b]
    trust = mun.trust_central if blk["central_owned"] else mun.trust_region
    cred = 1.0 - dp.credibility_weight * (1.0 - 0.5 * (trust + c["credibility"]))
    risk = clip(
        blk["failure"] * (1.0 + dp.risk_inflation * (1.0 - trust)) * (1.0 - mun.risk_cut),
        0.0,
        0.95,
    )
    pop_skills, pv = mun.population * mun.skills, c["pv"]
    yearly = blk["benefit"] * (1.0 - blk["spillover"]) * pop_skills * c["network"][b]
    benefit = (1.0 - risk) * yearly * mun.belief[b] * cred * pv
    running = blk["running"] * mun.population * pv
    gross = max(mun.gross_cost[b], 1.0)
    net_cost = gross * clip(1.0 - mun.cut[b] - mun.grant[b], 0.0, 1.0)
    if mun.status[b] == LOCAL:  # migrating: forgo the local solution, pay the migration
        local_yearly = blk["benefit"] * dp.local_benefit_share * dp.network_floor * pop_skills
        benefit -= local_yearly * mun.belief[b] * pv
        net_cost += dp.migration_cost_share * gross
    value = (
        (benefit - running - net_cost) / gross
        - dp.autonomy_weight * mun.autonomy * (1.0 - blk["visibility"])
        + mun.common[b]
        + mun.lead
        + mun.fx("pressure", b)
    )
    return value, net_cost


def local_value(mun, b: int, c: dict) -> tuple[float, float]:
    """(value index, cost) of building a local non-standard solution for block b."""
    dp, blk, pv = c["dp"], c["blocks"][b], c["pv"]
    gross = max(mun.gross_cost[b], 1.0)
    risk = clip(blk["failure"] * (1.0 - mun.risk_cut), 0.0, 0.95)
    local_yearly = (
        blk["benefit"] * dp.local_benefit_share * dp.network_floor * mun.population * mun.skills
    )
    benefit = (1.0 - risk) * local_yearly * mun.belief[b] * pv
    running = dp.local_cost_factor * blk["running"] * mun.population * pv
    cost = dp.local_cost_factor * gross * clip(1.0 - mun.cut[b], 0.0, 1.0)
    value = (benefit - running - cost) / gross + mun.common[b]
    if not c["standard"][b]:  # without a standard any working solution complies
        value += mun.fx("pressure", b)
    return value, cost


def logit_choice(v_std, v_loc, can_std: bool, can_loc: bool, u: float, dp) -> int:
    """Multinomial logit over the available options thinned by the review hazard."""
    s = dp.logit_scale
    z = {WAIT: dp.wait_value / s}
    if can_std:
        z[STANDARD] = v_std / s
    if can_loc:
        z[LOCAL_BUILD] = v_loc / s
    top = max(z.values())
    weights = {k: math.exp(v - top) for k, v in z.items()}
    total = sum(weights.values())
    p_std = dp.consider_hazard * weights.get(STANDARD, 0.0) / total
    p_loc = dp.consider_hazard * weights.get(LOCAL_BUILD, 0.0) / total
    if u < p_std:
        return STANDARD
    return LOCAL_BUILD if u < p_std + p_loc else WAIT
