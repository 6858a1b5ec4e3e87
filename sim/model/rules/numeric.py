"""Scalar helpers with numpy's semantics, shared by every rule (no mechanism of their own)."""

from __future__ import annotations

import numpy as np

from sim.model.jit import njit


@njit
def clip(x: float, lo: float, hi: float) -> float:
    """As ``np.clip``: NaN stays NaN."""
    if x < lo:
        x = lo
    if x > hi:
        x = hi
    return x


@njit
def nan_max(a: float, b: float) -> float:
    """As ``np.maximum``: NaN if either is NaN."""
    if a != a or b != b:
        return np.nan
    return a if a >= b else b
