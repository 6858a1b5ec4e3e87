"""Small, fast experiments shared by the engine tests (a script runs them in subprocesses)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from sim.experiments.experiment import Experiment, RunOptions, run_experiment
from sim.experiments.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
SMALL = ("time.n_quarters=10", "country.name=synthetic", "country.n_municipalities=30")


def tiny_experiment(reps: int = 4, quarters: int = 10, municipal: bool = True) -> Experiment:
    """Baseline and funded mandate (acting from quarter 8) on a 30-municipality country."""
    sets = (*SMALL[1:], f"time.n_quarters={quarters}")
    scenarios = tuple(
        load_scenario(REPO / "scenarios" / f"{name}.toml", sets)
        for name in ("baseline", "funded_mandate")
    )
    return Experiment("compare", scenarios, reps=reps, seed=99, municipal=municipal)


def main(argv: list[str]) -> None:
    """``python engine_helpers.py OUT REPS EXECUTOR WORKERS CHUNK``: run the tiny experiment."""
    out, reps, executor, workers, chunk = argv
    # A shell that starts us in the background ignores SIGINT, and Python then never
    # turns it into KeyboardInterrupt: restore Ctrl-C, which the resume test sends.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    run_experiment(
        tiny_experiment(int(reps)),
        out,
        RunOptions(executor=executor, workers=int(workers), chunk=int(chunk), progress=False),
    )


if __name__ == "__main__":
    main(sys.argv[1:])
