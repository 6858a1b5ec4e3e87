"""Municipal implementations as compiled passes over the cells (fast path).

``progress`` does what ``municipal.progress_implementations`` and
``municipal.settle_finished`` do, ``begin`` the per-cell part of
``municipal.begin_implementations``, with the same arithmetic in the same order
(row-major over the cells, as ``np.nonzero`` lists them). Sums that reach the ledger
are taken by numpy over the cells' amounts, so they round as in the reference.
Grants (a queue in the quarter's random order) and cost overruns (logs and powers,
whose last bit differs between numpy's vector code and the C library) stay numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import fused_grants
from sim.model.dynamics import overrun
from sim.model.effects import MANDATE_CENTRAL, MANDATE_NONE, MANDATE_REGIONAL
from sim.model.exact_sums import array_sum
from sim.model.jit import njit
from sim.model.state import ADOPTED, FAILED, IMPLEMENTING, LOCAL
from sim.model.value_cells import clip

if TYPE_CHECKING:
    from sim.model.model import EGovModel

(CENTRE_SUPPORT, CENTRE_CAPACITY, CAP_HALF, SUPPORT_CAP, SLIP, FAIL_CAP, SUPPORT_FAIL_CUT,
 BELIEF_DROP, JOINT_W, SUPPORT_SPEEDUP) = range(10)  # fmt: skip


def pack(model: EGovModel) -> np.ndarray:
    """Implementation parameters for the kernels, built once per model."""
    p = model.params
    ip, rp = p.implementation, p.regional
    values = (
        rp.centre_support, rp.centre_capacity, ip.capacity_half, ip.support_capacity,
        ip.slip_probability, ip.fail_capacity_effect, ip.support_failure_cut,
        p.decision.failure_belief_drop, p.trust.joint_success_weight, ip.support_speedup,
    )  # fmt: skip
    return np.array(values, dtype=np.float64)


def _packed(model: EGovModel) -> np.ndarray:
    if model.fused_impl is None:
        model.fused_impl = pack(model)
    return model.fused_impl


def progress(model: EGovModel, u: np.ndarray) -> float:
    """Advance, pay and settle every implementation; returns the euros paid."""
    st, eff = model.state, model.effects
    work = (st.status, st.remaining, st.due, st.instalment, st.spent, st.grant_unspent)
    flags = (st.building_local, st.migrating, st.mandated, st.ever_local)
    dates = (st.adopted_at, st.failed_at, st.since, st.belief)
    rows = (st.capacity, st.centre_member)
    effects = (eff.support, eff.extra_failure)
    trust = (eff.trust_central_pos, eff.trust_central_neg, eff.trust_region_neg)
    blocks = (model.blocks.failure, model.blocks.central_owned)
    paid = np.empty(u.size)
    n_paid, n_done = _progress_all(_packed(model), int(model.quarter), work, flags, dates,
                                   rows, effects, trust, blocks, u, paid)  # fmt: skip
    if n_done:
        model.adoption_changed()
    total = float(np.add.reduce(paid[:n_paid]))
    if total > 0:
        model.ledger.spend("municipal", total, "integration")
    return total


@njit
def _cell_support(pk, member, eff_support, capacity, i, b):
    """(support, effective capacity) of cell (i, b), as support_at and capacity_at."""
    support = clip(eff_support[i, b] + (pk[CENTRE_SUPPORT] if member[i] else 0.0), 0.0, 1.0)
    staff = capacity[i] + (pk[CENTRE_CAPACITY] if member[i] else 0.0)
    own = staff / (staff + pk[CAP_HALF])
    return support, clip(own + pk[SUPPORT_CAP] * support, 0.0, 1.0)


@njit
def _progress_all(pk, q, work, flags, dates, rows, effects, trust, blocks, u, paid):
    """Every cell under implementation in row-major order; returns (cells, finished)."""
    status, remaining, due, instalment, spent, unspent = work
    failure, central_owned = blocks
    n_paid, n_done = 0, 0
    for i in range(status.shape[0]):
        joint, neg_c, neg_r = 0, 0, 0
        for b in range(status.shape[1]):
            if status[i, b] != IMPLEMENTING:
                continue
            support, cap = _cell_support(pk, rows[1], effects[0], rows[0], i, b)
            slip = pk[SLIP] * (1.0 - clip(cap, 0.0, 1.0))
            advanced = u[i, b] >= slip
            u_fail = (u[i, b] - slip) / max(1.0 - slip, 1e-12) if advanced else 1.0
            if advanced:
                remaining[i, b] -= 1
            done = remaining[i, b] <= 0
            d = due[i, b]
            pay = d if done else min(instalment[i, b], d)
            paid[n_paid] = pay
            n_paid += 1
            spent[i, b] += pay
            due[i, b] = d - pay
            unspent[i, b] = unspent[i, b] - min(pay, unspent[i, b])
            p = failure[b] * (1.0 + pk[FAIL_CAP] * (1.0 - cap))
            p = clip(p * (1.0 - pk[SUPPORT_FAIL_CUT] * clip(support, 0.0, 1.0)), 0.0, 0.95)
            p = clip(p + effects[1][i, b], 0.0, 0.95)
            if done:
                n_done += 1
                failed = u_fail < p
                code = _settle(pk, q, status, unspent, flags, dates, i, b, failed)
                joint += int(not failed and code == ADOPTED and central_owned[b])
                neg_c += int(failed and code == MANDATE_CENTRAL + 10)
                neg_r += int(failed and code == MANDATE_REGIONAL + 10)
        trust[0][i] += pk[JOINT_W] * joint
        trust[1][i] += neg_c
        trust[2][i] += neg_r
    return n_paid, n_done


@njit
def _settle(pk, q, status, unspent, flags, dates, i, b, failed):
    """Success or failure of a finished cell (municipal.settle_finished).

    Returns the new status on success, or 10 + the mandating level on failure, so
    the caller can count the trust experiences.
    """
    building_local, migrating, mandated, ever_local = flags
    adopted_at, failed_at, since, belief = dates
    local, mandator = building_local[i, b], mandated[i, b]
    if failed:
        status[i, b] = LOCAL if migrating[i, b] else FAILED
        failed_at[i, b] = q
        belief[i, b] *= 1.0 - pk[BELIEF_DROP]
        result = 10 + mandator
    else:
        status[i, b] = LOCAL if local else ADOPTED
        if local:
            ever_local[i, b] = True
        else:
            adopted_at[i, b] = q
        result = status[i, b]
    since[i, b] = q
    building_local[i, b] = False
    migrating[i, b] = False
    mandated[i, b] = 0
    unspent[i, b] = 0.0
    return result


def begin(model: EGovModel, starts: dict, order: np.ndarray, u_ovr: np.ndarray) -> None:
    """Open the quarter's started implementations (municipal.begin_implementations)."""
    st, eff, dp, ip = model.state, model.effects, model.params.decision, model.params.implementation
    size = np.count_nonzero(starts["started"])
    if size == 0:
        return
    ri, bi = np.empty(size, np.int64), np.empty(size, np.int64)
    local, migrating = np.empty(size, np.bool_), np.empty(size, np.bool_)
    base, u = np.empty(size), np.empty(size)
    _start_cells(starts["rows"], starts["started"], starts["local"], starts["cut"], st.status,
                 st.gross_cost,
                 dp.local_cost_factor, dp.migration_cost_share, u_ovr,
                 (ri, bi, local, migrating, base, u))  # fmt: skip
    granted = fused_grants.settle(model, ri, bi, ~local, base, order)
    total = base * (1.0 + ip.local_overrun_scale * overrun(u, ip))
    state = (st.status, st.migrating, st.building_local, st.since, st.remaining, st.due,
             st.instalment, st.mandated, st.granted, st.grant_unspent)  # fmt: skip
    trust = (eff.trust_central_neg, eff.trust_central_pos, eff.trust_region_neg,
             eff.trust_region_pos)  # fmt: skip
    _open_cells(_packed(model), int(model.quarter), (ri, bi, local, migrating, base, granted,
                total), state, (st.centre_member, eff.support, eff.mandator),
                model.blocks.quarters, trust)  # fmt: skip


