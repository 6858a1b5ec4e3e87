"""Everything ``egov-sim report`` writes next to a results store: tables, cubes, figures, Markdown.

Reads the store one metric at a time (a 100,000-run folder never comes into memory
whole), so a report can be rewritten at any moment, also of a batch still running or
interrupted: it describes the runs that have finished and says how many are missing.

Files (all written atomically):

* ``finals.csv``: one row per run (final values, t50/t90, design values);
* ``summary.csv``: median, p10, p90, mean and 95 % CI per scenario × quarter, every metric;
* ``paired.csv`` and ``paired_series.csv``: paired differences against the first
  scenario (common random numbers), final values and municipal adoption over time;
* ``points.csv`` (designs): median and mean final outputs per scenario × design point;
* ``finals.nc`` and ``runs.nc``: the same numbers as xarray cubes (NetCDF4);
* ``figures/*.png|svg``: bands, per-block bands, forest plot, final distributions,
  sensitivity bars and the municipality map where they apply;
* ``report.md``: a readable summary linking all of the above.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim.analysis import export
from sim.analysis.paired import paired_differences, paired_series
from sim.analysis.report_figures import write_figures
from sim.analysis.report_text import report_markdown
from sim.analysis.summary import summarise
from sim.experiments.outputs import write_text

if TYPE_CHECKING:
    from sim.experiments.store import ResultsStore

MAIN = ("adoption_mun", "adoption_pop", "fragmentation", "trust_mc")
PAIRED = (*MAIN, "t50_adoption_mun")
NON_METRICS = ("run_key", "scenario", "point", "replicate", "seed", "seed_key", "quarter")
MAX_CUBE_CELLS = 50_000_000
"""Largest runs cube written to NetCDF (~400 MB of float64); above it only finals.nc."""


def metric_names(store: ResultsStore) -> list[str]:
    """The metric columns of the runs table, in the model's order."""
    return [c for c in store.columns("runs") if c not in NON_METRICS]


def write_report(folder: str | Path, store: ResultsStore) -> Path:
    """Write every table, cube and figure, then ``report.md``; return its path."""
    folder = Path(folder)
    # The quarterly summary first, while nothing else is held: it is the largest read.
    metrics = metric_names(store)
    summary = summary_table(store, metrics)
    export.to_csv(summary, folder / "summary.csv")
    finals = store.finals()
    export.to_csv(finals, folder / "finals.csv")
    tables: dict[str, Any] = {"finals": finals, "summary": summary, "metrics": metrics}
    scenarios = [s for s in store.scenario_order if s in set(finals["scenario"])]
    if len(scenarios) > 1:
        baseline = scenarios[0]
        present = [m for m in PAIRED if m in finals.columns]
        paired = paired_differences(finals, baseline, present)
        export.to_csv(paired, folder / "paired.csv")
        series = paired_series(store.runs(["adoption_mun"]), baseline, "adoption_mun")
        export.to_csv(series, folder / "paired_series.csv")
        tables.update(paired=paired, baseline=baseline)
    points = point_table(store, finals)
    if points is not None:
        export.to_csv(points, folder / "points.csv")
        tables["points"] = points
    tables["cubes"] = write_cubes(store, finals, metrics, folder)
    sens = folder / "sensitivity.csv"
    if sens.exists():
        tables["sensitivity"] = pd.read_csv(sens)
    tables["figures"] = write_figures(store, tables, folder / "figures")
    path = folder / "report.md"
    write_text(path, report_markdown(store, tables))
    return path


def summary_table(
    store: ResultsStore, metrics: Sequence[str], progress: bool = True
) -> pd.DataFrame:
    """Bands and mean CIs of every metric by scenario × quarter, read a metric at a time.

    Runs of all design points of a scenario are pooled: for a sweep the band is then
    the spread the design's parameter ranges induce, on top of stochastic noise.
    """
    lengths = store.finals(["quarters"])["quarters"]
    n_runs, quarters = len(lengths), int(lengths.max()) + 1 if len(lengths) else 1
    if n_runs * quarters * len(metrics) <= MAX_CUBE_CELLS // 4:
        return summarise(store.runs(list(metrics), ordered=False))  # small: one read is much faster
    merged: pd.DataFrame | None = None
    bar = tqdm(metrics, desc="summary", unit="metric", file=sys.stderr, disable=not progress)
    for metric in bar:
        part = summarise(store.runs([metric], ordered=False))
        if merged is None:
            merged = part
        else:
            merged = pd.concat(
                [merged, part.drop(columns=["scenario", "quarter", "n_runs"])], axis=1
            )
    assert merged is not None
    return merged


def point_table(store: ResultsStore, finals: pd.DataFrame) -> pd.DataFrame | None:
    """Median and mean of the main finals per scenario × design point, with its values."""
    points = store.manifest.get("experiment", {}).get("points", [{}])
    if len(points) <= 1 and not points[0]:
        return None
    present = [m for m in PAIRED if m in finals.columns]
    grouped = finals.groupby(["scenario", "point"], sort=False)[present]
    stats = grouped.agg(["median", "mean"])
    stats.columns = [f"{m}_{s}" for m, s in stats.columns]
    stats = stats.reset_index()
    stats.insert(2, "runs", grouped.size().to_numpy())
    values = pd.DataFrame([points[int(p)] for p in stats["point"]])
    return pd.concat([stats.iloc[:, :3], values, stats.iloc[:, 3:]], axis=1)


def write_cubes(
    store: ResultsStore, finals: pd.DataFrame, metrics: Sequence[str], folder: Path
) -> list[str]:
    """``finals.nc`` always; ``runs.nc`` when the runs cube stays under the size cap."""
    written = []
    final_metrics = [
        c for c in finals.columns if c not in NON_METRICS and pd.api.types.is_float_dtype(finals[c])
    ]
    export.write_netcdf(export.finals_cube(finals, final_metrics), folder / "finals.nc")
    written.append("finals.nc")
    quarters = int(np.nanmax(finals["quarters"])) + 1 if "quarters" in finals else 1
    if len(finals) * quarters * len(metrics) <= MAX_CUBE_CELLS:
        runs = store.runs(list(metrics))
        export.write_netcdf(export.runs_cube(runs, list(metrics)), folder / "runs.nc")
        written.append("runs.nc")
    return written
