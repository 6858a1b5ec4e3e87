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
from sim.model import fused_decide, fused_implement
from sim.model.dynamics import failure_probability, overrun, progress
from sim.model.effects import MANDATE_CENTRAL, MANDATE_REGIONAL
from sim.model.fastmath import clip
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
    if model.fused_kernels:  # compiled versions of the functions below (same results)
        fused_implement.join_centres(model, u_join)
        fused_implement.progress(model, u_impl)
    else:
        join_centres(model, u_join)
        progress_implementations(model, u_impl)
    decide_now = fused_decide.decide if model.uses_fused_decision() else decide
    starts = decide_now(model, u_dec, block_order)
    if model.fused_kernels:
        fused_implement.begin(model, starts, order, u_ovr)
        fused_implement.pay_running(model)
    else:
        begin_implementations(model, starts, order, u_ovr)
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


def support_at(model: EGovModel, ri: np.ndarray, bi: np.ndarray) -> np.ndarray:
    """Implementation support of cells (ri, bi): instruments plus centre membership."""
    st = model.state
    centre = st.centre_member[ri] * model.params.regional.centre_support
    return clip(model.effects.support[ri, bi] + centre, 0.0, 1.0)


def capacity_at(model: EGovModel, ri: np.ndarray, support: np.ndarray) -> np.ndarray:
    """Effective capacity of cells: own staff pooled with the centre's, plus support."""
    st, rp, ip = model.state, model.params.regional, model.params.implementation
    staff = st.capacity[ri] + st.centre_member[ri] * rp.centre_capacity
    own = staff / (staff + ip.capacity_half)
    return clip(own + ip.support_capacity * support, 0.0, 1.0)


def progress_implementations(model: EGovModel, u: np.ndarray) -> None:
    """Advance work, pay instalments, settle finished implementations.

    Works on the cells under implementation only (index arrays), so its cost grows
    with activity, not with municipalities × blocks.
    """
    st, ip = model.state, model.params.implementation
    ri, bi = np.nonzero(st.status == IMPLEMENTING)
    if ri.size == 0:
        return
    support = support_at(model, ri, bi)
    cap = capacity_at(model, ri, support)
    advanced, u_fail = progress(u[ri, bi], cap, ip)
    st.remaining[ri[advanced], bi[advanced]] -= 1
    done = st.remaining[ri, bi] <= 0
    due = st.due[ri, bi]
    pay = np.where(done, due, np.minimum(st.instalment[ri, bi], due))
    _spend_cells(model, ri, bi, pay, "integration")
    st.due[ri, bi] = due - pay
    unspent = st.grant_unspent[ri, bi]
    st.grant_unspent[ri, bi] = unspent - np.minimum(pay, unspent)
    p_fail = failure_probability(model.blocks.failure[bi], cap, support, ip)
    p_fail = clip(p_fail + model.effects.extra_failure[ri, bi], 0.0, 0.95)
    failed = done & (u_fail < p_fail)
    settle_finished(model, ri[done], bi[done], failed[done])


def settle_finished(model: EGovModel, ri: np.ndarray, bi: np.ndarray, failed: np.ndarray) -> None:
    """Success or failure of finished implementations, with their trust experiences."""
    st, eff, q = model.state, model.effects, model.quarter
    if ri.size == 0:
        return
    model.adoption_changed()  # cached neighbour shares and network factors are stale
    local = st.building_local[ri, bi]
    migrating = st.migrating[ri, bi]
    mandated = st.mandated[ri, bi]
    success = ~failed
    # A failed migration leaves the working local solution in place.
    st.status[ri, bi] = np.where(
        success, np.where(local, LOCAL, ADOPTED), np.where(migrating, LOCAL, FAILED)
    )
    st.ever_local[ri[success & local], bi[success & local]] = True
    st.adopted_at[ri[success & ~local], bi[success & ~local]] = q
    st.failed_at[ri[failed], bi[failed]] = q
    st.since[ri, bi] = q
    st.belief[ri[failed], bi[failed]] *= 1.0 - model.params.decision.failure_belief_drop
    joint = success & ~local & model.blocks.central_owned[bi]
    n = st.n
    eff.trust_central_pos += model.params.trust.joint_success_weight * np.bincount(
        ri[joint], minlength=n
    )
    eff.trust_central_neg += np.bincount(ri[failed & (mandated == MANDATE_CENTRAL)], minlength=n)
    eff.trust_region_neg += np.bincount(ri[failed & (mandated == MANDATE_REGIONAL)], minlength=n)
    st.building_local[ri, bi] = False
    st.migrating[ri, bi] = False
    st.mandated[ri, bi] = 0
    st.grant_unspent[ri, bi] = 0.0


