"""Opt-in glibc allocator tuning for processes whose job is running models.

Large models run much faster with glibc's mmap and trim thresholds raised (see
:mod:`sim.model.memory`), but that is a process-wide change: a library must not make
it behind a notebook user's back. So the model never tunes; the entry points whose
process exists to run models opt in with :func:`enable`: the command line
(``egov-sim``), the process-pool workers the engine spawns (their initialiser), and
the benchmarks. After that, :func:`tune_for_model` (called by the runner once a
model is built) tunes when the model's (M, B) arrays are large enough to gain; small
models such as Denmark keep glibc's defaults either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model import memory

if TYPE_CHECKING:
    from sim.model.model import EGovModel

_enabled = False


def enable() -> None:
    """Allow allocator tuning in this process (entry points and worker initialisers)."""
    global _enabled
    _enabled = True


def enabled() -> bool:
    """Whether this process opted in."""
    return _enabled


def tune_for_model(model: EGovModel) -> None:
    """Tune the allocator for a large model, if this process opted in; else nothing."""
    if _enabled:
        memory.tune_for(model.state.n * len(model.catalogue))
