"""The municipal adoption decision as one compiled pass over the cells (fast path).

Does what ``municipal.decide`` does with numpy arrays (options, value inputs, the
value rule, the thinned logit, the draw and the yearly budget in the quarter's
random block order), one municipality at a time, with the same candidate rule:
only rows with an available option whose review draw is below the hazard are
valued, and all cells of those rows are. ``municipal.decide`` remains the reference
and runs instead when a model overrides ``EGovModel.choice_probabilities``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import value_cells as vc
from sim.model.jit import njit
from sim.model.state import ADOPTED, ENTREPRENEUR, FAILED, FELLOW, LAGGARD, LOCAL, NONE

if TYPE_CHECKING:
    from sim.model.model import EGovModel

# Municipal parameters packed for the kernel (see ``pack``).
BONUS, PENALTY, PEER_W, PEER_BOOST, CENTRE_CUT, CUT_CAP, GUARDIAN_CUT, TRUST_MIN, HAZARD = range(9)


def pack(model: EGovModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rule, blk, mun) parameter arrays, built once per model (parameters are fixed)."""
    p = model.params
    dp = p.decision
    rule, blk = vc.pack_rule(dp, model.blocks)
    mun = np.array(
        [
            dp.entrepreneur_bonus,
            dp.laggard_penalty,
            dp.peer_weight,
            dp.follower_peer_boost,
            p.regional.centre_cost_cut,
            p.implementation.cost_cut_cap,
            p.leadership.guardian_risk_cut,
            dp.local_trust_threshold,
            dp.consider_hazard,
        ],
        dtype=np.float64,
    )
    return rule, blk, mun


def decide(model: EGovModel, u: np.ndarray, block_order: np.ndarray) -> dict[str, np.ndarray]:
    """Starts of the quarter, in the layout ``municipal.begin_implementations`` reads."""
    st, eff = model.state, model.effects
    if model.fused_pack is None:
        model.fused_pack = pack(model)
    rule, blk, mun = model.fused_pack
    shape = (st.n, st.n_blocks)
    started, local, cut = np.zeros(shape, bool), np.zeros(shape, bool), np.zeros(shape)
    cells = (st.status, st.since, st.failed_at, st.migrating)
    rows = (st.role, st.centre_member, st.guardian, st.population, st.skills, st.autonomy)
    trust = (st.trust_central, st.trust_region, float(model.central.credibility))
    inputs = (st.belief, model.peer_adoption(), eff.pressure, eff.offered_grant_share())
    out = (st.free_budget, started, local, cut)
    blocks = (model.blocks.prereq, model.blocks.central_owned, model.platform_live())
    context = (model.standard_set(), model.network_now(), int(model.quarter))
    _decide_all(rule, blk, mun, int(model.params.decision.retry_after), blocks, context,
                cells, rows, trust, inputs, eff.cost_cut, st.gross_cost, u, block_order,
                out)  # fmt: skip
    return {"rows": model.all_rows(), "started": started, "local": local, "cut": cut}


@njit
def _prereq_masks(prereq):
    """Bit mask of each block's prerequisites (catalogues have fewer than 64 blocks)."""
    masks = np.zeros(prereq.shape[0], dtype=np.int64)
    for b in range(prereq.shape[0]):
        for p in range(prereq.shape[1]):
            if prereq[b, p]:
                masks[b] |= np.int64(1) << p
    return masks


