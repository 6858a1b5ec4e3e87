"""The municipal stage of a quarter, run as vectorised kernels over all municipalities.

Order inside the stage (MODEL.md §3, step 4): join shared centres, progress ongoing
implementations (success or failure), decide new starts (standard, local or wait)
under the budget constraint, settle grants in the quarter's random municipal order,
pay running costs. Random numbers are drawn for every cell each quarter whatever its
state (common random numbers across scenarios).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import decisions as dk
from sim.model.dynamics import failure_probability, overrun, progress
from sim.model.effects import MANDATE_CENTRAL, MANDATE_REGIONAL
from sim.model.state import (
    ADOPTED,
    ENTREPRENEUR,
    FAILED,
    FELLOW,
    IMPLEMENTING,
    LAGGARD,
    LOCAL,
    NONE,
)

if TYPE_CHECKING:
    from sim.model.model import EGovModel


def municipal_stage(model: EGovModel) -> None:
    """Run step 4 of the quarter for all municipalities."""
    st, rng = model.state, model.streams.municipal
    shape = (st.n, st.n_blocks)
    u_join = rng.random(st.n)
    u_impl, u_dec, u_ovr = rng.random(shape), rng.random(shape), rng.random(shape)
    order = rng.permutation(st.n)
    block_order = rng.permutation(st.n_blocks)
    join_centres(model, u_join)
    progress_implementations(model, u_impl)
    starts = decide(model, u_dec, block_order)
    begin_implementations(model, starts, order, overrun(u_ovr, model.params.implementation))
    pay_running(model)


def join_centres(model: EGovModel, u: np.ndarray) -> None:
    """Small municipalities in a hosting region join its centre, more so when trusting."""
    st, rp = model.state, model.params.regional
    if model.rstate.n == 0:
        return
    hosting = np.zeros(st.n, dtype=bool)
    has_region = st.region >= 0
    hosting[has_region] = model.rstate.hosts_centre[st.region[has_region]]
    small = st.population < rp.centre_small_population
    join = hosting & small & ~st.centre_member & (u < rp.centre_join_probability * st.trust_region)
    st.centre_member |= join
    model.effects.trust_region_pos[join] += 1.0


def support_level(model: EGovModel) -> np.ndarray:
    """(M, B) implementation support: instruments plus shared-centre membership."""
    st = model.state
    centre = st.centre_member[:, None] * model.params.regional.centre_support
    return np.clip(model.effects.support + centre, 0.0, 1.0)


def capacity_level(model: EGovModel, support: np.ndarray) -> np.ndarray:
    """(M, B) effective capacity: own staff pooled with the centre's, plus support."""
    st, rp, ip = model.state, model.params.regional, model.params.implementation
    staff = st.capacity + st.centre_member * rp.centre_capacity
    own = staff / (staff + ip.capacity_half)
    return np.clip(own[:, None] + ip.support_capacity * support, 0.0, 1.0)


def progress_implementations(model: EGovModel, u: np.ndarray) -> None:
    """Advance work, pay instalments, settle finished implementations."""
    st, eff, q = model.state, model.effects, model.quarter
    busy = st.status == IMPLEMENTING
    if not busy.any():
        return
    support = support_level(model)
    cap = capacity_level(model, support)
    advanced, u_fail = progress(u, cap, model.params.implementation)
    advanced &= busy
    st.remaining[advanced] -= 1
    done = busy & (st.remaining <= 0)
    pay = np.where(busy, np.where(done, st.due, np.minimum(st.instalment, st.due)), 0.0)
    _spend_municipal(model, pay, "integration")
    st.due -= pay
    st.grant_unspent -= np.minimum(pay, st.grant_unspent)
    p_fail = failure_probability(
        model.blocks.failure[None, :], cap, support, model.params.implementation
    )
    failed = done & (u_fail < p_fail)
    success = done & ~failed
    went_local = success & st.building_local
    st.status[success & ~st.building_local] = ADOPTED
    st.status[went_local] = LOCAL
    st.ever_local |= went_local
    st.adopted_at[success & ~st.building_local] = q
    # A failed migration leaves the working local solution in place.
    st.status[failed] = np.where(st.migrating[failed], LOCAL, FAILED)
    st.failed_at[failed] = q
    st.since[done] = q
    st.belief[failed] *= 1.0 - model.params.decision.failure_belief_drop
    joint = success & ~st.building_local & model.blocks.central_owned[None, :]
    eff.trust_central_pos += model.params.trust.joint_success_weight * joint.sum(axis=1)
    eff.trust_central_neg += (failed & (st.mandated == MANDATE_CENTRAL)).sum(axis=1)
    eff.trust_region_neg += (failed & (st.mandated == MANDATE_REGIONAL)).sum(axis=1)
    st.building_local[done] = False
    st.migrating[done] = False
    st.mandated[done] = 0
    st.grant_unspent[done] = 0.0


