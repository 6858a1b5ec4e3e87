"""Compiled per-cell kernels: numba's ``njit`` with the settings every kernel shares.

Why compiled code at all: a Denmark quarter is 98 x 7 cells, so each numpy call
does a few hundred multiplications and spends most of its ~1-3 microseconds in
dispatch; the profile of the numpy-only model (benchmarks/README.md) had no hot spot
left, only several hundred such calls per quarter. A fused loop over the cells does
the same arithmetic in one call.

Settings, and why:

- ``cache=True``: compiled machine code is stored beside the source (``__pycache__``)
  so worker processes load it instead of compiling again (seconds per process).
  Numba notices a change of a kernel's own file, but not of the rules it calls
  (``rules/``) or the constants it reads: a kernel would keep running the old rule.
  So the caches of ``sim/model`` are keyed on all of its sources together
  (:func:`refresh_caches`, run once on import): edit a rule, and every kernel is
  compiled afresh on first use.
- ``error_model="numpy"``: division by zero gives inf/nan as in the numpy kernels,
  instead of raising.
- no ``fastmath``, no ``parallel``: IEEE arithmetic in program order, one thread, so
  a seed gives the same result bit for bit in every process.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit as _njit

MODEL_DIR = Path(__file__).resolve().parent
STAMP = MODEL_DIR / "__pycache__" / "numba-sources.sha256"


def sources_digest(root: Path = MODEL_DIR) -> str:
    """sha256 of every Python source of the model package (paths and contents)."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def refresh_caches(root: Path = MODEL_DIR, stamp: Path = STAMP) -> bool:
    """Drop numba's caches under ``root`` if any model source changed; True if dropped.

    Best effort: a read-only installation keeps whatever numba does by itself.
    """
    digest = sources_digest(root)
    with contextlib.suppress(OSError):
        if stamp.exists() and stamp.read_text() == digest:
            return False
        for pattern in ("*.nbi", "*.nbc"):
            for path in root.rglob(pattern):
                path.unlink(missing_ok=True)
        stamp.parent.mkdir(exist_ok=True)
        tmp = stamp.with_name(f".{stamp.name}.{os.getpid()}.tmp")
        tmp.write_text(digest)
        os.replace(tmp, stamp)
        return True
    return False


refresh_caches()


def njit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``fn`` with the shared settings (see the module docstring)."""
    return _njit(cache=True, error_model="numpy")(fn)


_CASTS = {"float": float, "int": int, "bool": bool}


def pick(cls: Any, *sources: Any, **given: Any) -> Any:
    """Build the NamedTuple ``cls`` from same-named fields of parameter objects.

    Each field is taken from ``given`` or else from the first source that has an
    attribute of that name (so the order of ``sources`` settles names shared by
    two parameter groups), cast to the field's annotated type.
    """
    values = {}
    for name in cls._fields:
        if name in given:
            value = given[name]
        else:
            owner = next((src for src in sources if hasattr(src, name)), None)
            if owner is None:
                raise AttributeError(f"{cls.__name__}.{name}: no parameter of that name")
            value = getattr(owner, name)
        cast = _CASTS.get(str(cls.__annotations__[name]), float)
        values[name] = cast(value)
    return cls(**values)


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
