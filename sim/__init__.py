"""egov-sim: agent-based simulator of multi-level e-government adoption.

The installed distribution is ``egov-sim``; the import name is ``sim``. The public
surface is flat and small::

    from sim import EGovModel, ModelParams, load_scenario, run
    from sim import compare, sweep, sensitivity, open_results

Names are imported on first use (module ``__getattr__``), so ``import sim`` stays
cheap and does not load the model, numba or pandas until something asks for them.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("egov-sim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from sim.api import compare, open_results, sensitivity, sweep
    from sim.experiments.scenario import load_scenario
    from sim.model.model import EGovModel
    from sim.model.params import ModelParams
    from sim.run_one import run

__all__ = [
    "EGovModel",
    "ModelParams",
    "compare",
    "load_scenario",
    "open_results",
    "run",
    "sensitivity",
    "sweep",
]

_HOMES = {
    "EGovModel": "sim.model.model",
    "ModelParams": "sim.model.params",
    "load_scenario": "sim.experiments.scenario",
    "compare": "sim.api",
    "sweep": "sim.api",
    "sensitivity": "sim.api",
    "open_results": "sim.api",
    "run": "sim.run_one",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its home module on first access, then cache it."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Public names included, so tab completion shows them before first use."""
    return sorted({*globals(), *__all__})
