"""Regional decisions: own adoption, shared resource centres and co-funding.

Regions decide like municipalities (the same value kernel, one row per region) for
their own services, and once a year whether to host a shared resource centre (when
many of their municipalities are small, OECD 2009 and the Norwegian pooling figures
in CALIBRATION.md §3) and whether to co-fund their municipalities' integrations
(through the same grant mechanism as central co-funding).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.decisions import (
    STANDARD,
    ValueInputs,
    choice_probabilities,
    draw_choices,
    prerequisites_met,
    standard_value,
)
from sim.model.effects import GrantOffer, GrantPool
from sim.model.state import ADOPTED, FAILED, IMPLEMENTING, NONE, effective_population

if TYPE_CHECKING:
    from sim.model.agents import RegionalGovernment


def new_year(reg: RegionalGovernment) -> None:
    """Allocate the budget, decide on hosting a centre and on co-funding."""
    model, r = reg.model, reg.index
    rs, rp = model.rstate, model.params.regional
    rng = model.streams.regions
    u_host, u_fund = rng.random(), rng.random()
    model.ledger.allocate("regional", float(rs.budget[r]))
    rs.free_budget[r] = rs.priority[r] * rs.budget[r]
    mine = model.state.region == r
    small = model.state.population[mine] < rp.centre_small_population
    if not rs.hosts_centre[r] and mine.any() and small.mean() >= rp.centre_small_share:
        expected_cost = small.sum() * rp.centre_cost_per_member * 0.5
        if u_host < rs.priority[r] and expected_cost <= rs.free_budget[r]:
            rs.hosts_centre[r] = True
    members = int((model.state.centre_member & mine).sum())
    rs.free_budget[r] -= members * rp.centre_cost_per_member
    rs.cofunds[r] = rp.cofund_share > 0 and u_fund < rs.priority[r] - 0.3
    pool_size = max(rs.free_budget[r] * 0.5, 0.0) if rs.cofunds[r] else 0.0
    reg.grant_pool = GrantPool(payer="regional", remaining=pool_size, label=f"region {r} co-funding")
    rs.free_budget[r] -= pool_size


def step(reg: RegionalGovernment) -> None:
    """Co-funding offer, centre running costs, own adoption and implementation."""
    model, r = reg.model, reg.index
    rs, rp = model.rstate, model.params.regional
    rng = model.streams.regions
    nb = len(model.catalogue)
    u_dec, u_prog, u_fail = rng.random(nb), rng.random(nb), rng.random(nb)
    mine = model.state.region == r
    if reg.grant_pool is not None and reg.grant_pool.remaining > 0:
        share = np.zeros((model.state.n, nb))
        share[mine] = rp.cofund_share
        model.effects.grant_offers.append(GrantOffer(share=share, pool=reg.grant_pool))
    members = int((model.state.centre_member & mine).sum())
    if members:
        model.ledger.spend("regional", members * rp.centre_cost_per_member / 4.0, "shared centre")
    _progress(reg, u_prog, u_fail)
    _decide(reg, u_dec)


def _inputs(reg: RegionalGovernment) -> ValueInputs:
    model, r = reg.model, reg.index
    rs, st = model.rstate, model.state
    pop = np.array([rs.population[r] * model.params.regional.service_share])
    mine = st.region == r
    nb = len(model.catalogue)
    eff = effective_population(pop, model.params.budget.scale_breaks, model.params.budget.scale_rates)
    gross = np.array([[b.integration_fixed for b in model.catalogue]]) + eff[:, None] * np.array(
        [[b.integration_per_capita for b in model.catalogue]]
    )
    peer = st.adopted[mine].mean(axis=0, keepdims=True) if mine.any() else np.zeros((1, nb))
    skills = np.array([np.average(st.skills[mine], weights=st.population[mine])]) if mine.any() else np.array([0.7])
    return ValueInputs(
        population=pop,
        skills=skills,
        autonomy=np.array([0.3]),
        trust_owner=rs.trust_central[r : r + 1],
        credibility=model.central.credibility,
        leadership=np.zeros(1),
        peer_weight=np.array([model.params.decision.peer_weight]),
        risk_cut=np.zeros(1),
        belief=rs.belief[r : r + 1],
        peer_share=peer,
        pressure=model.effects.region_pressure[r : r + 1],
        grant=np.zeros((1, nb)),
        cost_cut=np.zeros((1, nb)),
        gross_cost=gross,
        fail_prob=model.blocks.failure[None, :],
        network=model.network_now(),
    )


def _decide(reg: RegionalGovernment, u: np.ndarray) -> None:
    model, r = reg.model, reg.index
    rs, dp = model.rstate, model.params.decision
    inp = _inputs(reg)
    done = rs.status[r : r + 1] == ADOPTED
    eligible = (rs.status[r : r + 1] == NONE) | (
        (rs.status[r : r + 1] == FAILED) & (model.quarter >= model.region_retry_at[r : r + 1])
    )
    can = eligible & prerequisites_met(done, model.blocks.prereq) & model.platform_live()[None, :]
    value, cost = standard_value(inp, model.blocks, dp)
    p_std, p_loc = choice_probabilities(
        value, value, can, np.zeros_like(can), model.params.regional.consider_hazard, dp
    )
    start = (draw_choices(p_std, p_loc, u[None, :]) == STANDARD)[0]
    for b in np.flatnonzero(start):
        if cost[0, b] > rs.free_budget[r]:
            continue
        rs.free_budget[r] -= cost[0, b]
        model.ledger.spend("regional", float(cost[0, b]), "own integration")
        rs.status[r, b] = IMPLEMENTING
        rs.remaining[r, b] = model.blocks.quarters[b]
        rs.mandated[r, b] = model.effects.region_mandated[r, b]
        if rs.mandated[r, b]:
            model.effects.region_trust_neg[r] += 1.0


def _progress(reg: RegionalGovernment, u_prog: np.ndarray, u_fail: np.ndarray) -> None:
    model, r = reg.model, reg.index
    rs = model.rstate
    busy = rs.status[r] == IMPLEMENTING
    rs.remaining[r, busy] -= 1
    done = busy & (rs.remaining[r] <= 0)
    failed = done & (u_fail < 0.5 * model.blocks.failure)
    rs.status[r, done & ~failed] = ADOPTED
    rs.status[r, failed] = FAILED
    model.region_retry_at[r, failed] = model.quarter + model.params.decision.retry_after
    model.effects.region_trust_pos[r] += float((done & ~failed).sum())
    rs.belief[r, failed] *= 1.0 - model.params.decision.failure_belief_drop
