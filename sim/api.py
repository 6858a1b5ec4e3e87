"""The Python API: the same four verbs as the command line, for notebooks and scripts.

``egov-sim compare A.toml B.toml --reps 50`` is ``compare(["A.toml", "B.toml"], reps=50)``;
``sweep``, ``sensitivity`` and ``report`` mirror their commands argument for argument,
and each returns the :class:`~sim.experiments.store.ResultsStore` it wrote, so
``store.finals()`` or ``store.runs(["adoption_mun"])`` is the next line of a notebook.

Process pools start with ``spawn``, which re-imports the caller's main module in each
worker: in a plain script, guard the call with ``if __name__ == "__main__":``
(notebooks and ``python -c`` need nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.experiments.experiment import Experiment, RunOptions, run_experiment
from sim.experiments.store import ResultsStore

if TYPE_CHECKING:
    import pandas as pd

    from sim.experiments.design import Design
    from sim.experiments.store_check import CheckReport

DEFAULT_REPS = 20
DEFAULT_SEED = 20261123
RESULTS = Path("results")


@dataclass(frozen=True)
class Execution:
    """How to run (never what): executor, workers, scheduler address, resume, progress.

    ``allow_large`` lifts the cap of :data:`~sim.experiments.experiment.MAX_RUNS` runs.
    """

    executor: str = "process"
    workers: int | None = None
    address: str | None = None
    resume: bool | None = None
    progress: bool = True
    chunk: int | None = None
    allow_large: bool = False

    def options(self, command: Sequence[str] = ()) -> RunOptions:
        """As the engine's :class:`RunOptions`."""
        return RunOptions(
            self.executor,
            self.workers,
            self.address,
            self.resume,
            self.progress,
            self.chunk,
            tuple(command),
            allow_large=self.allow_large,
        )


def default_folder(names: Sequence[str]) -> Path:
    """``results/<names joined by +>``: stable, so re-running a command resumes it."""
    label = "+".join(names)
    label = re.sub(r"[^A-Za-z0-9_.+-]", "_", label)
    if len(label) > 80:
        label = label[:80].rstrip("+_")
    return RESULTS / label


def compare(
    scenarios: Sequence[str | Path],
    reps: int = DEFAULT_REPS,
    seed: int = DEFAULT_SEED,
    out: str | Path | None = None,
    *,
    overrides: Sequence[str] = (),
    execution: Execution | None = None,
    municipal: bool = True,
    report: bool = True,
    command: Sequence[str] = (),
) -> ResultsStore:
    """Run scenarios × replicates with common random numbers (``egov-sim compare``).

    Args:
        scenarios: Scenario files; the first is the baseline of paired differences.
        reps: Replicates per scenario.
        seed: Root seed; the same seed gives the same numbers everywhere.
        out: Results folder (default ``results/<scenario names>``).
        overrides: ``--set KEY=VALUE`` strings applied to every scenario.
        execution: Executor, workers, resume and progress settings.
        municipal: Keep each municipality's final adoption (for the map).
        report: Write summary tables, figures and ``report.md`` afterwards.
        command: The command line, for the manifest.

    Returns:
        The results store.
    """
    from sim.experiments.scenario import load_scenarios

    loaded = tuple(load_scenarios(scenarios, overrides))
    exp = Experiment("compare", loaded, reps, seed, municipal=municipal, name="compare")
    folder = Path(out) if out is not None else default_folder([s.name for s in loaded])
    store = run_experiment(exp, folder, (execution or Execution()).options(command))
    if report:
        write_report(store)
    return store


def sweep(
    design: str | Path | Design,
    out: str | Path | None = None,
    *,
    overrides: Sequence[str] = (),
    design_overrides: Sequence[str] = (),
    execution: Execution | None = None,
    report: bool = True,
    command: Sequence[str] = (),
) -> ResultsStore:
    """Run a design file's points × replicates on its base scenarios (``egov-sim sweep``).

    Args:
        design: The design TOML file, or a loaded :class:`~sim.experiments.design.Design`.
        out: Results folder (default ``results/<design name>``).
        overrides: ``--set`` strings applied to the base scenarios.
        design_overrides: ``design.<key>=VALUE`` strings (``--reps``, ``--seed``, ...).
        execution: Executor, workers, resume and progress settings.
        report: Write summary tables, figures and ``report.md`` afterwards.
        command: The command line, for the manifest.
    """
    exp, _ = plan_design(design, overrides, design_overrides, "sweep")
    _check_size(exp, design, execution)
    folder = Path(out) if out is not None else RESULTS / exp.name
    store = run_experiment(exp, folder, (execution or Execution()).options(command))
    if report:
        write_report(store)
    return store


