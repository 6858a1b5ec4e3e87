"""Keep freed numpy temporaries in the heap for large models (glibc only).

A quarter of a large country allocates and frees dozens of (M, B) float
temporaries. With glibc's defaults every block of 128 KiB or more comes from a
fresh ``mmap`` (or from heap top that is trimmed back to the system as soon as it
is freed), so each temporary is page-faulted and zeroed by the kernel again: at
34,870 municipalities that was about 40% of a run. Raising the mmap and trim
thresholds lets glibc reuse the freed memory instead. Values are unaffected (this
is allocation only), and small models, whose arrays stay below the thresholds,
never call it, so batch workers running Denmark keep the defaults.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

# mallopt parameters (glibc malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 64 << 20  # blocks below this come from the heap (numpy temporaries)
TRIM_THRESHOLD = 256 << 20  # free heap top kept for reuse up to this size
LARGE_ARRAY_BYTES = 128 << 10  # glibc's default mmap threshold: smaller models never call

_tuned: bool | None = None


def tune_allocator() -> bool:
    """Raise glibc's mmap and trim thresholds once per process; True if in effect.

    Returns False (and changes nothing) off Linux or without glibc's ``mallopt``.
    """
    global _tuned
    if _tuned is None:
        _tuned = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                _tuned = ok and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
            except (OSError, AttributeError):
                _tuned = False
    return _tuned


def tune_for(n_cells: int) -> None:
    """Tune the allocator when a model's (M, B) float arrays exceed glibc's mmap threshold."""
    if n_cells * 8 >= LARGE_ARRAY_BYTES:
        tune_allocator()