@njit
def _start_cells(rows, started, local_all, cut, status, gross_cost, local_factor,
                 migration_share, u_ovr, out):  # fmt: skip
    """Started cells in row-major order with their cost after cuts (before grants).

    ``started``, ``local_all`` and ``cut`` have one row per entry of ``rows`` (the
    municipalities that were valued), as ``municipal.decide`` returns them.
    """
    ri, bi, local, migrating, base, u = out
    k = 0
    for i in range(started.shape[0]):
        for b in range(started.shape[1]):
            if not started[i, b]:
                continue
            r = rows[i]
            gross = gross_cost[r, b]
            loc = local_all[i, b]
            c = gross * clip(1.0 - cut[i, b], 0.0, 1.0)
            c = local_factor * c if loc else c
            mig = not loc and status[r, b] == LOCAL
            base[k] = c + (migration_share * gross if mig else 0.0)
            ri[k], bi[k], local[k], migrating[k], u[k] = r, b, loc, mig, u_ovr[r, b]
            k += 1


@njit
def _open_cells(pk, q, cells, state, support_in, block_quarters, trust):
    """Write the new implementations into the state; book mandated starts as trust."""
    ri, bi, local, migrating, base, granted, total = cells
    status, mig, building, since, remaining, due, instalment, mandated, gr, unspent = state
    member, eff_support, mandator_in = support_in
    sums = np.zeros(4)  # central neg, central pos, regional neg, regional pos of a row
    for k in range(ri.size):
        i, b = ri[k], bi[k]
        support = clip(eff_support[i, b] + (pk[CENTRE_SUPPORT] if member[i] else 0.0), 0.0, 1.0)
        quarters = max(int(np.ceil(block_quarters[b] * (1.0 - pk[SUPPORT_SPEEDUP] * support))), 1)
        status[i, b] = IMPLEMENTING
        mig[i, b], building[i, b], since[i, b] = migrating[k], local[k], q
        remaining[i, b] = quarters
        due[i, b] = total[k]
        instalment[i, b] = total[k] / quarters
        mandator = 0 if local[k] else mandator_in[i, b]
        mandated[i, b] = mandator
        gr[i, b], unspent[i, b] = granted[k], granted[k]
        funded = clip(granted[k] / base[k] if base[k] > 0 else 0.0, 0.0, 1.0)
        if mandator != MANDATE_NONE:  # central or regional
            at = 0 if mandator == MANDATE_CENTRAL else 2
            sums[at] += 1.0 - funded
            sums[at + 1] += funded
        if k + 1 == ri.size or ri[k + 1] != i:  # row done: add its sums as bincount does
            for j in range(4):
                trust[j][i] += sums[j]
                sums[j] = 0.0


