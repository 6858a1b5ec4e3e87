"""Hot-path numerics: numpy functions without their Python-level dispatch overhead.

``np.clip`` and ``ndarray.mean`` spend several microseconds per call in argument
handling before any arithmetic, which dominates a quarter of a 98-municipality model.
These helpers give bit-identical results through the underlying ufuncs.
"""

from __future__ import annotations

import numpy as np


def clip(x, lo, hi):
    """Elementwise clip to [lo, hi] (NaN stays NaN), as ``np.clip``; None leaves a side open."""
    if lo is not None:
        x = np.maximum(x, lo)
    return x if hi is None else np.minimum(x, hi)


def mean(a: np.ndarray, axis: int | None = None):
    """Arithmetic mean as ``ndarray.mean`` (same pairwise sum, same division)."""
    a = np.asarray(a)
    n = a.size if axis is None else a.shape[axis]
    return np.add.reduce(a, axis=axis, dtype=np.float64) / n


def std(a: np.ndarray) -> float:
    """Population standard deviation of a 1-D float array, as ``ndarray.std``.

    The same steps as numpy's ``_var`` (pairwise sum, subtract, square, sum, divide,
    square root) without its argument handling, so the result is bit-identical.
    """
    n = a.size
    x = a - np.add.reduce(a) / n
    return float(np.sqrt(np.add.reduce(x * x) / n))
