"""One compiled pass over the status cells for the quarter's outputs.

The counting outputs (adoption and local shares, implementations, failures,
maturity, once-only) all read the same (M, B) status cells; numpy needed a dozen
masks and reductions for them. Counts are integers, so the shares built from them
are exactly those of the array expressions they replace; population-weighted sums
stay numpy products over the 0/1 matrix returned here (the same products as over
the boolean mask).
"""

from __future__ import annotations

import numpy as np

from sim.model.jit import njit
from sim.model.kernels.exact_sums import array_sum
from sim.model.state import ADOPTED, IMPLEMENTING, LOCAL


@njit
def status_summary(status, migrating, failed_at, quarter, stage, once_only):
    """Counts of the quarter's cells.

    Returns:
        ``adopted`` (M, B) float 0/1; per block ``(adopted, local)`` counts (B,);
        per municipality ``adopted`` count, once-only flag (all once-only blocks
        adopted, 0/1 float) and maturity (the highest stage of a running block, at
        least 1); and ``(implementing, failed this quarter)`` cell counts.

    Maturity is front-office maturity, the most advanced stage any running block
    unlocks; standard and local solutions both count, as in stage models of
    e-government maturity. Stage 1 (information) is the floor: every municipality has
    a website (96% in Norway already in 2003, docs/calibration-sources.md §3).
    """
    m, n_blocks = status.shape
    adopted = np.zeros((m, n_blocks))
    block_adopted = np.zeros(n_blocks, dtype=np.int64)
    block_local = np.zeros(n_blocks, dtype=np.int64)
    row_adopted = np.zeros(m, dtype=np.int64)
    row_once = np.zeros(m)
    maturity = np.ones(m, dtype=np.int64)
    implementing, failed_now = 0, 0
    for i in range(m):
        once = True
        for b in range(n_blocks):
            s = status[i, b]
            is_adopted = s == ADOPTED
            is_local = s == LOCAL or migrating[i, b]
            if is_adopted:
                adopted[i, b] = 1.0
                block_adopted[b] += 1
                row_adopted[i] += 1
            elif once_only[b]:
                once = False
            if is_local:
                block_local[b] += 1
            if (is_adopted or is_local) and stage[b] > maturity[i]:
                maturity[i] = stage[b]
            implementing += s == IMPLEMENTING
            failed_now += failed_at[i, b] == quarter
        row_once[i] = 1.0 if once else 0.0
    return (
        adopted,
        (block_adopted, block_local),
        (row_adopted, row_once, maturity),
        (implementing, failed_now),
    )


@njit
def maturity_stats(maturity, n_stages):
    """(counts per stage, sum, Gini numerator) of the municipalities' maturity stages.

    The Gini numerator is sum_k (2k - n - 1) v_(k) over the sorted values: an exact
    integer, as the float product over the sorted array is (all its partial sums
    are integers below 2**53), so the Gini equals :func:`sim.model.metrics.gini`.
    """
    n = maturity.size
    top = n_stages
    for v in maturity:
        top = max(top, v)
    counts = np.zeros(top + 1, dtype=np.int64)
    total = 0
    for v in maturity:
        counts[v] += 1
        total += v
    numerator, k = 0, 0
    for s in range(top + 1):
        for _ in range(counts[s]):
            k += 1
            numerator += (2 * k - n - 1) * s
    return counts, total, numerator


@njit
def _mean(a):
    """``ndarray.mean`` of a contiguous 1-D float array (pairwise sum / n); NaN if empty."""
    return array_sum(a) / a.size if a.size else np.nan


@njit
def level_means(trust_c, trust_r, region_trust, adopt_pop, takeup, platform, live, region_status):
    """(adoption_pop, takeup, trust_mc, trust_mr, trust_rc, platforms_live, adoption_regional)."""
    live_count = 0
    for s in platform:
        live_count += s == live
    adopted = 0
    for s in region_status.ravel():
        adopted += s == ADOPTED
    regional = adopted / region_status.size if region_status.size else np.nan
    return (
        _mean(adopt_pop),
        _mean(takeup),
        _mean(trust_c),
        _mean(trust_r),
        _mean(region_trust),
        live_count / platform.size,
        regional,
    )


@njit
def gap_and_dispersion(n_adopted, n_blocks, large, small, region, population, region_pop):
    """(size gap, regional dispersion) of adopted shares, as ``metrics._inequality``.

    ``large`` and ``small`` are row indices; means and the standard deviation use
    numpy's pairwise sums, the steps of ``ndarray.mean`` and ``ndarray.std``.
    """
    share = n_adopted / n_blocks
    gap = np.nan
    if large.size and small.size:
        gap = _mean(share[large]) - _mean(share[small])
    dispersion = np.nan
    if region_pop.size > 1:
        sums = np.zeros(region_pop.size)
        for i in range(region.size):
            if region[i] >= 0:
                sums[region[i]] += share[i] * population[i]
        by_region = sums / np.maximum(region_pop, 1.0)
        x = by_region - array_sum(by_region) / by_region.size
        dispersion = np.sqrt(array_sum(x * x) / by_region.size)
    return gap, dispersion
