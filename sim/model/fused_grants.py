"""Grant applications settled by compiled loops (fast path of ``municipal.settle_grants``).

The same queue as the reference: a municipality applies for all its started
standard cells at once, applications are taken in the quarter's random municipal
order and paid while the pool lasts. Per-applicant sums and the running total are
sequential as ``np.bincount`` and ``np.cumsum`` are; the amount paid is summed
pairwise as ``ndarray.sum`` does, so pools, ledger and trust get the same values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.exact_sums import pairwise_sum
from sim.model.jit import njit

if TYPE_CHECKING:
    from sim.model.model import EGovModel


def settle(
    model: EGovModel,
    ri: np.ndarray,
    bi: np.ndarray,
    standard: np.ndarray,
    base: np.ndarray,
    order: np.ndarray,
) -> np.ndarray:
    """Grants paid to the starting cells (ri, bi); pools, ledger and trust updated."""
    st, eff = model.state, model.effects
    granted = np.zeros(ri.size)
    if not eff.grant_offers or not standard.any():
        return granted
    slot, rows = _applicants(order, ri, st.n)
    trust = (eff.trust_central_neg, eff.trust_region_neg, eff.trust_region_pos)
    weight = model.params.trust.grant_weight
    for offer in eff.grant_offers:
        pool = offer.pool
        paid, refused, asked = _offer(offer.share, st.gross_cost, (ri, bi, standard, base),
                                      granted, slot, rows, pool.remaining,
                                      pool.payer == "central", trust, weight)  # fmt: skip
        if not asked:
            continue
        pool.remaining -= paid
        pool.paid += paid
        pool.refused += refused
        if paid > 0:
            model.ledger.transfer(pool.payer, "municipal", float(paid), pool.label)
    return granted


@njit
def _applicants(order, ri, n):
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
def _offer(share, gross, cells, granted, slot, rows, remaining, central, trust, weight):
    """One offer: asks, the queue, grants; returns (paid, refused, anything asked)."""
    ri, bi, standard, base = cells
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
            trust[0 if central else 1][rows[s]] += 1.0
        elif asked[s] > 0 and not central:
            trust[2][rows[s]] += weight
    return pairwise_sum(taken, 0, n_taken), refused, True
