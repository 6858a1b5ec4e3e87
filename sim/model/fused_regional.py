"""Regions' own adoption as one compiled pass (fast path of ``regional.adoption_stage``).

Progress of running implementations, then options, the value rule with one row per
region, the thinned logit and the budget, block by block in ascending order, as
``regional._progress`` and ``regional._decide`` do with arrays. Value inputs that
need sparse or weighted sums (skills, neighbours' adoption) are computed by the
same numpy code as in the reference; cost overruns (logs and powers) stay numpy too,
taken over the starting cells of each block in the same grouping, so the ledger
receives the same sums.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import value_cells as vc
from sim.model.dynamics import overrun
from sim.model.exact_sums import array_sum
from sim.model.jit import njit
from sim.model.state import ADOPTED, FAILED, IMPLEMENTING, NONE

if TYPE_CHECKING:
    from sim.model.model import EGovModel

SLIP, FAIL_SCALE, RETRY, BELIEF_DROP, AUTONOMY, PEER_W, HAZARD, SERVICE = range(8)


def pack(model: EGovModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rule, blk, reg) parameter arrays, built once per model."""
    p = model.params
    rp, dp = p.regional, p.decision
    rule, blk = vc.pack_rule(dp, model.blocks)
    reg = np.array(
        [rp.slip_probability, rp.failure_scale, dp.retry_after, dp.failure_belief_drop,
         rp.autonomy, dp.peer_weight, rp.consider_hazard, rp.service_share],
        dtype=np.float64,
    )  # fmt: skip
    return rule, blk, reg


def adoption_stage(model: EGovModel, draws: tuple[np.ndarray, ...]) -> None:
    """Progress and new starts of all regions; ``draws`` = (u_dec, u_prog, u_fail, u_ovr)."""
    from sim.model.regional import _static_inputs, region_skills

    rs, eff = model.rstate, model.effects
    if model.fused_regional is None:
        model.fused_regional = pack(model)
    rule, blk, reg = model.fused_regional
    u_dec, u_prog, u_fail, u_ovr = draws
    _progress(reg, int(model.quarter), rs.status, rs.remaining, rs.belief,
              model.region_retry_at, eff.region_trust_pos, blk, u_prog, u_fail)  # fmt: skip
    static = _static_inputs(model)
    peer = _region_peer(model.state.region, model.state.status, static["counts"][:, 0])
    fixed = static["population"]
    rows = (fixed, region_skills(model), rs.trust_central, rs.belief, peer, eff.region_pressure)
    context = (model.platform_live(), model.network_now(), float(model.central.credibility))
    starts = np.zeros(rs.status.shape, dtype=np.bool_)
    cost = np.zeros(rs.status.shape)
    started = _decide(rule, blk, reg, int(model.quarter), model.blocks.prereq, context, rows,
            model.region_gross, (rs.status, rs.remaining, rs.mandated, rs.free_budget,
            model.region_retry_at), (eff.region_mandated, eff.region_trust_neg),
            model.blocks.quarters, u_dec, starts, cost)  # fmt: skip
    if not started:
        return
    ip = model.params.implementation
    for b in np.flatnonzero(starts.any(axis=0)):
        fits = starts[:, b]
        actual = cost[fits, b] * (1.0 + ip.local_overrun_scale * overrun(u_ovr[fits, b], ip))
        model.ledger.spend("regional", float(actual.sum()), "own integration")


@njit
def _progress(reg, q, status, remaining, belief, retry_at, trust_pos, blk, u_prog, u_fail):
    """Regions' implementations advance, finish, succeed or fail (regional._progress)."""
    for i in range(status.shape[0]):
        succeeded = 0
        for b in range(status.shape[1]):
            if status[i, b] != IMPLEMENTING:
                continue
            if u_prog[i, b] >= reg[SLIP]:
                remaining[i, b] -= 1
            if remaining[i, b] > 0:
                continue
            if u_fail[i, b] < reg[FAIL_SCALE] * blk[vc.FAILURE, b]:
                status[i, b] = FAILED
                retry_at[i, b] = q + int(reg[RETRY])
                belief[i, b] *= 1.0 - reg[BELIEF_DROP]
            else:
                status[i, b] = ADOPTED
                succeeded += 1
        trust_pos[i] += succeeded


