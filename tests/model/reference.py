"""Slow per-agent reference of the municipal adoption decision (docs/ODD.md §7.5).

A deliberately naive re-implementation of the rule in ``sim/model/rules/decision.py``
and of the options of ``sim/model/kernels/decide.py``: one Python loop over the
Municipality agents, one over the blocks, plain floats and ``math.exp``. It calls
none of the compiled rules or kernels, so the equivalence tests can show that the
speed of the struct-of-arrays model is not bought with different behaviour
(docs/architecture.md, Performance design).

Scalars a Municipality agent exposes (population, skills, trust, role) are read
from the agent; per-block quantities the agent does not expose (belief, gross
cost, status) are read cell by cell from the model's state, and this quarter's
instrument effects cell by cell from ``model.effects``.
"""

from __future__ import annotations

import math

from sim.model.agents import Municipality
from sim.model.central import LIVE

# Status codes and role names, spelled out here rather than imported, so a change of
# coding in the model shows up as a failing test instead of a silent agreement.
NONE, IMPLEMENTING, ADOPTED, LOCAL, FAILED = 0, 1, 2, 3, 4
ENTREPRENEUR, LAGGARD, FELLOW = "public entrepreneur", "laggard", "fellow traveller"
WAIT, STANDARD, LOCAL_BUILD = 0, 1, 2


def present_value(years: float, rate: float) -> float:
    """PV of 1 EUR a year for ``years`` years at ``rate``."""
    if rate <= 0:
        return float(years)
    return (1.0 - (1.0 + rate) ** (-years)) / rate


def clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def all_prerequisites(catalogue, key: str) -> set[str]:
    """Transitive prerequisites of a block, by walking the direct ones."""
    by_key = {blk.key: blk for blk in catalogue}
    out: set[str] = set()
    todo = list(by_key[key].prerequisites)
    while todo:
        p = todo.pop()
        if p not in out:
            out.add(p)
            todo.extend(by_key[p].prerequisites)
    return out


def neighbour_share(model, adj, i: int, b: int) -> float:
    """Share of municipality i's neighbours (link-weighted) with block b adopted."""
    total, adopted = 0.0, 0.0
    for k in range(adj.indptr[i], adj.indptr[i + 1]):
        j, w = int(adj.indices[k]), float(adj.data[k])
        total += w
        if int(model.state.status[j, b]) == ADOPTED:
            adopted += w
    return adopted / total if total > 0 else 0.0


def coverage(model, b: int) -> float:
    """Population share of the country connected to the standard block b."""
    pop_all, pop_connected = 0.0, 0.0
    for mun in model.agents_by_type[Municipality]:
        pop_all += mun.population
        if int(model.state.status[mun.index, b]) == ADOPTED:
            pop_connected += mun.population
    return clip(pop_connected / pop_all, 0.0, 1.0)


def network_factor(model, b: int, exponent: float, floor: float) -> float:
    """Benefit share at the coverage of block b expected now, before any device's signal."""
    return floor + (1.0 - floor) * anchored_expectation(model, b) ** exponent


def own_expectation(model, b: int) -> float:
    """Adaptive expectation of block b's coverage from its own trend (docs/ODD.md §7.11)."""
    ep, state = model.params.expectations, model.expectations
    w, cov = ep.adaptive_weight, coverage(model, b)
    trend = float(state.trend[b]) + w * (cov - float(state.observed[b]) - float(state.trend[b]))
    horizon = 4.0 * model.params.decision.horizon_years
    target = clip(cov + ep.trend_weight * horizon * trend, 0.0, 1.0)
    if w >= 1.0:
        return target
    return float(state.expected[b]) + w * (target - float(state.expected[b]))


def anchored_expectation(model, b: int) -> float:
    """Own expectation, at least prerequisite_weight x the least-expected prerequisite's."""
    weight = model.params.expectations.prerequisite_weight
    own = own_expectation(model, b)
    prereqs = all_prerequisites(model.catalogue, model.catalogue.keys[b])
    if weight == 0.0 or not prereqs:
        return own
    keys = list(model.catalogue.keys)
    least = min(own_expectation(model, keys.index(p)) for p in prereqs)
    return max(own, weight * least)


def cell_network(model, i: int, b: int, ctx: dict) -> float:
    """Network factor municipality i expects for block b, with devices' signals (§7.11)."""
    signal = clip(float(model.effects.coverage_signal[i, b]), 0.0, 1.0)
    if not model.effects.coverage_signal.any():
        return ctx["network"][b]
    dp, blk = model.params.decision, ctx["blocks"][b]
    base = ctx["expected"][b]
    heard = base + (1.0 - base) * (model.params.expectations.signal_weight * signal)
    return dp.network_floor + (1.0 - dp.network_floor) * heard**blk.network_exponent


