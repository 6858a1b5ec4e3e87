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

from sim.model import fused_regional
from sim.model.decisions import (
    STANDARD,
    ValueInputs,
    choice_probabilities,
    draw_choices,
    prerequisites_met,
    standard_value,
)
from sim.model.dynamics import overrun, update_beliefs
from sim.model.effects import GrantOffer, GrantPool
from sim.model.state import ADOPTED, FAILED, IMPLEMENTING, NONE, effective_population

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
    mine = reg.mine
    small = model.state.population[mine] < rp.centre_small_population
    if not rs.hosts_centre[r] and mine.any() and small.mean() >= rp.centre_small_share:
        expected_cost = small.sum() * rp.centre_cost_per_member * rp.centre_founding_share
        if u_host < rs.priority[r] and expected_cost <= rs.free_budget[r]:
            rs.hosts_centre[r] = True
    members = int((model.state.centre_member & ~model.state.instrument_member & mine).sum())
    rs.free_budget[r] -= members * rp.centre_cost_per_member
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
    members = int((model.state.centre_member & ~model.state.instrument_member & mine).sum())
    if members:
        model.ledger.spend("regional", members * rp.centre_cost_per_member / 4.0, "shared centre")


def region_gross_cost(model: EGovModel) -> np.ndarray:
    """(R, B) integration cost of each block for each region's own services."""
    pop = model.rstate.population * model.params.regional.service_share
    bp = model.params.budget
    eff = effective_population(pop, bp.scale_breaks, bp.scale_rates)
    fixed = np.array([b.integration_fixed for b in model.catalogue])
    per_cap = np.array([b.integration_per_capita for b in model.catalogue])
    return fixed[None, :] + eff[:, None] * per_cap[None, :]


def adoption_stage(model: EGovModel) -> None:
    """Own adoption of all regions at once: the municipal value rule, one row per region."""
    rs = model.rstate
    if rs.n == 0:
        return
    rng = model.streams.regions
    shape = (rs.n, len(model.catalogue))
    u_dec, u_prog, u_fail, u_ovr = (rng.random(shape) for _ in range(4))
    if model.fused_kernels:
        fused_regional.adoption_stage(model, (u_dec, u_prog, u_fail, u_ovr))
    else:
        _progress(model, u_prog, u_fail)
        _decide(model, u_dec, u_ovr)
    _pay_running(model)


def region_skills(model: EGovModel) -> np.ndarray:
    """(R,) population-weighted digital skills of each region's municipalities.

    Regions without population get the mean skills parameter. Compiled (the
    sequential sums of ``np.bincount`` over the municipalities, in their order).
    """
    rs, st = model.rstate, model.state
    return fused_regional.region_skills(
        st.region, st.population, st.skills, rs.n, model.params.citizens.skills_mean
    )


def _pay_running(model: EGovModel) -> None:
    rs = model.rstate
    pop = _static_inputs(model)["population"]  # rs.population * service_share
    total = fused_regional.running_total(rs.status, model.blocks.running, pop)
    if total > 0:
        # Running costs come out of the operating budget, not the project envelope.
        model.ledger.allocate("regional", total)
        model.ledger.spend("regional", total, "running")


def service_benefits(model: EGovModel) -> tuple[float, float]:
    """This quarter's benefit of regional own services: (kept by regions, spillover).

    Regional services reach citizens with digital skills (no separate take-up
    process): a documented simplification, since regions serve few transactions.
    """
    rs, bl = model.rstate, model.blocks
    if rs.n == 0:
        return 0.0, 0.0
    own, spill = fused_regional.service_values(
        rs.status, rs.population, model.params.regional.service_share, region_skills(model),
        bl.benefit, bl.spillover, model.network_now(),
    )  # fmt: skip
    return float(own), float(spill)


def learn(model: EGovModel) -> None:
    """Regions update beliefs from their municipalities' successes and failures."""
    rs, st = model.rstate, model.state
    if rs.n == 0:
        return
    has = st.region >= 0
    counts = np.maximum(np.bincount(st.region[has], minlength=rs.n), 1)[:, None]
    success = model.region_sum(st.status == ADOPTED)
    failure = model.region_sum(st.status == FAILED)
    rs.belief[:] = update_beliefs(
        rs.belief, success / counts, failure / counts, 0.0, model.params.decision.belief_learning
    )


