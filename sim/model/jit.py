"""Compiled per-cell kernels: numba's ``njit`` with the settings every kernel shares.

Why compiled code at all: a Denmark quarter is 98 x 7 cells, so each numpy call
does a few hundred multiplications and spends most of its ~1-3 microseconds in
dispatch; the profile of the numpy-only model (benchmarks/README.md) had no hot spot
left, only several hundred such calls per quarter. A fused loop over the cells does
the same arithmetic in one call.

Settings, and why:

- ``cache=True``: compiled machine code is stored beside the source (``__pycache__``)
  so worker processes load it instead of compiling again (seconds per process).
- ``error_model="numpy"``: division by zero gives inf/nan as in the numpy kernels,
  instead of raising.
- no ``fastmath``, no ``parallel``: IEEE arithmetic in program order, one thread, so
  a seed gives the same result bit for bit in every process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numba import njit as _njit


def njit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``fn`` with the shared settings (see the module docstring)."""
    return _njit(cache=True, error_model="numpy")(fn)


def record(values: Any) -> np.ndarray:
    """A NamedTuple of scalars as a (1,) structured array with the same field names.

    Why: a compiled kernel is called with its arguments' types checked on every
    call, and numba checks a NamedTuple field by field in Python (about 0.3 us a
    field), a structured array in one step. Kernels take ``rec[0]``, whose fields
    read like the NamedTuple's (``rule.pv``).
    """
    dtype = [(name, _scalar_dtype(v)) for name, v in zip(values._fields, values, strict=True)]
    return np.array([tuple(values)], dtype=dtype)


def table(columns: Any) -> np.ndarray:
    """A NamedTuple of equal-length arrays as a structured array, one record per row."""
    arrays = [np.asarray(c) for c in columns]
    dtype = [(name, a.dtype) for name, a in zip(columns._fields, arrays, strict=True)]
    out = np.empty(len(arrays[0]), dtype=dtype)
    for name, a in zip(columns._fields, arrays, strict=True):
        out[name] = a
    return out


def _scalar_dtype(value: Any) -> type:
    if isinstance(value, bool | np.bool_):
        return np.bool_
    if isinstance(value, int | np.integer):
        return np.int64
    return np.float64
