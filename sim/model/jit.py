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

from numba import njit as _njit


def njit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``fn`` with the shared settings (see the module docstring)."""
    return _njit(cache=True, error_model="numpy")(fn)
