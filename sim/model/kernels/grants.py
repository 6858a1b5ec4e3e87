"""Grant applications as a queue in the quarter's random order (docs/ODD.md §7.5, §8).

A municipality applies for all its started standard cells at once; applications
are taken in the quarter's random municipal order and paid while the pool lasts.
Grants never exceed the project's cost after cuts. Starters refused by an empty
pool had counted on the grant: a broken funding promise, booked as a negative
experience with the paying level; a region's paid grant is a positive one.
Per-applicant sums and the running total are sequential; the amount paid is
summed pairwise (``exact_sums``) as the ledger's other totals are.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model.jit import njit
from sim.model.kernels.exact_sums import pairwise_sum


class Asks(NamedTuple):
    """The starting cells that may ask for a grant."""

    ri: np.ndarray
    bi: np.ndarray
    standard: np.ndarray  # bool: the standard block (grants target only it)
    base: np.ndarray  # EUR: cost after cuts, the ceiling of all grants together


class Queue(NamedTuple):
    """Each cell's applicant slot and the applicants' rows in queue order."""

    slot: np.ndarray
    rows: np.ndarray


class Pool(NamedTuple):
    """One offer as the kernel sees it."""

    share: np.ndarray  # (M, B) share of the gross cost offered
    remaining: float  # EUR left in the pool
    central: bool  # paid by central (else by a region)


class GrantTrust(NamedTuple):
    """Trust experiences written by the queue."""

    central_neg: np.ndarray
    region_neg: np.ndarray
    region_pos: np.ndarray
    weight: float  # events: a region's paid grant as a positive experience


@njit
def applicants(order, ri, n):
    """Each cell's applicant slot (ascending random rank) and the applicants' rows."""
    rank = np.empty(n, dtype=np.int64)
    for k in range(n):
        rank[order[k]] = k
    mark = np.zeros(n, dtype=np.bool_)
    for c in range(ri.size):
        mark[rank[ri[c]]] = True
    position = np.empty(n, dtype=np.int64)
    count = 0
    for k in range(n):
        position[k] = count
        count += mark[k]
    rows = np.empty(count, dtype=np.int64)
    for k in range(n):
        if mark[k]:
            rows[position[k]] = order[k]
    slot = np.empty(ri.size, dtype=np.int64)
    for c in range(ri.size):
        slot[c] = position[rank[ri[c]]]
    return slot, rows


@njit
def offer(pool, gross, asks, granted, queue, trust):
    """One offer: asks, the queue, grants; returns (paid, refused, anything asked)."""
    pool = Pool(*pool)
    asks = Asks(*asks)
    queue = Queue(*queue)
    trust = GrantTrust(*trust)
    ri, bi, standard, base = asks.ri, asks.bi, asks.standard, asks.base
    slot, rows, share, remaining = queue.slot, queue.rows, pool.share, pool.remaining
    ask = np.empty(ri.size)
    asked = np.zeros(rows.size)
    for c in range(ri.size):
        a = share[ri[c], bi[c]] * gross[ri[c], bi[c]] if standard[c] else 0.0
        a = min(a, max(base[c] - granted[c], 0.0))
        ask[c] = a
        asked[slot[c]] += a
    if not np.any(asked != 0.0):
        return 0.0, 0, False
    ok = np.empty(rows.size, dtype=np.bool_)
    taken = np.empty(rows.size)
    total, n_taken = 0.0, 0
    for s in range(rows.size):
        total += asked[s]
        ok[s] = total <= remaining
        if ok[s]:
            taken[n_taken] = asked[s]
            n_taken += 1
    for c in range(ri.size):
        granted[c] += ask[c] if ok[slot[c]] else 0.0
    refused = 0
    for s in range(rows.size):
        if asked[s] > 0 and not ok[s]:
            refused += 1
            if pool.central:
                trust.central_neg[rows[s]] += 1.0
            else:
                trust.region_neg[rows[s]] += 1.0
        elif asked[s] > 0 and not pool.central:
            trust.region_pos[rows[s]] += trust.weight
    return pairwise_sum(taken, 0, n_taken), refused, True