def _static_inputs(model: EGovModel) -> dict[str, np.ndarray]:
    """Region inputs that never change during a run, built on first use and kept.

    Region membership, parameters and the catalogue are fixed once the model is
    built, so these arrays are the same every quarter; rebuilding them dominated
    the regions' per-quarter cost on small countries.
    """
    cached = model._region_static
    if cached is None:
        rs, st = model.rstate, model.state
        nb, dp, rp = len(model.catalogue), model.params.decision, model.params.regional
        has = st.region >= 0
        cached = {
            "population": rs.population * rp.service_share,
            "autonomy": np.full(rs.n, rp.autonomy),
            "leadership": np.zeros(rs.n),
            "peer_weight": np.full(rs.n, dp.peer_weight),
            "risk_cut": np.zeros(rs.n),
            "zeros": np.zeros((rs.n, nb)),
            "counts": np.bincount(st.region[has], minlength=rs.n)[:, None],
            "fail_prob": np.broadcast_to(model.blocks.failure[None, :], (rs.n, nb)),
        }
        model._region_static = cached
    return cached


def _inputs(model: EGovModel) -> ValueInputs:
    rs, st = model.rstate, model.state
    fixed = _static_inputs(model)
    peer = model.region_sum(st.adopted)
    counts = fixed["counts"]
    return ValueInputs(
        population=fixed["population"],
        skills=region_skills(model),
        autonomy=fixed["autonomy"],
        trust_owner=rs.trust_central,
        credibility=model.central.credibility,
        leadership=fixed["leadership"],
        peer_weight=fixed["peer_weight"],
        risk_cut=fixed["risk_cut"],
        belief=rs.belief,
        peer_share=np.divide(peer, counts, out=np.zeros_like(peer), where=counts > 0),
        pressure=model.effects.region_pressure,
        grant=fixed["zeros"],
        cost_cut=fixed["zeros"],
        gross_cost=model.region_gross,
        fail_prob=fixed["fail_prob"],
        network=model.network_now(),
    )


def _decide(model: EGovModel, u: np.ndarray, u_ovr: np.ndarray) -> None:
    """Start own implementations within budget; the overrun is a surprise paid up front."""
    rs, dp = model.rstate, model.params.decision
    done = rs.status == ADOPTED
    ready = (rs.status == NONE) | ((rs.status == FAILED) & (model.quarter >= model.region_retry_at))
    can = ready & prerequisites_met(done, model.blocks.prereq) & model.platform_live()[None, :]
    value, cost = standard_value(_inputs(model), model.blocks, dp)
    p_std, p_loc = choice_probabilities(
        value, value, can, np.zeros_like(can), model.params.regional.consider_hazard, dp
    )
    want = draw_choices(p_std, p_loc, u) == STANDARD
    ip = model.params.implementation
    for b in np.flatnonzero(want.any(axis=0)):  # blocks no region wants change nothing
        fits = want[:, b] & (cost[:, b] <= rs.free_budget)
        if not fits.any():
            continue
        rs.free_budget[fits] -= cost[fits, b]
        # Elementwise overrun on the starting cells only: the same values as on all cells.
        actual = cost[fits, b] * (1.0 + ip.local_overrun_scale * overrun(u_ovr[fits, b], ip))
        model.ledger.spend("regional", float(actual.sum()), "own integration")
        rs.status[fits, b] = IMPLEMENTING
        rs.remaining[fits, b] = model.blocks.quarters[b]
        rs.mandated[fits, b] = model.effects.region_mandated[fits, b]
        model.effects.region_trust_neg[fits & rs.mandated[:, b]] += 1.0


def _progress(model: EGovModel, u_prog: np.ndarray, u_fail: np.ndarray) -> None:
    """Regions have professional ICT staff: few slips, half the municipal failure rate."""
    rs = model.rstate
    busy = rs.status == IMPLEMENTING
    rs.remaining[busy & (u_prog >= model.params.regional.slip_probability)] -= 1
    done = busy & (rs.remaining <= 0)
    failed = done & (u_fail < model.params.regional.failure_scale * model.blocks.failure[None, :])
    rs.status[done & ~failed] = ADOPTED
    rs.status[failed] = FAILED
    model.region_retry_at[failed] = model.quarter + model.params.decision.retry_after
    model.effects.region_trust_pos += (done & ~failed).sum(axis=1)
    rs.belief[failed] *= 1.0 - model.params.decision.failure_belief_drop