def first_mover(model, i: int, b: int, ctx: dict) -> float:
    """Value of waiting for others: weight x the benefit share still hanging on them."""
    weight = model.params.expectations.first_mover_weight
    return 0.0 if weight == 0.0 else weight * (1.0 - cell_network(model, i, b, ctx))


def grant_share(model, i: int, b: int) -> float:
    """Co-funding share offered on cell (i, b) by pools that still have money."""
    total = 0.0
    for offer in model.effects.grant_offers:
        if offer.pool.remaining > 0:
            total += float(offer.share[i, b])
    return min(total, 1.0)


def cell_probabilities(model, mun: Municipality, b: int, ctx: dict) -> tuple[float, float]:
    """(P(start standard), P(build local)) this quarter for one municipality and block."""
    can_std, can_loc, live = cell_options(model, mun, b, ctx)
    v_std, v_loc = cell_values(model, mun, b, ctx)
    return cell_logit(model.params.decision, can_std, can_loc, v_std, v_loc)


def cell_options(model, mun: Municipality, b: int, ctx: dict) -> tuple[bool, bool, bool]:
    """Which options one cell has (municipal.options, written out)."""
    st, eff, blk = model.state, model.effects, ctx["blocks"][b]
    dp = model.params.decision
    i = mun.index
    status = int(st.status[i, b])
    # A failed block under a mandate's pull is retried sooner (the obligation persists).
    wait = dp.mandated_retry_after if float(eff.obligation[i, b]) > 0 else dp.retry_after
    ready = status == NONE or (status == FAILED and model.quarter - int(st.since[i, b]) >= wait)
    central_owned = blk.owner == "central"
    live = (not central_owned) or int(model.central.platform[b]) == LIVE
    prereq_status = [int(st.status[i, p]) for p in ctx["prereqs"][b]]
    prereq_std = all(s == ADOPTED for s in prereq_status)
    # A local solution being migrated to the standard still runs: it counts as local.
    prereq_loc = all(
        int(st.status[i, p]) in (ADOPTED, LOCAL) or bool(st.migrating[i, p])
        for p in ctx["prereqs"][b]
    )
    last_failure = int(st.failed_at[i, b])
    settled = last_failure < 0 or model.quarter - last_failure >= wait
    can_std = (ready or (status == LOCAL and settled)) and live and prereq_std
    standard = bool(model.central.standard_set[b]) or bool(eff.standard_set[b])
    distrust = mun.trust_central < dp.local_trust_threshold
    can_loc = ready and prereq_loc and ((not live) or (not standard) or distrust)
    return can_std, can_loc, live


def agent_terms(model, mun: Municipality) -> tuple[float, float, float]:
    """Leadership term, peer weight and guardian-angel risk cut of one municipality."""
    dp = model.params.decision
    role = mun.role
    lead = (
        dp.entrepreneur_bonus
        if role == ENTREPRENEUR
        else (-dp.laggard_penalty if role == LAGGARD else 0.0)
    )
    if bool(model.state.guardian[mun.index]):  # sponsored by a champion
        lead += model.params.leadership.sponsor_bonus
    peer_w = dp.peer_weight * (1.0 + dp.follower_peer_boost if role == FELLOW else 1.0)
    risk_cut = (
        model.params.leadership.guardian_risk_cut if bool(model.state.guardian[mun.index]) else 0.0
    )
    return lead, peer_w, risk_cut


