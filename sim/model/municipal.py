"""The municipal stage of a quarter (docs/ODD.md §3 step 4; rules in ``rules/``).

Order inside the stage: co-operation (found bodies, join centres), progress ongoing implementations
(success or failure), decide new starts (standard, local or wait) under the budget
constraint, settle grants in the quarter's random municipal order, pay running
costs. Random numbers are drawn for every cell each quarter whatever its state, so
scenarios run with the same seed stay paired (common random numbers).

These functions gather the kernels' records from the model, call the compiled
kernels of ``kernels/`` and book money in the ledger; the records that are fixed
for a run are built once (``model.records``, see ``records.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import cooperation, peers
from sim.model.expectations import expected_network_cells
from sim.model.kernels import decide as dk
from sim.model.kernels import grants as gk
from sim.model.kernels import implement as ik
from sim.model.rules import decision as dr
from sim.model.rules.implementation import overrun
from sim.model.state import IMPLEMENTING

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
    progress(model, u_impl)
    starts = decide(model, u_dec, block_order)
    begin(model, starts, order, u_ovr)
    pay_running(model)


def join_centres(model: EGovModel, u: np.ndarray) -> None:
    """Co-operation first: bodies founded, members joined, their costs shared (§7.4)."""
    cooperation.municipal_stage(model, u)


def _effects(model: EGovModel) -> tuple:
    """This quarter's ``ImplEffects``, as the plain tuple the kernels take."""
    eff = model.effects
    return tuple(
        ik.ImplEffects(
            eff.support,
            eff.extra_failure,
            eff.mandator,
            eff.trust_central_pos,
            eff.trust_central_neg,
            eff.trust_region_pos,
            eff.trust_region_neg,
        )
    )


def progress(model: EGovModel, u: np.ndarray) -> float:
    """Advance, pay and settle every implementation; returns the euros paid."""
    rec, views = model.records, model.views
    paid = np.empty(u.size)
    cells = np.flatnonzero(model.state.status == IMPLEMENTING)  # the kernel's order
    n_paid, n_done = ik.progress(
        rec.implementation,
        rec.blocks,
        int(model.quarter),
        views.work,
        views.impl_rows,
        _effects(model),
        u,
        paid,
    )
    if n_done:
        model.adoption_changed()
    total = float(np.add.reduce(paid[:n_paid]))
    if total > 0:  # integration, migration and overrun parts as fixed at the start
        model.cost_split.book(model.ledger, "municipal", cells, paid[:n_paid])
    return total


def decide(model: EGovModel, u: np.ndarray, block_order: np.ndarray) -> dk.DecideOut:
    """The quarter's starts (standard or local) within each municipality's budget."""
    ctx, cells, out = decision_records(model, u, block_order)
    rec, rows = model.records, model.views.decide_rows
    if model.choice_rule is dr.choose:
        dk.decide(rec.decision, rec.municipal, rec.blocks, ctx, cells, rows, tuple(out))
    else:  # a researcher's own compiled rule, same signature (compiled in this process)
        dk.decide_with(
            rec.decision, rec.municipal, rec.blocks, ctx, cells, rows, tuple(out), model.choice_rule
        )
    moved = float(out.reallocated.sum())
    if moved > 0:  # obligatory spending beyond the envelope, moved from other lines
        model.ledger.allocate("municipal", moved, "mandate reallocation")
    return out


def decision_records(
    model: EGovModel, u: np.ndarray, block_order: np.ndarray
) -> tuple[tuple, tuple, dk.DecideOut]:
    """This quarter's decision inputs, and fresh outputs (budgets written in place).

    ``DecideContext`` and ``DecideCells`` come as plain tuples, as the kernels take them.
    """
    st, eff = model.state, model.effects
    shape = (st.n, st.n_blocks)
    out = dk.DecideOut(
        st.free_budget, np.zeros(shape, bool), np.zeros(shape, bool), np.zeros(shape),
        np.zeros(st.n),
    )  # fmt: skip
    ctx = dk.DecideContext(
        model.platform_live(),
        model.standard_set(),
        float(model.central.credibility),
        int(model.quarter),
        u,
        block_order,
    )
    cells = dk.DecideCells(
        st.status,
        st.since,
        st.failed_at,
        st.migrating,
        st.belief,
        peers.exposure(model),  # neighbours, plus the benchmarking club when weighted
        eff.pressure,
        eff.offered_grant_share(),
        eff.cost_cut,
        st.gross_cost,
        eff.obligation,
        eff.enforcement,
        eff.enforcement_signal,
        expected_network_cells(model),
    )
    return tuple(ctx), tuple(cells), out