def join_centres(model: EGovModel, u: np.ndarray) -> None:
    """Small municipalities in a hosting region join its centre (municipal.join_centres)."""
    st, rp = model.state, model.params.regional
    if model.rstate.n == 0:
        return
    _join(st.region, model.rstate.hosts_centre, st.population, st.centre_member,
          st.trust_region, u, rp.centre_small_population, rp.centre_join_probability,
          model.effects.trust_region_pos)  # fmt: skip


@njit
def _join(region, hosts, population, member, trust, u, small_population, probability, pos):
    for i in range(region.size):
        r = region[i]
        if r < 0 or not hosts[r] or member[i] or not population[i] < small_population:
            continue
        if u[i] < probability * trust[i]:
            member[i] = True
            pos[i] += 1.0


def pay_running(model: EGovModel) -> None:
    """Running costs of blocks in operation (municipal.pay_running), summed as numpy."""
    from sim.model.municipal import running_rates

    st = model.state
    rate, local_rate = running_rates(model)
    total = _running(st.status, st.migrating, rate, local_rate, st.spent)
    if total > 0:
        model.ledger.allocate("municipal", total)
        model.ledger.spend("municipal", total, "running")


@njit
def _running(status, migrating, rate, local_rate, spent):
    """Add each cell's running cost to ``spent``; the pairwise total of all cells."""
    m, n_blocks = status.shape
    cost = np.zeros(m * n_blocks)
    for i in range(m):
        for b in range(n_blocks):
            c = (rate[i, b] if status[i, b] == ADOPTED else 0.0) + (
                local_rate[i, b] if status[i, b] == LOCAL or migrating[i, b] else 0.0
            )
            cost[i * n_blocks + b] = c
    total = array_sum(cost)
    if total > 0:
        for i in range(m):
            for b in range(n_blocks):
                spent[i, b] += cost[i * n_blocks + b]
    return total