def decision_inputs(model: EGovModel) -> dk.ValueInputs:
    """Assemble the value-rule inputs for all municipalities from the state."""
    st, eff, dp, rp = model.state, model.effects, model.params.decision, model.params.regional
    lead = np.zeros(st.n)
    lead[st.role == ENTREPRENEUR] = dp.entrepreneur_bonus
    lead[st.role == LAGGARD] = -dp.laggard_penalty
    peer_w = dp.peer_weight * np.where(st.role == FELLOW, 1.0 + dp.follower_peer_boost, 1.0)
    central_owned = model.blocks.central_owned[None, :]
    trust = np.where(central_owned, st.trust_central[:, None], st.trust_region[:, None])
    cap = model.params.implementation.cost_cut_cap
    cut = np.clip(eff.cost_cut + st.centre_member[:, None] * rp.centre_cost_cut, 0.0, cap)
    return dk.ValueInputs(
        population=st.population,
        skills=st.skills,
        autonomy=st.autonomy,
        trust_owner=trust,
        credibility=model.central.credibility,
        leadership=lead,
        peer_weight=peer_w,
        risk_cut=st.guardian * model.params.leadership.guardian_risk_cut,
        belief=st.belief,
        peer_share=model.neighbour_share(st.adopted),
        pressure=eff.pressure,
        grant=eff.offered_grant_share(),
        cost_cut=cut,
        gross_cost=st.gross_cost,
        fail_prob=model.blocks.failure[None, :] * np.ones((st.n, 1)),
        network=model.network_now(),
    )


def options(model: EGovModel) -> tuple[np.ndarray, np.ndarray]:
    """(M, B) masks: where the standard block, and where a local build, can start."""
    st, dp, q = model.state, model.params.decision, model.quarter
    ready = (st.status == NONE) | ((st.status == FAILED) & (q - st.since >= dp.retry_after))
    live = model.platform_live()[None, :]
    prereq_std = dk.prerequisites_met(st.status == ADOPTED, model.blocks.prereq)
    prereq_loc = dk.prerequisites_met((st.status == ADOPTED) | st.local, model.blocks.prereq)
    # A local solution may migrate, but not again within retry_after of a failed try.
    settled = (st.failed_at < 0) | (q - st.failed_at >= dp.retry_after)
    may_migrate = (st.status == LOCAL) & settled
    can_std = (ready | may_migrate) & live & prereq_std
    standard = model.standard_set()[None, :]
    distrust = (st.trust_central < dp.local_trust_threshold)[:, None]
    can_loc = ready & prereq_loc & (~live | ~standard | distrust)
    return can_std, can_loc


def decide(model: EGovModel, u: np.ndarray, block_order: np.ndarray) -> dict[str, np.ndarray]:
    """Draw starts and enforce the yearly budget, block by block in random order."""
    st, dp = model.state, model.params.decision
    inp = decision_inputs(model)
    can_std, can_loc = options(model)
    v_std, cost_std = dk.standard_value(inp, model.blocks, dp, migrating=st.status == LOCAL)
    v_loc, cost_loc = dk.local_value(inp, model.blocks, dp)
    p_std, p_loc = dk.choice_probabilities(v_std, v_loc, can_std, can_loc, dp.consider_hazard, dp)
    choice = dk.draw_choices(p_std, p_loc, u)
    cost = np.where(choice == dk.LOCAL_BUILD, cost_loc, cost_std)
    years = np.maximum(model.blocks.quarters / 4.0, 1.0)[None, :]
    commit = cost / years
    started = np.zeros(choice.shape, dtype=bool)
    for b in block_order:
        want = choice[:, b] != dk.WAIT
        fits = want & (commit[:, b] <= st.free_budget)
        st.free_budget[fits] -= commit[fits, b]
        started[fits, b] = True
    return {
        "started": started,
        "local": started & (choice == dk.LOCAL_BUILD),
        "grant": inp.grant,
        "cut": inp.cost_cut,
    }