def start_probabilities(model: EGovModel) -> tuple[np.ndarray, np.ndarray]:
    """(M, B) chances of starting the standard block and a local build, given the state now.

    Read-only inspection of the decision (what the next municipal stage would
    weigh, with this quarter's instrument effects); nothing is drawn or spent.
    """
    st = model.state
    ctx, cells, out = decision_records(model, np.ones((st.n, st.n_blocks)), np.arange(st.n_blocks))
    out = out._replace(free_budget=st.free_budget.copy())
    p = np.zeros((2, st.n, st.n_blocks))
    rec = model.records
    dk.probabilities(
        rec.decision, rec.municipal, rec.blocks, ctx, cells, model.views.decide_rows, tuple(out), p
    )
    return p[0], p[1]


def begin(model: EGovModel, starts: dk.DecideOut, order: np.ndarray, u_ovr: np.ndarray) -> None:
    """Open implementations: settle grants in random order, draw overruns, book trust.

    The municipality owes the whole (overrun) cost; grants arrive as transfers at the
    start and are drawn down first, so only the rest weighs on its own envelope.
    """
    st, ip, rec, views = model.state, model.params.implementation, model.records, model.views
    size = int(np.count_nonzero(starts.started))
    if size == 0:
        return
    new = ik.NewCells(
        np.empty(size, np.int64),
        np.empty(size, np.int64),
        np.empty(size, np.bool_),
        np.empty(size, np.bool_),
        np.empty(size),
        np.empty(size),
        np.zeros(size),
        np.empty(size),
    )
    ik.start_cells(rec.decision, starts, views.work, st.gross_cost, u_ovr, tuple(new))
    settle_grants(model, new, order)
    new.total[:] = new.base * (1.0 + ip.local_overrun_scale * overrun(new.u, ip))
    mig = model.params.decision.migration_cost_share * st.gross_cost[new.ri, new.bi]
    model.cost_split.open(new.ri, new.bi, new.base, np.where(new.migrating, mig, 0.0), new.total)
    ik.open_cells(
        rec.implementation,
        rec.blocks,
        int(model.quarter),
        tuple(new),
        views.work,
        views.impl_rows,
        _effects(model),
    )


def settle_grants(model: EGovModel, new: ik.NewCells, order: np.ndarray) -> None:
    """Grants paid to the starting cells into ``new.granted``; pools, ledger and trust updated."""
    st, eff = model.state, model.effects
    standard = ~new.local
    if not eff.grant_offers or not standard.any():
        return
    queue = tuple(gk.Queue(*gk.applicants(order, new.ri, st.n)))
    asks = tuple(gk.Asks(new.ri, new.bi, standard, new.base))
    trust = tuple(
        gk.GrantTrust(
            eff.trust_central_neg,
            eff.trust_region_neg,
            eff.trust_region_pos,
            float(model.params.trust.grant_weight),
        )
    )
    for offer in eff.grant_offers:
        pool = offer.pool
        view = (offer.share, float(pool.remaining), pool.payer == "central")  # a gk.Pool
        paid, refused, asked = gk.offer(view, st.gross_cost, asks, new.granted, queue, trust)
        if not asked:
            continue
        pool.remaining -= paid
        pool.paid += paid
        pool.refused += refused
        if paid > 0:
            model.ledger.transfer(pool.payer, "municipal", float(paid), pool.label)


def pay_running(model: EGovModel) -> None:
    """Running costs of blocks in operation (local solutions cost more to run).

    A block in operation becomes part of the systems the operating ICT budget (the
    ~85% not free for new projects, docs/calibration-sources.md §4) keeps running:
    its running cost is booked as an operating allocation and spent, so it neither
    eats the project envelope nor shows up as a deficit.
    """
    st, rec = model.state, model.records
    total = ik.running(st.status, st.migrating, rec.running, rec.running_local, st.spent)
    if total > 0:
        model.ledger.allocate("municipal", total)
        model.ledger.spend("municipal", total, "running")