@njit
def _decide(rule, blk, reg, q, prereq, context, rows, gross, state, effects, quarters, u,
            starts, cost):  # fmt: skip
    """Options, value, draw and budget of every region (regional._decide)."""
    live, network, credibility = context
    population, skills, trust, belief, peer, pressure = rows
    status, remaining, mandated, free_budget, retry_at = state
    region_mandated, trust_neg = effects
    for i in range(status.shape[0]):
        for b in range(status.shape[1]):
            s = status[i, b]
            ready = s == NONE or (s == FAILED and q >= retry_at[i, b])
            met = True
            for p in range(status.shape[1]):
                if prereq[b, p] and status[i, p] != ADOPTED:
                    met = False
            v, c = vc.standard_value(
                rule, blk, b, trust[i], credibility, population[i], skills[i], 0.0,
                belief[i, b], network[b], gross[i, b], 0.0, 0.0, False,
            )  # fmt: skip
            autonomy_term = rule[vc.AUTONOMY_W] * reg[AUTONOMY] * (1.0 - blk[vc.VISIBILITY, b])
            v = v - autonomy_term + (reg[PEER_W] * peer[i, b] + 0.0) + pressure[i, b]
            ch = vc.choose(rule, reg[HAZARD], v, v, ready and met and live[b], False, u[i, b])
            cost[i, b] = c
            starts[i, b] = ch == vc.STANDARD
    started = 0
    for b in range(status.shape[1]):  # blocks in ascending order, as the reference
        for i in range(status.shape[0]):
            if starts[i, b] and cost[i, b] <= free_budget[i]:
                started += 1
                free_budget[i] -= cost[i, b]
                status[i, b] = IMPLEMENTING
                remaining[i, b] = quarters[b]
                mandated[i, b] = region_mandated[i, b]
                if mandated[i, b]:
                    trust_neg[i] += 1.0
            else:
                starts[i, b] = False
    return started


@njit
def _region_peer(region, status, counts):
    """(R, B) share of each region's municipalities that adopted each block.

    Counts of 0/1 cells divided by the member count, as ``region_sum`` / counts.
    """
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
def region_skills(region, population, skills, n_regions, fallback):
    """(R,) population-weighted skills: the sequential sums of ``np.bincount``."""
    w_pop, w_skill = np.zeros(n_regions), np.zeros(n_regions)
    for i in range(region.size):
        r = region[i]
        if r >= 0:
            w_pop[r] += population[i]
            w_skill[r] += population[i] * skills[i]
    out = np.empty(n_regions)
    for r in range(n_regions):
        out[r] = w_skill[r] / w_pop[r] if w_pop[r] > 0 else fallback
    return out


@njit
def service_values(status, population, service_share, skills, benefit, spillover, network):
    """(kept, spillover) of regional own services: pairwise sums as ``ndarray.sum``."""
    n_regions, n_blocks = status.shape
    value = np.zeros(n_regions * n_blocks)
    spill = np.zeros(n_regions * n_blocks)
    for r in range(n_regions):
        users = population[r] * service_share * skills[r] / 4.0
        for b in range(n_blocks):
            if status[r, b] == ADOPTED:
                v = users * benefit[b] * network[b]
                value[r * n_blocks + b] = v
                spill[r * n_blocks + b] = v * spillover[b]
    spilled = array_sum(spill)
    return array_sum(value) - spilled, spilled


@njit
def running_total(status, running, population):
    """Quarterly running cost of the regions' adopted blocks, summed as ``ndarray.sum``.

    Cells as ``(status == ADOPTED) * running * population / 4`` in that order.
    """
    n_regions, n_blocks = status.shape
    cost = np.zeros(n_regions * n_blocks)
    for r in range(n_regions):
        for b in range(n_blocks):
            if status[r, b] == ADOPTED:
                cost[r * n_blocks + b] = running[b] * population[r] / 4.0
    return array_sum(cost)
