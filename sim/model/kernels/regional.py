"""Regions' own adoption as compiled passes (docs/ODD.md §7.4).

Regions decide on their own services with the municipal value rule
(``rules/decision.py``), one row per region: no local-build option, no leadership
term, a regional autonomy concern, peers = the region's own municipalities.
Progress: professional ICT staff slip rarely and fail at a fraction of the
municipal rate. Budget: blocks in ascending order, regions in index order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model.jit import njit
from sim.model.rules import decision as dr
from sim.model.rules import implementation as ir
from sim.model.rules.trust import update_belief
from sim.model.state import ADOPTED, FAILED, IMPLEMENTING, NONE


class RegionalTerms(NamedTuple):
    """Regional parameters beyond the value rule."""

    slip_probability: float  # 1/quarter
    failure_scale: float  # -: regional failure hazard relative to the block's
    retry_after: int  # quarters
    failure_belief_drop: float  # share
    autonomy: float  # autonomy concern of a region
    peer_weight: float  # index
    consider_hazard: float  # 1/quarter


class RegionInputs(NamedTuple):
    """This quarter's value inputs, one row per region."""

    population: np.ndarray  # (R,) inhabitants served by the region's own services
    skills: np.ndarray  # (R,)
    trust: np.ndarray  # (R,) trust in central
    peer: np.ndarray  # (R, B) share of the region's municipalities adopted
    pressure: np.ndarray  # (R, B)
    gross: np.ndarray  # (R, B) integration cost
    live: np.ndarray  # (B,) platform live
    network: np.ndarray  # (B,) network factor at the coverage expected
    credibility: float
    quarter: int


class RegionState(NamedTuple):
    """(R, B) and (R,) state written by the kernels."""

    status: np.ndarray
    remaining: np.ndarray
    mandated: np.ndarray
    belief: np.ndarray
    retry_at: np.ndarray
    free_budget: np.ndarray
    mandated_now: np.ndarray  # (R, B) bool: instruments' obligations this quarter
    trust_pos: np.ndarray
    trust_neg: np.ndarray
    starts: np.ndarray  # (R, B) bool: started this quarter (written by ``decide``)
    cost: np.ndarray  # (R, B) EUR: cost of each start before overrun


@njit
def progress(terms, blocks, q, state, u_prog, u_fail):
    """Regions' implementations advance, finish, succeed or fail."""
    state = RegionState(*state)
    t = terms[0]
    for i in range(state.status.shape[0]):
        succeeded = 0
        for b in range(state.status.shape[1]):
            if state.status[i, b] != IMPLEMENTING:
                continue
            if u_prog[i, b] >= t.slip_probability:
                state.remaining[i, b] -= 1
            if state.remaining[i, b] > 0:
                continue
            if u_fail[i, b] < ir.region_failure_probability(t.failure_scale, blocks[b].failure):
                state.status[i, b] = FAILED
                state.retry_at[i, b] = q + t.retry_after
                state.belief[i, b] *= 1.0 - t.failure_belief_drop
            else:
                state.status[i, b] = ADOPTED
                succeeded += 1
        state.trust_pos[i] += succeeded


@njit
def decide(rule, terms, blocks, inp, state, u):
    """Options, value and choice of every region, then the budget; returns the starts."""
    inp = RegionInputs(*inp)
    state = RegionState(*state)
    r, t = rule[0], terms[0]
    starts, cost = state.starts, state.cost
    for i in range(state.status.shape[0]):
        adopted = np.int64(0)
        for b in range(blocks.size):
            if state.status[i, b] == ADOPTED:
                adopted |= np.int64(1) << b
        for b in range(blocks.size):
            s = state.status[i, b]
            ready = s == NONE or (s == FAILED and inp.quarter >= state.retry_at[i, b])
            met = (blocks[b].prereq_mask & ~adopted) == 0
            cell = dr.ValueCell(
                trust=inp.trust[i],
                credibility=inp.credibility,
                population=inp.population[i],
                skills=inp.skills[i],
                risk_cut=0.0,
                belief=state.belief[i, b],
                network=inp.network[b],
                gross_cost=inp.gross[i, b],
                cut=0.0,
                grant=0.0,
                migrating=False,
                autonomy=t.autonomy,
                common=t.peer_weight * inp.peer[i, b] + 0.0,
                pressure=inp.pressure[i, b],
                standard_set=True,
                leadership=0.0,
            )
            v, c = dr.standard_value(r, blocks[b], cell)
            can = ready and met and inp.live[b]
            ch = dr.choose(r, t.consider_hazard, v, v, can, False, u[i, b])
            cost[i, b] = c
            starts[i, b] = ch == dr.STANDARD
    return _budget(blocks, state)


@njit
def _budget(blocks, state):
    """Start wanted blocks in ascending block order while each region's money lasts."""
    starts, cost = state.starts, state.cost
    started = 0
    for b in range(state.status.shape[1]):
        for i in range(state.status.shape[0]):
            if starts[i, b] and cost[i, b] <= state.free_budget[i]:
                started += 1
                state.free_budget[i] -= cost[i, b]
                state.status[i, b] = IMPLEMENTING
                state.remaining[i, b] = blocks[b].quarters
                state.mandated[i, b] = state.mandated_now[i, b]
                if state.mandated[i, b]:
                    state.trust_neg[i] += 1.0
            else:
                starts[i, b] = False
    return started


@njit
def learn(belief, region, counts, status, learning):
    """Regional beliefs from their municipalities' successes and failures."""
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
            belief[r, b] = update_belief(
                belief[r, b], success[r, b] / c, failure[r, b] / c, 0.0, learning
            )


@njit
def peer_shares(region, status, counts):
    """(R, B) share of each region's municipalities that adopted each block."""
    out = np.zeros((counts.size, status.shape[1]))
    for i in range(region.size):
        if region[i] >= 0:
            for b in range(status.shape[1]):
                if status[i, b] == ADOPTED:
                    out[region[i], b] += 1.0
    for r in range(counts.size):
        if counts[r] > 0:
            for b in range(status.shape[1]):
                out[r, b] = out[r, b] / counts[r]
    return out


@njit
def skills(region, population, skills_share, n_regions, fallback):
    """(R,) population-weighted skills of each region's municipalities (sequential sums)."""
    w_pop, w_skill = np.zeros(n_regions), np.zeros(n_regions)
    for i in range(region.size):
        r = region[i]
        if r >= 0:
            w_pop[r] += population[i]
            w_skill[r] += population[i] * skills_share[i]
    out = np.empty(n_regions)
    for r in range(n_regions):
        out[r] = w_skill[r] / w_pop[r] if w_pop[r] > 0 else fallback
    return out
