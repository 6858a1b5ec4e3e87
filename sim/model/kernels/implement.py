"""Municipal implementations as compiled passes over the cells (docs/ODD.md §7.5).

:func:`progress` advances every cell under implementation (row-major order), pays
its instalment, and settles the finished ones as successes or failures with their
trust experiences. :func:`start_cells` lists the quarter's starts with their cost
after cuts; :func:`open_cells` writes them into the state once grants and overruns
are known; :func:`running` adds each cell's running cost (joining shared centres
is in ``kernels/cooperation.py``). The rules themselves are in
``rules/implementation.py`` and ``rules/benefits.py``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model.effects import MANDATE_CENTRAL, MANDATE_NONE, MANDATE_REGIONAL
from sim.model.jit import njit
from sim.model.kernels.exact_sums import array_sum
from sim.model.rules import implementation as ir
from sim.model.rules.numeric import clip
from sim.model.state import ADOPTED, FAILED, IMPLEMENTING, LOCAL

FAILED_BY = 10  # settle() returns FAILED_BY + mandator code for a failed cell


class Work(NamedTuple):
    """(M, B) implementation state of the cells."""

    status: np.ndarray
    remaining: np.ndarray
    due: np.ndarray
    instalment: np.ndarray
    spent: np.ndarray
    grant_unspent: np.ndarray
    granted: np.ndarray
    building_local: np.ndarray
    migrating: np.ndarray
    mandated: np.ndarray
    ever_local: np.ndarray
    adopted_at: np.ndarray
    failed_at: np.ndarray
    since: np.ndarray
    belief: np.ndarray


class ImplRows(NamedTuple):
    """(M,) attributes of the municipalities."""

    capacity: np.ndarray
    centre_member: np.ndarray


class ImplEffects(NamedTuple):
    """This quarter's instrument effects read, and trust experiences written."""

    support: np.ndarray  # (M, B)
    extra_failure: np.ndarray  # (M, B)
    mandator: np.ndarray  # (M, B) int8
    trust_central_pos: np.ndarray  # (M,)
    trust_central_neg: np.ndarray
    trust_region_pos: np.ndarray
    trust_region_neg: np.ndarray


class NewCells(NamedTuple):
    """The quarter's starts, one entry per started cell in row-major order."""

    ri: np.ndarray
    bi: np.ndarray
    local: np.ndarray
    migrating: np.ndarray
    base: np.ndarray  # EUR: cost after cuts, before grants and overruns
    u: np.ndarray  # overrun draw
    granted: np.ndarray  # EUR: grants paid (written by the grant queue)
    total: np.ndarray  # EUR: cost with its overrun (written by the stage)


@njit
def progress(rule, blocks, q, work, rows, eff, u, paid):
    """Every cell under implementation in row-major order; returns (cells paid, finished).

    ``rule`` is an ``ImplementationRule`` record, ``blocks`` the block table.
    """
    work = Work(*work)
    rows = ImplRows(*rows)
    eff = ImplEffects(*eff)
    r = rule[0]
    n_paid, n_done = 0, 0
    for i in range(work.status.shape[0]):
        joint, neg_c, neg_r = 0, 0, 0
        for b in range(work.status.shape[1]):
            if work.status[i, b] != IMPLEMENTING:
                continue
            member = rows.centre_member[i]
            support = ir.support(r, eff.support[i, b], member)
            cap = ir.capacity(r, rows.capacity[i], member, support)
            advanced, u_fail = ir.advance(r.slip_probability, cap, u[i, b])
            if advanced:
                work.remaining[i, b] -= 1
            done = work.remaining[i, b] <= 0
            paid[n_paid] = _pay(work, i, b, done)
            n_paid += 1
            p = ir.failure_probability(r, blocks[b].failure, cap, support, eff.extra_failure[i, b])
            if done:
                n_done += 1
                failed = u_fail < p
                code = settle(r, q, work, i, b, failed)
                joint += int(not failed and code == ADOPTED and blocks[b].central_owned)
                neg_c += int(failed and code == FAILED_BY + MANDATE_CENTRAL)
                neg_r += int(failed and code == FAILED_BY + MANDATE_REGIONAL)
        eff.trust_central_pos[i] += r.joint_success_weight * joint
        eff.trust_central_neg[i] += neg_c
        eff.trust_region_neg[i] += neg_r
    return n_paid, n_done