def plan_design(
    design: str | Path | Design,
    overrides: Sequence[str] = (),
    design_overrides: Sequence[str] = (),
    kind: str = "sweep",
) -> tuple[Experiment, Design]:
    """Load a design and its base scenarios, and validate every point before any run.

    A bad value at point 917 of a Sobol design should stop the command at once with
    a located error, not fail 917 runs an hour later inside workers. ``design`` may be
    a loaded :class:`Design` (e.g. from :func:`sim.experiments.design_subset.subset_design`);
    then ``design_overrides`` may only set ``design.method``.
    """
    from sim.experiments.design import Design, apply_point, load_design
    from sim.experiments.scenario import load_scenarios

    d = _given_design(design, design_overrides) if isinstance(design, Design) else None
    d = d or load_design(design, design_overrides)
    bases = tuple(load_scenarios(d.scenarios, [*d.overrides, *overrides]))
    points = tuple(d.points())
    where = str(d.path or d.name) if isinstance(design, Design) else str(design)
    for base in bases:
        for values in points:
            apply_point(base, values, where=where)
    return Experiment(kind, bases, d.reps, d.seed, points, d.to_dict(), name=d.name), d


def _given_design(design: Design, design_overrides: Sequence[str]) -> Design:
    """A loaded design with a ``design.method=...`` override applied (nothing else is allowed)."""
    import dataclasses

    from sim.errors import UsageError
    from sim.experiments.design import check_method

    method = design.method
    for text in design_overrides:
        key, _, value = text.partition("=")
        if key.strip() != "design.method":
            raise UsageError(
                f"design {design.name}: override {text!r} is not allowed for a loaded design; "
                "only design.method=... (set the rest with subset_design or in the file)"
            )
        method = value.strip().strip("\"'")
    if method == design.method:
        return design
    new = dataclasses.replace(design, method=method)
    check_method(new, design.name)
    return new


def _check_size(exp: Experiment, design: str | Path, execution: Execution | None) -> None:
    """The run cap, located at the design file whose numbers asked for the runs."""
    from sim.errors import UsageError

    try:
        exp.check_size((execution or Execution()).allow_large)
    except UsageError as err:
        raise UsageError(f"{design}: {err}") from None


def sensitivity(
    design: str | Path | Design,
    method: str | None = None,
    outputs: Sequence[str] = ("adoption_mun",),
    out: str | Path | None = None,
    *,
    overrides: Sequence[str] = (),
    design_overrides: Sequence[str] = (),
    execution: Execution | None = None,
    report: bool = True,
    command: Sequence[str] = (),
) -> tuple[ResultsStore, pd.DataFrame]:
    """Morris or Sobol indices of final outputs over a design (``egov-sim sensitivity``).

    Args:
        design: A design file (any method; ``method`` overrides ``design.method``), or
            a loaded :class:`~sim.experiments.design.Design`.
        method: ``"morris"`` or ``"sobol"``, or ``None`` to keep the file's.
        outputs: Final metrics to analyse (columns of the finals table).
        out: Results folder (default ``results/<design name>``).
        overrides: ``--set`` strings applied to the base scenarios.
        design_overrides: ``design.<key>=VALUE`` strings.
        execution: Executor, workers, resume and progress settings.
        report: Write summary tables, figures and ``report.md`` afterwards.
        command: The command line, for the manifest.

    Returns:
        The store and the indices table (one row per output × factor), also written
        to ``sensitivity.csv`` in the results folder.
    """
    from sim.analysis.sensitivity_report import check_outputs, write_sensitivity
    from sim.errors import UsageError

    extra = [*design_overrides, *([f"design.method={method}"] if method else [])]
    exp, d = plan_design(design, overrides, extra, "sensitivity")
    if d.method not in ("morris", "sobol"):
        raise UsageError(
            f"{d.path or d.name}: design.method = {d.method!r} is not allowed for sensitivity; "
            "expected morris or sobol (or pass --method)"
        )
    check_outputs(exp.scenarios, outputs)
    _check_size(exp, design, execution)
    folder = Path(out) if out is not None else RESULTS / exp.name
    store = run_experiment(exp, folder, (execution or Execution()).options(command))
    table = write_sensitivity(store, d, outputs)
    if report:
        write_report(store)
    return store, table


def write_report(store: ResultsStore | str | Path) -> Path:
    """Summary tables, figures and ``report.md`` for a results folder (``egov-sim report``)."""
    from sim.analysis.report import write_report as _write

    st = store if isinstance(store, ResultsStore) else ResultsStore(store)
    st.check_intact()
    return _write(st.folder, st)


def check(folder: str | Path) -> CheckReport:
    """Verify a results folder's parts without changing it (``egov-sim check``)."""
    from sim.experiments.store_check import check_folder

    return check_folder(folder)


def open_results(folder: str | Path) -> ResultsStore:
    """Open a results folder for reading (tables come back in canonical order)."""
    return ResultsStore(folder)