def decision_inputs(model: EGovModel, rows: np.ndarray | None = None) -> dk.ValueInputs:
    """Assemble the value-rule inputs from the state, for all municipalities or ``rows``."""
    st, eff, dp, rp = model.state, model.effects, model.params.decision, model.params.regional
    idx = slice(None) if rows is None else rows
    role = st.role[idx]
    lead = np.where(
        role == ENTREPRENEUR,
        dp.entrepreneur_bonus,
        np.where(role == LAGGARD, -dp.laggard_penalty, 0.0),
    )
    peer_w = dp.peer_weight * np.where(role == FELLOW, 1.0 + dp.follower_peer_boost, 1.0)
    central_owned = model.blocks.central_owned[None, :]
    trust = np.where(central_owned, st.trust_central[idx, None], st.trust_region[idx, None])
    cap = model.params.implementation.cost_cut_cap
    member = st.centre_member[idx, None]
    cut = clip(eff.cost_cut[idx] + member * rp.centre_cost_cut, 0.0, cap)
    gross = st.gross_cost[idx]
    return dk.ValueInputs(
        population=st.population[idx],
        skills=st.skills[idx],
        autonomy=st.autonomy[idx],
        trust_owner=trust,
        credibility=model.central.credibility,
        leadership=lead,
        peer_weight=peer_w,
        risk_cut=st.guardian[idx] * model.params.leadership.guardian_risk_cut,
        belief=st.belief[idx],
        peer_share=model.peer_adoption()[idx],
        pressure=eff.pressure[idx],
        grant=eff.offered_grant_share(rows),
        cost_cut=cut,
        gross_cost=gross,
        fail_prob=model.blocks.failure[None, :],  # broadcasts over rows in the value rule
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
    """Draw starts and enforce the yearly budget, block by block in random order.

    Only rows with a cell that has an option and a review draw below the hazard are
    valued: every start probability is at most the hazard, so all other cells wait
    whatever their value. The result is identical to valuing every cell.
    """
    st, dp = model.state, model.params.decision
    can_std, can_loc = options(model)
    candidate = (can_std | can_loc) & (u < dp.consider_hazard)
    rows = np.flatnonzero(candidate.any(axis=1))
    empty = np.zeros((0, st.n_blocks), dtype=bool)
    if rows.size == 0:
        return {"rows": rows, "started": empty, "local": empty, "cut": np.zeros(empty.shape)}
    inp = decision_inputs(model, rows)
    v_std, cost_std = dk.standard_value(inp, model.blocks, dp, migrating=st.status[rows] == LOCAL)
    v_loc, cost_loc = dk.local_value(inp, model.blocks, dp, model.standard_set())
    p_std, p_loc = model.choice_probabilities(rows, v_std, v_loc, can_std[rows], can_loc[rows])
    choice = dk.draw_choices(p_std, p_loc, u[rows])
    cost = np.where(choice == dk.LOCAL_BUILD, cost_loc, cost_std)
    commit = cost / np.maximum(model.blocks.quarters / 4.0, 1.0)[None, :]
    started = np.zeros(choice.shape, dtype=bool)
    free = st.free_budget[rows]
    chosen = (choice != dk.WAIT).any(axis=0)
    for b in block_order[chosen[block_order]]:  # blocks nobody chose leave ``free`` as is
        fits = (choice[:, b] != dk.WAIT) & (commit[:, b] <= free)
        free[fits] -= commit[fits, b]
        started[fits, b] = True
    st.free_budget[rows] = free
    local = started & (choice == dk.LOCAL_BUILD)
    return {"rows": rows, "started": started, "local": local, "cut": inp.cost_cut}


def begin_implementations(
    model: EGovModel, starts: dict, order: np.ndarray, u_ovr: np.ndarray
) -> None:
    """Open implementations: settle grants in random order, draw overruns, book trust.

    The municipality owes the whole (overrun) cost; grants arrive as transfers at the
    start and are drawn down first, so only the rest weighs on its own envelope.
    """
    st, eff, dp, ip = model.state, model.effects, model.params.decision, model.params.implementation
    sub_r, bi = np.nonzero(starts["started"])
    if sub_r.size == 0:
        return
    ri = starts["rows"][sub_r]
    local = starts["local"][sub_r, bi]
    gross = st.gross_cost[ri, bi]
    base = gross * clip(1.0 - starts["cut"][sub_r, bi], 0.0, 1.0)
    base = np.where(local, dp.local_cost_factor * base, base)
    migrating = ~local & (st.status[ri, bi] == LOCAL)
    base = base + np.where(migrating, dp.migration_cost_share * gross, 0.0)
    granted = settle_grants(model, ri, bi, ~local, base, order)
    total = base * (1.0 + ip.local_overrun_scale * overrun(u_ovr[ri, bi], ip))
    support = support_at(model, ri, bi)
    quarters = np.ceil(model.blocks.quarters[bi] * (1.0 - ip.support_speedup * support))
    quarters = np.maximum(quarters.astype(np.int32), 1)
    st.status[ri, bi] = IMPLEMENTING
    st.migrating[ri, bi] = migrating  # the local service keeps running meanwhile
    st.building_local[ri, bi] = local
    st.since[ri, bi] = model.quarter
    st.remaining[ri, bi] = quarters
    st.due[ri, bi] = total
    st.instalment[ri, bi] = total / quarters
    mandator = np.where(local, 0, eff.mandator[ri, bi])
    st.mandated[ri, bi] = mandator
    st.granted[ri, bi] = granted
    st.grant_unspent[ri, bi] = granted
    funded = clip(np.divide(granted, base, out=np.zeros_like(base), where=base > 0), 0.0, 1.0)
    book_mandate_trust(model, ri, mandator, funded)


def book_mandate_trust(
    model: EGovModel, ri: np.ndarray, mandator: np.ndarray, funded: np.ndarray
) -> None:
    """A mandated start is an experience with the mandating level.

    The unfunded share of the cost is a negative experience, the funded share a
    positive one ("funded obligations"): whether a mandate is funded comes only
    from the grants actually received in the same cells.
    """
    eff, n = model.effects, model.state.n
    for code, pos, neg in (
        (MANDATE_CENTRAL, eff.trust_central_pos, eff.trust_central_neg),
        (MANDATE_REGIONAL, eff.trust_region_pos, eff.trust_region_neg),
    ):
        cells = mandator == code
        if cells.any():
            neg += np.bincount(ri[cells], weights=1.0 - funded[cells], minlength=n)
            pos += np.bincount(ri[cells], weights=funded[cells], minlength=n)


def settle_grants(
    model: EGovModel,
    ri: np.ndarray,
    bi: np.ndarray,
    standard: np.ndarray,
    base: np.ndarray,
    order: np.ndarray,
) -> np.ndarray:
    """Pay grant offers to starting cells in the quarter's random order until pools run dry.

    A municipality applies for all its started standard cells at once; applications
    are taken in the quarter's random municipal order and paid while the pool lasts.
    Grants never exceed the project's cost after cuts (``base``). Starters refused by
    an empty pool had counted on the grant: a broken funding promise, booked as a
    negative experience with the paying level.
    """
    st, eff, tp = model.state, model.effects, model.params.trust
    granted = np.zeros(ri.size)
    if not eff.grant_offers or not standard.any():
        return granted
    rank = np.empty(st.n, dtype=np.int64)
    rank[order] = np.arange(st.n)
    # The distinct applicants in ascending random rank, and each cell's applicant slot:
    # np.unique(rank[ri], return_inverse=True) through a mark array (same arrays,
    # without unique's sort, which dominated this function on small countries).
    mark = np.zeros(st.n, dtype=bool)
    mark[rank[ri]] = True
    applicants = mark.nonzero()[0]
    slot = (np.cumsum(mark) - 1)[rank[ri]]
    rows = order[applicants]
    for offer in eff.grant_offers:
        ask = np.where(standard, offer.share[ri, bi] * st.gross_cost[ri, bi], 0.0)
        ask = np.minimum(ask, np.maximum(base - granted, 0.0))
        asked = np.bincount(slot, weights=ask, minlength=applicants.size)
        if not asked.any():
            continue
        ok = np.cumsum(asked) <= offer.pool.remaining
        paid = asked[ok].sum()
        granted += np.where(ok[slot], ask, 0.0)
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
            eff.trust_region_pos[rows[ok & (asked > 0)]] += tp.grant_weight
    return granted


def pay_running(model: EGovModel) -> None:
    """Running costs of blocks in operation (local solutions cost more to run).

    A block in operation becomes part of the systems the operating ICT budget (the
    ~85% not free for new projects, CALIBRATION.md §4) keeps running: its running
    cost is booked as an operating allocation and spent, so it neither eats the
    project envelope nor shows up as a deficit.
    """
    st = model.state
    rate, local_rate = running_rates(model)
    cost = np.where(st.status == ADOPTED, rate, 0.0) + np.where(st.local, local_rate, 0.0)
    total = float(cost.sum())
    if total > 0:
        model.ledger.allocate("municipal", total)
        st.spent += cost
        model.ledger.spend("municipal", total, "running")


def running_rates(model: EGovModel) -> tuple[np.ndarray, np.ndarray]:
    """(M, B) quarterly running cost of a standard block and of a local solution.

    Population, catalogue and parameters are fixed during a run, so both arrays are
    computed on first use and kept (the same values as recomputing them).
    """
    if model.running_rates is None:
        rate = model.blocks.running[None, :] * model.state.population[:, None] / 4.0
        model.running_rates = (rate, model.params.decision.local_cost_factor * rate)
    return model.running_rates


def _spend_cells(
    model: EGovModel, ri: np.ndarray, bi: np.ndarray, amounts: np.ndarray, category: str
) -> None:
    total = float(amounts.sum())
    if total > 0:
        model.state.spent[ri, bi] += amounts
        model.ledger.spend("municipal", total, category)
