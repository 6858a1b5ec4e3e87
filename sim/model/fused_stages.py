"""Citizens and trust stages as compiled passes over the cells (fast path).

The same updates as ``stages.citizens_stage``, ``stages.trust_stage`` and
``regional.learn`` with the kernels of ``dynamics.py``, fused per municipality.
Neighbour shares come from the adjacency's CSR arrays (counts of 0/1 flags divided
by the degree, exactly as the matrix product does). Two things may differ in the
last bit from the numpy reference: the exponentials of the trust update (numpy's
vector code vs the C library) and the mean take-up of a row (summed in order);
``tests/model/test_fused.py`` holds both paths to 1e-9.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.exact_sums import array_sum
from sim.model.jit import njit
from sim.model.state import ADOPTED, FAILED, LOCAL
from sim.model.value_cells import clip

if TYPE_CHECKING:
    from sim.model.model import EGovModel


def citizens(model: EGovModel) -> None:
    """Bass take-up, skills, and demand-driven priority (stages.citizens_stage)."""
    st, cp = model.state, model.params.citizens
    par = np.array(
        [cp.bass_p, cp.bass_q, cp.takeup_loss_on_stop, cp.skills_growth,
         cp.coproduction_threshold, cp.coproduction_boost]
    )  # fmt: skip
    _citizens(st.status, st.migrating, st.takeup, st.skills, st.priority,
              model.effects.priority_push, par)  # fmt: skip


@njit
def _citizens(status, migrating, takeup, skills, priority, push, par):
    p, q, loss, growth, threshold, boost = par[0], par[1], par[2], par[3], par[4], par[5]
    n_blocks = status.shape[1]
    for i in range(status.shape[0]):
        ceil = clip(skills[i], 1e-6, 1.0)
        total = 0.0
        for b in range(n_blocks):
            t = takeup[i, b]
            s = status[i, b]
            if s in (ADOPTED, LOCAL) or migrating[i, b]:
                rate = (p + q * t / ceil) / 4.0
                grown = t + clip(rate, 0.0, 1.0) * max(ceil - t, 0.0)
                t = min(grown, ceil)
            else:
                t = t * (1.0 - loss)
            takeup[i, b] = t
            total += t
        skills[i] += growth / 4.0 * (1.0 - skills[i])
        if total / n_blocks > threshold:
            priority[i] += boost * (1.0 - priority[i])
        priority[i] += push[i] * (1.0 - priority[i])


def trust(model: EGovModel, champions: np.ndarray) -> None:
    """Trust of every pair of levels, then municipal and regional beliefs."""
    st, eff, tp, rs = model.state, model.effects, model.params.trust, model.rstate
    par = np.array([tp.gain_rate, tp.loss_ratio, tp.decay])
    _trust(st.trust_central, eff.trust_central_pos, eff.trust_central_neg,
           tp.municipal_central_init, par)  # fmt: skip
    _trust(st.trust_region, eff.trust_region_pos, eff.trust_region_neg,
           tp.municipal_regional_init, par)  # fmt: skip
    if rs.n:
        _trust(rs.trust_central, eff.region_trust_pos, eff.region_trust_neg,
               tp.regional_central_init, par)  # fmt: skip
    adj = model.country.adjacency
    learning = model.params.decision.belief_learning
    push = model.params.leadership.entrepreneur_belief_push
    _beliefs(st.belief, model.peer_adoption(), (adj.indptr, adj.indices, adj.data), model.degree,
             st.status, eff.belief_push, champions[:, 0], push, learning)  # fmt: skip
    if rs.n:
        from sim.model.regional import _static_inputs

        counts = _static_inputs(model)["counts"][:, 0]
        _region_beliefs(rs.belief, st.region, counts, st.status, learning)


@njit
def _trust(trust, pos, neg, baseline, par):
    """dynamics.update_trust, in place."""
    g, loss_ratio, decay = par[0], par[1], par[2]
    for i in range(trust.shape[0]):
        t0 = trust[i]
        gain = 1.0 - np.exp(-g * pos[i])
        loss = 1.0 - np.exp(-g * loss_ratio * neg[i])
        t = t0 + gain * (1.0 - t0) - loss * t0
        t = t + decay * (baseline - t)
        trust[i] = clip(t, 0.0, 1.0)


@njit
def _update_belief(belief, success, failure, push, learning):
    """dynamics.update_beliefs for one cell."""
    seen = success + failure
    observed = success / seen if seen > 0 else 0.0
    weight = learning * clip(seen, 0.0, 1.0)
    b = belief + weight * (observed - belief)
    b = b + push * (1.0 - b)
    return clip(b, 0.0, 1.0)


@njit
def _beliefs(belief, success, links, degree, status, push, champions, champion_push,
             learning):  # fmt: skip
    """Municipal beliefs from neighbours' successes (given) and failures (counted here)."""
    indptr, indices, data = links
    n_blocks = status.shape[1]
    failed = np.zeros(n_blocks)
    for i in range(status.shape[0]):
        failed[:] = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            for b in range(n_blocks):
                if status[j, b] == FAILED:
                    failed[b] += data[k]
        deg = degree[i]
        lift = champion_push * champions[i]
        for b in range(n_blocks):
            share = failed[b] / deg if deg > 0 else 0.0
            belief[i, b] = _update_belief(
                belief[i, b], success[i, b], share, push[i, b] + lift, learning
            )


@njit
def _region_beliefs(belief, region, counts, status, learning):
    """Regional beliefs from their municipalities' successes and failures (regional.learn)."""
    n_regions, n_blocks = belief.shape
    success = np.zeros((n_regions, n_blocks))
    failure = np.zeros((n_regions, n_blocks))
    for i in range(status.shape[0]):
        r = region[i]
        if r < 0:
            continue
        for b in range(n_blocks):
            success[r, b] += status[i, b] == ADOPTED
            failure[r, b] += status[i, b] == FAILED
    for r in range(n_regions):
        c = max(counts[r], 1)
        for b in range(n_blocks):
            belief[r, b] = _update_belief(
                belief[r, b], success[r, b] / c, failure[r, b] / c, 0.0, learning
            )


def municipal_benefits(model: EGovModel) -> tuple[float, float]:
    """(kept by municipalities, spillover) of this quarter, as ``stages.benefit_stage``.

    The cell values are formed in the reference's order of operations and summed
    with numpy's pairwise summation, so both totals are the reference's bits.
    """
    st, bl, dp = model.state, model.blocks, model.params.decision
    return _benefits(st.status, st.migrating, st.takeup, st.population, bl.benefit,
                     bl.spillover, model.network_now(), dp.local_benefit_share,
                     dp.network_floor)  # fmt: skip


@njit
def _benefits(status, migrating, takeup, population, benefit, spillover, network, local_share,
              floor):  # fmt: skip
    m, n_blocks = status.shape
    spill = np.zeros(m * n_blocks)
    own = np.zeros(m * n_blocks)
    local = np.zeros(m * n_blocks)
    for i in range(m):
        for b in range(n_blocks):
            k = i * n_blocks + b
            users = takeup[i, b] * population[i] / 4.0
            s = status[i, b]
            if s == ADOPTED:
                standard = users * benefit[b] * network[b]
                spill[k] = standard * spillover[b]
                own[k] = standard * (1.0 - spillover[b])
            if s == LOCAL or migrating[i, b]:
                local[k] = users * benefit[b] * local_share * floor
    return array_sum(own) + array_sum(local), array_sum(spill)