def cell_values(model, mun: Municipality, b: int, ctx: dict) -> tuple[float, float]:
    """Value indices of the standard block and of a local build for one cell."""
    st, eff, blk = model.state, model.effects, ctx["blocks"][b]
    dp, rp = model.params.decision, model.params.regional
    i = mun.index
    status = int(st.status[i, b])
    central_owned = blk.owner == "central"
    # Inputs of the value rule.
    pop, skills = mun.population, mun.skills
    trust = mun.trust_central if central_owned else mun.trust_region
    lead, peer_w, risk_cut = agent_terms(model, mun)
    belief = float(st.belief[i, b])
    cut = clip(
        float(eff.cost_cut[i, b]) + (rp.centre_cost_cut if st.centre_member[i] else 0.0), 0.0, 0.9
    )
    grant = grant_share(model, i, b)
    gross = max(float(st.gross_cost[i, b]), 1.0)
    fail = blk.failure_hazard
    pv = ctx["pv"]
    common = peer_w * neighbour_share(model, ctx["adjacency"], i, b)  # peers: both options

    # Standard block.
    cred = 1.0 - dp.credibility_weight * (1.0 - 0.5 * (trust + model.central.credibility))
    risk = clip(fail * (1.0 + dp.risk_inflation * (1.0 - trust)) * (1.0 - risk_cut), 0.0, 0.95)
    yearly = (
        blk.benefit_per_capita
        * (1.0 - blk.spillover_share)
        * pop
        * skills
        * cell_network(model, i, b, ctx)
        * belief
        * cred
    )
    benefit = (1.0 - risk) * yearly * pv
    running = blk.running_per_capita * pop * pv
    net_cost = gross * clip(1.0 - cut - grant, 0.0, 1.0)
    local_yearly = (
        blk.benefit_per_capita * dp.local_benefit_share * dp.network_floor * pop * skills * belief
    )
    if status == LOCAL:  # migrating: forgo the local solution, pay the migration
        benefit -= local_yearly * pv
        net_cost += dp.migration_cost_share * gross
    visibility = blk.visibility * (1.0 - model.params.leadership.central_branding)
    v_std = (
        (benefit - running - net_cost) / gross
        - dp.autonomy_weight * float(st.autonomy[i]) * (1.0 - visibility)
        + common
        + lead  # leadership favours the standard only
        + float(eff.pressure[i, b])
        - first_mover(model, i, b, ctx)
    )

    # Local non-standard solution: no trust needed, no grants; pressure only counts
    # where no interoperability standard is set (any working solution complies).
    risk_loc = clip(fail * (1.0 - risk_cut), 0.0, 0.95)
    benefit_loc = (1.0 - risk_loc) * local_yearly * pv
    running_loc = dp.local_cost_factor * blk.running_per_capita * pop * pv
    cost_loc = dp.local_cost_factor * gross * clip(1.0 - cut, 0.0, 1.0)
    v_loc = (benefit_loc - running_loc - cost_loc) / gross + common
    if not bool(model.standard_set()[b]):
        v_loc += float(eff.pressure[i, b])
    return v_std, v_loc


def cell_logit(dp, can_std: bool, can_loc: bool, v_std: float, v_loc: float):
    """Multinomial logit over the available options, thinned by the review hazard."""
    s = dp.logit_scale
    z = {WAIT: dp.wait_value / s}
    if can_std:
        z[STANDARD] = v_std / s
    if can_loc:
        z[LOCAL_BUILD] = v_loc / s
    top = max(z.values())
    weights = {k: math.exp(v - top) for k, v in z.items()}
    total = sum(weights.values())
    h = dp.consider_hazard
    return h * weights.get(STANDARD, 0.0) / total, h * weights.get(LOCAL_BUILD, 0.0) / total


def reference_probabilities(model) -> tuple[list[list[float]], list[list[float]]]:
    """(p_std, p_loc) as nested lists [municipality index][block], by per-agent loops.

    Valid at the moment of the municipal decision (after this quarter's central and
    regional stages), which is where the equivalence tests call it.
    """
    dp = model.params.decision
    blocks = list(model.catalogue)
    position = {blk.key: k for k, blk in enumerate(blocks)}
    ctx = {
        "blocks": blocks,
        "pv": present_value(dp.horizon_years, dp.discount_rate),
        "prereqs": [
            sorted(position[p] for p in all_prerequisites(model.catalogue, blk.key))
            for blk in blocks
        ],
        "adjacency": model.country.adjacency.tocsr(),
        "network": [
            network_factor(model, b, blk.network_exponent, dp.network_floor)
            for b, blk in enumerate(blocks)
        ],
    }
    ctx["expected"] = [anchored_expectation(model, b) for b in range(len(blocks))]
    n = model.state.n
    p_std = [[0.0] * len(blocks) for _ in range(n)]
    p_loc = [[0.0] * len(blocks) for _ in range(n)]
    for mun in model.agents_by_type[Municipality]:
        for b in range(len(blocks)):
            p_std[mun.index][b], p_loc[mun.index][b] = cell_probabilities(model, mun, b, ctx)
    return p_std, p_loc


def reference_choices(p_std, p_loc, rng) -> list[list[int]]:
    """One choice per cell from scalar uniform draws: u < p_std, else u < p_std + p_loc."""
    out = []
    for row_s, row_l in zip(p_std, p_loc, strict=True):
        row = []
        for ps, pl in zip(row_s, row_l, strict=True):
            u = float(rng.random())
            row.append(STANDARD if u < ps else (LOCAL_BUILD if u < ps + pl else WAIT))
        out.append(row)
    return out
