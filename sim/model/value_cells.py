"""The value rule of ``decisions.py`` for one cell, compiled (shared by the fused kernels).

The same formulas as :func:`sim.model.decisions.standard_value`,
:func:`~sim.model.decisions.local_value` and
:func:`~sim.model.decisions.choice_probabilities`, written per decision maker x
block and evaluated in the same order of operations, so a cell gets the same value
as in the array version (transcendental functions may differ in the last bit
between numpy's vector code and the C library; ``tests/model/test_fused.py`` checks
the two agree). ``decisions.py`` stays the readable statement of the rule and the
reference the tests compare against.

Packed inputs, built once per model by :func:`pack_rule`:

- ``rule`` (float64): the decision parameters listed in ``RULE_FIELDS``;
- ``blk`` (float64, 6 x B): benefit, spillover, visibility, running cost, failure
  hazard and the commitment divisor max(quarters / 4, 1) of each block.
"""

from __future__ import annotations

import numpy as np

from sim.model.decisions import annuity
from sim.model.jit import njit

RULE_FIELDS = (
    "pv",
    "credibility_weight",
    "risk_inflation",
    "migration_cost_share",
    "autonomy_weight",
    "local_benefit_share",
    "network_floor",
    "local_cost_factor",
    "logit_scale",
    "wait_value",
)
PV, CRED_W, RISK_INFL, MIGRATION, AUTONOMY_W, LOCAL_SHARE, FLOOR, LOCAL_COST, SCALE, WAIT_V = range(
    len(RULE_FIELDS)
)
BENEFIT, SPILLOVER, VISIBILITY, RUNNING, FAILURE, DIVISOR = range(6)
WAIT, STANDARD, LOCAL_BUILD = 0, 1, 2  # as decisions.WAIT, STANDARD, LOCAL_BUILD


def pack_rule(dp, blocks) -> tuple[np.ndarray, np.ndarray]:
    """(rule, blk) arrays for the kernels from DecisionParams and BlockArrays."""
    values = {f: getattr(dp, f, None) for f in RULE_FIELDS}
    values["pv"] = annuity(dp.horizon_years, dp.discount_rate)
    rule = np.array([float(values[f]) for f in RULE_FIELDS])
    divisor = np.maximum(blocks.quarters / 4.0, 1.0)
    blk = np.vstack(
        [blocks.benefit, blocks.spillover, blocks.visibility, blocks.running, blocks.failure,
         divisor]
    ).astype(np.float64)  # fmt: skip
    return rule, np.ascontiguousarray(blk)


@njit
def clip(x: float, lo: float, hi: float) -> float:
    """As fastmath.clip: NaN stays NaN."""
    if x < lo:
        x = lo
    if x > hi:
        x = hi
    return x


@njit
def nan_max(a: float, b: float) -> float:
    """As np.maximum: NaN if either is NaN."""
    if a != a or b != b:
        return np.nan
    return a if a >= b else b


@njit
def local_yearly(rule, blk, b, pop_skills, belief):
    """Yearly private benefit of a local solution (decisions.local_yearly_benefit)."""
    return blk[BENEFIT, b] * rule[LOCAL_SHARE] * rule[FLOOR] * pop_skills * belief


@njit
def standard_value(rule, blk, b, trust, credibility, pop, skills, risk_cut, belief, network,
                   gross_cost, cut, grant, migrating):  # fmt: skip
    """(value before the common terms, net cost) of the standard block in one cell.

    The autonomy term, peer influence, leadership and pressure are added by the
    caller in the order of ``decisions.standard_value``.
    """
    pv = rule[PV]
    cred = 1.0 - rule[CRED_W] * (1.0 - 0.5 * (trust + credibility))
    inflation = 1.0 + rule[RISK_INFL] * (1.0 - trust)
    risk = clip(blk[FAILURE, b] * inflation * (1.0 - risk_cut), 0.0, 0.95)
    pop_skills = pop * skills
    yearly = blk[BENEFIT, b] * (1.0 - blk[SPILLOVER, b]) * pop_skills * network * belief * cred
    benefit = (1.0 - risk) * yearly * pv
    running = blk[RUNNING, b] * pop * pv
    gross = nan_max(gross_cost, 1.0)
    net_cost = gross * clip(1.0 - cut - grant, 0.0, 1.0)
    if migrating:
        benefit = benefit - local_yearly(rule, blk, b, pop_skills, belief) * pv
        net_cost = net_cost + rule[MIGRATION] * gross
    return (benefit - running - net_cost) / gross, net_cost


@njit
def local_value(rule, blk, b, pop, skills, risk_cut, belief, gross_cost, cut):
    """(value before the common terms and pressure, cost) of a local build in one cell."""
    pv = rule[PV]
    gross = nan_max(gross_cost, 1.0)
    risk = clip(blk[FAILURE, b] * (1.0 - risk_cut), 0.0, 0.95)
    benefit = (1.0 - risk) * local_yearly(rule, blk, b, pop * skills, belief) * pv
    running = rule[LOCAL_COST] * blk[RUNNING, b] * pop * pv
    cost = rule[LOCAL_COST] * gross * clip(1.0 - cut, 0.0, 1.0)
    return (benefit - running - cost) / gross, cost


@njit
def choose(rule, hazard, v_std, v_loc, can_std, can_loc, u):
    """WAIT, STANDARD or LOCAL_BUILD from the thinned logit and one uniform draw."""
    if not can_std and not can_loc:  # both probabilities are exactly 0
        return WAIT
    s = rule[SCALE]
    zs = v_std / s if can_std else -np.inf
    zl = v_loc / s if can_loc else -np.inf
    zw = rule[WAIT_V] / s
    top = nan_max(nan_max(zs, zl), zw)
    # exp(-inf - top) is exactly 0: unavailable options skip the call.
    es = np.exp(zs - top) if can_std else 0.0
    el = np.exp(zl - top) if can_loc else 0.0
    ew = np.exp(zw - top)
    total = es + el + ew
    p_std = hazard * es / total
    p_loc = hazard * el / total
    if u < p_std:
        return STANDARD
    if u >= p_std and u < p_std + p_loc:
        return LOCAL_BUILD
    return WAIT