@njit
def _decide_all(rule, blk, mun, retry, blocks, context, cells, rows, trust, inputs, eff_cut,
                gross_cost, u, block_order, out):  # fmt: skip
    """Every municipality: options, the candidate test, then the candidate rows.

    Options as ``municipal.options``; prerequisites as bit masks (done blocks of the
    row against each block's prerequisite bits).
    """
    prereq, central_owned, live = blocks
    standard, network, q = context
    status, since, failed_at, migrating = cells
    trust_c = trust[0]
    masks = _prereq_masks(prereq)
    n_blocks = u.shape[1]
    can_s = np.zeros(n_blocks, dtype=np.bool_)
    can_l = np.zeros(n_blocks, dtype=np.bool_)
    choice = np.zeros(n_blocks, dtype=np.int8)  # row buffers, reused
    commit = np.zeros(n_blocks)
    for i in range(u.shape[0]):
        adopted, running_local = np.int64(0), np.int64(0)  # bits of done prerequisites
        for b in range(n_blocks):
            s = status[i, b]
            if s == ADOPTED:
                adopted |= np.int64(1) << b
            elif s == LOCAL or migrating[i, b]:
                running_local |= np.int64(1) << b
        distrust = trust_c[i] < mun[TRUST_MIN]
        candidate = False
        for b in range(n_blocks):
            s = status[i, b]
            ready = s == NONE or (s == FAILED and q - since[i, b] >= retry)
            settled = failed_at[i, b] < 0 or q - failed_at[i, b] >= retry
            pre_std = (masks[b] & ~adopted) == 0
            pre_loc = (masks[b] & ~(adopted | running_local)) == 0
            cs = (ready or (s == LOCAL and settled)) and live[b] and pre_std
            cl = ready and pre_loc and (not live[b] or not standard[b] or distrust)
            can_s[b], can_l[b] = cs, cl
            if (cs or cl) and u[i, b] < mun[HAZARD]:
                candidate = True
        if candidate:
            _decide_row(rule, blk, mun, i, central_owned, standard, network, status, rows,
                        trust, inputs, eff_cut, gross_cost, u, block_order, can_s, can_l,
                        choice, commit, out)  # fmt: skip


@njit
def _decide_row(rule, blk, mun, i, central_owned, standard, network, status, rows, trust,
                inputs, eff_cut, gross_cost, u, block_order, can_s, can_l, choice, commit,
                out):  # fmt: skip
    """Value every block of row i, draw the choices, start what the budget allows."""
    role, member, guardian, population, skills, autonomy = rows
    trust_c, trust_r, credibility = trust
    belief, peer, pressure, grant = inputs
    free_budget, started, local, cut = out
    r = role[i]
    lead = mun[BONUS] if r == ENTREPRENEUR else (-mun[PENALTY] if r == LAGGARD else 0.0)
    peer_w = mun[PEER_W] * (1.0 + mun[PEER_BOOST] if r == FELLOW else 1.0)
    risk_cut = guardian[i] * mun[GUARDIAN_CUT]
    centre = mun[CENTRE_CUT] if member[i] else 0.0
    for b in range(u.shape[1]):
        choice[b] = vc.WAIT
        if not (can_s[b] or can_l[b]):  # waits whatever its value: not valued
            continue
        c = vc.clip(eff_cut[i, b] + centre, 0.0, mun[CUT_CAP])
        cut[i, b] = c
        common = peer_w * peer[i, b] + lead
        v_std, cost_std, v_loc, cost_loc = 0.0, 0.0, 0.0, 0.0
        if can_s[b]:
            tr = trust_c[i] if central_owned[b] else trust_r[i]
            v_std, cost_std = vc.standard_value(
                rule, blk, b, tr, credibility, population[i], skills[i], risk_cut,
                belief[i, b], network[b], gross_cost[i, b], c, grant[i, b],
                status[i, b] == LOCAL,
            )  # fmt: skip
            autonomy_term = rule[vc.AUTONOMY_W] * autonomy[i] * (1.0 - blk[vc.VISIBILITY, b])
            v_std = v_std - autonomy_term + common + pressure[i, b]
        if can_l[b]:
            v_loc, cost_loc = vc.local_value(
                rule, blk, b, population[i], skills[i], risk_cut, belief[i, b],
                gross_cost[i, b], c,
            )  # fmt: skip
            v_loc = v_loc + common + (0.0 if standard[b] else pressure[i, b])
        ch = vc.choose(rule, mun[HAZARD], v_std, v_loc, can_s[b], can_l[b], u[i, b])
        choice[b] = ch
        commit[b] = (cost_loc if ch == vc.LOCAL_BUILD else cost_std) / blk[vc.DIVISOR, b]
    free = free_budget[i]
    for b in block_order:
        if choice[b] != vc.WAIT and commit[b] <= free:
            free -= commit[b]
            started[i, b] = True
            local[i, b] = choice[b] == vc.LOCAL_BUILD
    free_budget[i] = free