def begin_implementations(
    model: EGovModel, starts: dict, order: np.ndarray, ovr: np.ndarray
) -> None:
    """Open implementations: settle grants in random order, draw overruns, book trust.

    The municipality owes the whole (overrun) cost; grants arrive as transfers at the
    start and are drawn down first, so only the rest weighs on its own envelope.
    """
    st, eff, dp, ip = model.state, model.effects, model.params.decision, model.params.implementation
    started, local = starts["started"], starts["local"]
    if not started.any():
        return
    standard = started & ~local
    base = st.gross_cost * np.clip(1.0 - starts["cut"], 0.0, 1.0)
    base = np.where(local, dp.local_cost_factor * base, base)
    migrating = standard & (st.status == LOCAL)
    base = base + np.where(migrating, dp.migration_cost_share * st.gross_cost, 0.0)
    granted = settle_grants(model, standard, base, order)
    total = base * (1.0 + ip.local_overrun_scale * ovr)
    support = support_level(model)
    quarters = np.ceil(model.blocks.quarters[None, :] * (1.0 - ip.support_speedup * support))
    quarters = np.maximum(quarters.astype(np.int32), 1)
    st.status[started] = IMPLEMENTING
    st.migrating[started] = migrating[started]  # the local service keeps running meanwhile
    st.building_local[started] = local[started]
    st.since[started] = model.quarter
    st.remaining[started] = quarters[started]
    st.due[started] = total[started]
    st.instalment[started] = (total / quarters)[started]
    st.mandated[started] = np.where(standard, eff.mandator, 0)[started]
    st.granted[started] = granted[started]
    st.grant_unspent[started] = granted[started]
    funded = np.clip(np.divide(granted, base, out=np.zeros_like(base), where=base > 0), 0.0, 1.0)
    book_mandate_trust(model, standard, funded)


def book_mandate_trust(model: EGovModel, standard: np.ndarray, funded: np.ndarray) -> None:
    """A mandated start is an experience with the mandating level.

    The unfunded share of the cost is a negative experience, the funded share a
    positive one ("funded obligations"): whether a mandate is funded comes only
    from the grants actually received in the same cells.
    """
    eff = model.effects
    for code, pos, neg in (
        (MANDATE_CENTRAL, eff.trust_central_pos, eff.trust_central_neg),
        (MANDATE_REGIONAL, eff.trust_region_pos, eff.trust_region_neg),
    ):
        cells = standard & (eff.mandator == code)
        if cells.any():
            neg += np.where(cells, 1.0 - funded, 0.0).sum(axis=1)
            pos += np.where(cells, funded, 0.0).sum(axis=1)


def settle_grants(
    model: EGovModel, standard: np.ndarray, base: np.ndarray, order: np.ndarray
) -> np.ndarray:
    """Pay grant offers to starters in the quarter's random order until pools run dry.

    Grants never exceed the project's cost after cuts (``base``). Starters refused by
    an empty pool had counted on the grant: a broken funding promise, booked as a
    negative experience with the paying level.
    """
    st, eff, tp = model.state, model.effects, model.params.trust
    granted = np.zeros(standard.shape)
    rows = order[standard[order].any(axis=1)]
    for offer in eff.grant_offers:
        ask = np.where(standard, offer.share * st.gross_cost, 0.0)
        ask = np.minimum(ask, np.maximum(base - granted, 0.0))
        asked = ask[rows].sum(axis=1)
        if not asked.any():
            continue
        ok = np.cumsum(asked) <= offer.pool.remaining
        paid = asked[ok].sum()
        granted[rows[ok]] += ask[rows[ok]]
        refused = rows[~ok & (asked > 0)]
        offer.pool.remaining -= paid
        offer.pool.paid += paid
        offer.pool.refused += int(refused.size)
        if paid > 0:
            model.ledger.transfer(offer.pool.payer, "municipal", float(paid), offer.pool.label)
        if offer.pool.payer == "central":
            eff.trust_central_neg[refused] += 1.0
        else:
            eff.trust_region_neg[refused] += 1.0
            eff.trust_region_pos[rows[ok]] += tp.grant_weight
    return granted


def pay_running(model: EGovModel) -> None:
    """Running costs of blocks in operation (local solutions cost more to run).

    A block in operation becomes part of the systems the operating ICT budget (the
    ~85% not free for new projects, CALIBRATION.md §4) keeps running: its running
    cost is booked as an operating allocation and spent, so it neither eats the
    project envelope nor shows up as a deficit.
    """
    st, dp = model.state, model.params.decision
    rate = model.blocks.running[None, :] * st.population[:, None] / 4.0
    cost = np.where(st.status == ADOPTED, rate, 0.0) + np.where(
        st.local, dp.local_cost_factor * rate, 0.0
    )
    if cost.sum() > 0:
        model.ledger.allocate("municipal", float(cost.sum()))
    _spend_municipal(model, cost, "running")


def _spend_municipal(model: EGovModel, amounts: np.ndarray, category: str) -> None:
    total = float(amounts.sum())
    if total > 0:
        model.state.spent += amounts
        model.ledger.spend("municipal", total, category)