@njit
def _pay(work, i, b, done):
    """This quarter's payment of cell (i, b): the instalment, or all that is due at the end.

    Grants in hand are drawn down first.
    """
    d = work.due[i, b]
    pay = d if done else min(work.instalment[i, b], d)
    work.spent[i, b] += pay
    work.due[i, b] = d - pay
    work.grant_unspent[i, b] = work.grant_unspent[i, b] - min(pay, work.grant_unspent[i, b])
    return pay


@njit
def settle(rule, q, work, i, b, failed):
    """Success or failure of a finished cell.

    A failed migration leaves the working local solution in place. Returns the new
    status on success, or ``FAILED_BY`` + the mandating level on failure, so the
    caller can count the trust experiences.
    """
    local, mandator = work.building_local[i, b], work.mandated[i, b]
    if failed:
        work.status[i, b] = LOCAL if work.migrating[i, b] else FAILED
        work.failed_at[i, b] = q
        work.belief[i, b] *= 1.0 - rule.failure_belief_drop
        result = FAILED_BY + mandator
    else:
        work.status[i, b] = LOCAL if local else ADOPTED
        if local:
            work.ever_local[i, b] = True
        else:
            work.adopted_at[i, b] = q
        result = work.status[i, b]
    work.since[i, b] = q
    work.building_local[i, b] = False
    work.migrating[i, b] = False
    work.mandated[i, b] = 0
    work.grant_unspent[i, b] = 0.0
    return result


@njit
def start_cells(decision_rule, starts, work, gross_cost, u_ovr, out):
    """Started cells in row-major order with their cost after cuts (before grants).

    A local build costs ``local_cost_factor`` times more; leaving a local solution
    for the standard adds the migration cost. ``starts`` is the decision's output.
    """
    work = Work(*work)
    out = NewCells(*out)
    costs = decision_rule[0]
    started, local_all, cut = starts.started, starts.local, starts.cut
    k = 0
    for i in range(started.shape[0]):
        for b in range(started.shape[1]):
            if not started[i, b]:
                continue
            gross = gross_cost[i, b]
            loc = local_all[i, b]
            c = gross * clip(1.0 - cut[i, b], 0.0, 1.0)
            c = costs.local_cost_factor * c if loc else c
            mig = not loc and work.status[i, b] == LOCAL
            out.base[k] = c + (costs.migration_cost_share * gross if mig else 0.0)
            out.ri[k], out.bi[k], out.local[k], out.migrating[k] = i, b, loc, mig
            out.u[k] = u_ovr[i, b]
            k += 1


@njit
def open_cells(rule, blocks, q, new, work, rows, eff):
    """Write the new implementations into the state; book mandated starts as trust.

    A mandated start is an experience with the mandating level: the unfunded share
    of its cost a negative one, the funded share a positive one ("funded
    obligations"), from the grants actually received in the same cells.
    """
    new = NewCells(*new)
    work = Work(*work)
    rows = ImplRows(*rows)
    eff = ImplEffects(*eff)
    r = rule[0]
    granted, total = new.granted, new.total
    sums = np.zeros(4)  # central neg, central pos, regional neg, regional pos of a row
    for k in range(new.ri.size):
        i, b = new.ri[k], new.bi[k]
        support = ir.support(r, eff.support[i, b], rows.centre_member[i])
        quarters = ir.duration(r, blocks[b].quarters, support)
        work.status[i, b] = IMPLEMENTING
        work.migrating[i, b], work.building_local[i, b] = new.migrating[k], new.local[k]
        work.since[i, b] = q
        work.remaining[i, b] = quarters
        work.due[i, b] = total[k]
        work.instalment[i, b] = total[k] / quarters
        mandator = 0 if new.local[k] else eff.mandator[i, b]
        work.mandated[i, b] = mandator
        work.granted[i, b], work.grant_unspent[i, b] = granted[k], granted[k]
        base = new.base[k]
        funded = clip(granted[k] / base if base > 0 else 0.0, 0.0, 1.0)
        if mandator != MANDATE_NONE:  # central or regional
            at = 0 if mandator == MANDATE_CENTRAL else 2
            sums[at] += 1.0 - funded
            sums[at + 1] += funded
        if k + 1 == new.ri.size or new.ri[k + 1] != i:  # row done: add its sums
            eff.trust_central_neg[i] += sums[0]
            eff.trust_central_pos[i] += sums[1]
            eff.trust_region_neg[i] += sums[2]
            eff.trust_region_pos[i] += sums[3]
            sums[:] = 0.0


@njit
def running(status, migrating, rate, local_rate, spent):
    """Add each cell's running cost to ``spent``; returns the pairwise total of all cells."""
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
