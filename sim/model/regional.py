"""Regional decisions: own adoption, shared resource centres and co-funding.

Regions decide like municipalities (the same value kernel, one row per region) for
their own services, and once a year whether to host a shared resource centre (the
co-operation rule of ``cooperation.py``: where many of their municipalities are
small, OECD 2009 and the Norwegian pooling figures in docs/calibration-sources.md §3)
and whether to co-fund their municipalities' integrations (through the same grant
mechanism as central co-funding).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import cooperation
from sim.model.cost_split import OVERRUN
from sim.model.country_money import integration_cost
from sim.model.effects import GrantOffer, GrantPool
from sim.model.expectations import expected_network
from sim.model.kernels import benefits as bk
from sim.model.kernels import regional as rk
from sim.model.rules.implementation import overrun
from sim.model.state import effective_population

if TYPE_CHECKING:
    from sim.model.agents import RegionalGovernment
    from sim.model.model import EGovModel


def new_year(reg: RegionalGovernment) -> None:
    """Allocate the budget, decide on hosting a centre and on co-funding."""
    model, r = reg.model, reg.index
    rs, rp = model.rstate, model.params.regional
    rng = model.streams.regions
    u_host, u_fund = rng.random(), rng.random()
    model.ledger.allocate("regional", float(rs.budget[r]))
    rs.free_budget[r] = rs.priority[r] * rs.budget[r]
    cooperation.region_year(reg, u_host)
    rs.cofunds[r] = rp.cofund_share > 0 and u_fund < rs.priority[r] - rp.cofund_priority_threshold
    pool_size = max(rs.free_budget[r] * rp.cofund_pool_share, 0.0) if rs.cofunds[r] else 0.0
    reg.grant_pool = GrantPool(
        payer="regional", remaining=pool_size, label=f"region {r} co-funding"
    )
    rs.free_budget[r] -= pool_size


def step(reg: RegionalGovernment) -> None:
    """Co-funding offer to the region's municipalities and centre running costs."""
    model = reg.model
    rp = model.params.regional
    mine = reg.mine
    if reg.grant_pool is not None and reg.grant_pool.remaining > 0:
        if reg.cofund_cells is None:  # constant: build once, offers only read it
            reg.cofund_cells = np.zeros((model.state.n, len(model.catalogue)))
            reg.cofund_cells[mine] = rp.cofund_share
        offer = GrantOffer(
            share=reg.cofund_cells, pool=reg.grant_pool, members=mine, member_rows=reg.mine_rows
        )
        model.effects.grant_offers.append(offer)
    cooperation.region_step(reg)


def region_gross_cost(model: EGovModel) -> np.ndarray:
    """(R, B) integration cost of each block for each region's own services."""
    pop = model.rstate.population * model.params.regional.service_share
    bp = model.params.budget
    eff = effective_population(pop, bp.scale_breaks, bp.scale_rates)
    fixed = np.array([b.integration_fixed for b in model.catalogue])
    per_cap = np.array([b.integration_per_capita for b in model.catalogue])
    return integration_cost(fixed, per_cap, pop, eff, bp, model.money.price_level)


def adoption_stage(model: EGovModel) -> None:
    """Own adoption of all regions at once: the municipal value rule, one row per region."""
    rs = model.rstate
    if rs.n == 0:
        return
    rng = model.streams.regions
    shape = (rs.n, len(model.catalogue))
    u_dec, u_prog, u_fail, u_ovr = (rng.random(shape) for _ in range(4))
    rec, eff = model.records, model.effects
    state = rk.RegionState(
        rs.status,
        rs.remaining,
        rs.mandated,
        rs.belief,
        model.region_retry_at,
        rs.free_budget,
        eff.region_mandated,
        eff.region_trust_pos,
        eff.region_trust_neg,
        np.zeros(shape, dtype=np.bool_),
        np.zeros(shape),
    )
    q = int(model.quarter)
    rk.progress(rec.regional, rec.blocks, q, tuple(state), u_prog, u_fail)
    inp = rk.RegionInputs(
        population=rec.region_served,
        skills=region_skills(model),
        trust=rs.trust_central,
        peer=rk.peer_shares(model.state.region, model.state.status, rec.region_counts),
        pressure=eff.region_pressure,
        gross=model.region_gross,
        live=model.platform_live(),
        network=expected_network(model),
        credibility=float(model.central.credibility),
        quarter=q,
    )
    if rk.decide(rec.decision, rec.regional, rec.blocks, tuple(inp), tuple(state), u_dec):
        _pay_starts(model, state.starts, state.cost, u_ovr)
    _pay_running(model)


def _pay_starts(model: EGovModel, starts: np.ndarray, cost: np.ndarray, u_ovr: np.ndarray) -> None:
    """The overrun of a region's own build is a surprise paid up front, block by block."""
    ip = model.params.implementation
    for b in np.flatnonzero(starts.any(axis=0)):
        fits = starts[:, b]
        actual = cost[fits, b] * (1.0 + ip.local_overrun_scale * overrun(u_ovr[fits, b], ip))
        over = np.maximum(actual - cost[fits, b], 0.0)  # an underrun books no overrun
        model.ledger.spend("regional", float((actual - over).sum()), "own integration")
        if over.sum() > 0:
            model.ledger.spend("regional", float(over.sum()), OVERRUN)


def region_skills(model: EGovModel) -> np.ndarray:
    """(R,) population-weighted digital skills of each region's municipalities.

    Regions without population get the mean skills parameter. Compiled (the
    sequential sums of ``np.bincount`` over the municipalities, in their order).
    """
    rs, st = model.rstate, model.state
    return rk.skills(st.region, st.population, st.skills, rs.n, model.params.citizens.skills_mean)


def _pay_running(model: EGovModel) -> None:
    rs = model.rstate
    total = bk.regional_running(rs.status, model.blocks.running, model.records.region_served)
    if total > 0:
        # Running costs come out of the operating budget, not the project envelope.
        model.ledger.allocate("regional", total)
        model.ledger.spend("regional", total, "running")


def service_benefits(model: EGovModel) -> tuple[float, float]:
    """This quarter's benefit of regional own services: (kept by regions, spillover).

    Regional services reach citizens with digital skills (no separate take-up
    process): a documented simplification, since regions serve few transactions.
    """
    rs = model.rstate
    if rs.n == 0:
        return 0.0, 0.0
    rec = model.records
    own, spill = bk.regional(
        rs.status, rec.region_served, region_skills(model), rec.blocks, model.network_now()
    )
    return float(own), float(spill)


def learn(model: EGovModel) -> None:
    """Regions update beliefs from their municipalities' successes and failures."""
    rs, st = model.rstate, model.state
    if rs.n == 0:
        return
    counts = model.records.region_counts
    rk.learn(rs.belief, st.region, counts, st.status, model.params.decision.belief_learning)
