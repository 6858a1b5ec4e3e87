"""numpy's float64 summation, compiled, for kernels whose sums reach the outputs.

``ndarray.sum`` adds pairwise (blocks of 128 with eight running sums, halves above
that), which rounds differently from a plain loop. Kernels that replace an
``x.sum()`` of the numpy reference call :func:`pairwise_sum` on the same values in
the same order and so get the same bits; ``tests/model/test_exact_sums.py`` checks
it against numpy for many lengths and magnitudes.
"""

from __future__ import annotations

import numpy as np

from sim.model.jit import njit


@njit
def _block_sum(a, lo, n):
    """Numpy's pairwise_sum for n <= 128: a plain loop, or eight running sums."""
    if n < 8:
        res = -0.0  # numpy starts from -0.0 so that a sum of -0.0 stays -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r = a[lo : lo + 8].copy()
    i = 8
    while i < n - (n % 8):
        for j in range(8):
            r[j] += a[lo + i + j]
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit
def _half(n):
    """Where numpy splits n > 128 values: half, rounded down to a multiple of 8."""
    half = n // 2
    return half - half % 8


@njit
def pairwise_sum(a, lo, n):
    """Sum of ``a[lo:lo + n]`` (contiguous 1-D float64) as numpy's pairwise_sum.

    Above 128 values numpy adds the sums of the two halves, recursively; the
    recursion is run on explicit stacks here (numba cannot cache a recursive
    function that other modules call).
    """
    if n <= 128:
        return _block_sum(a, lo, n)
    f_lo, f_n, f_stage = np.empty(64, np.int64), np.empty(64, np.int64), np.empty(64, np.int64)
    values = np.empty(64)
    f_lo[0], f_n[0], f_stage[0] = lo, n, 0
    top, n_values = 0, 0
    while top >= 0:
        flo, fn = f_lo[top], f_n[top]
        if fn <= 128:
            values[n_values] = _block_sum(a, flo, fn)
            n_values += 1
            top -= 1
        elif f_stage[top] == 0:  # first the left half
            f_stage[top] = 1
            top += 1
            f_lo[top], f_n[top], f_stage[top] = flo, _half(fn), 0
        elif f_stage[top] == 1:  # then the right half
            f_stage[top] = 2
            top += 1
            f_lo[top], f_n[top], f_stage[top] = flo + _half(fn), fn - _half(fn), 0
        else:  # both halves summed: left + right
            n_values -= 1
            values[n_values - 1] = values[n_values - 1] + values[n_values]
            top -= 1
    return values[0]


@njit
def array_sum(a):
    """``a.sum()`` of a contiguous 1-D float64 array."""
    return pairwise_sum(a, 0, a.size)
