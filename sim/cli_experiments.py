"""The experiment commands: ``compare`` (alias ``run``), ``sweep``, ``sensitivity``, ``report``.

Each is a thin shell over the function of the same name in :mod:`sim.api`, so the
command line and the Python API cannot drift apart: the options map one to one onto
keyword arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli_options import (
    EXIT_INVALID,
    FILES_HELP,
    add_execution,
    add_overrides,
    execution_of,
    overrides_of,
    positive,
    seed,
)

if TYPE_CHECKING:
    import pandas as pd

    from sim.experiments.store import ResultsStore

DEFAULT_REPS = 20
DEFAULT_SEED = 20261123
METHODS = ("morris", "sobol")


def add_experiment_commands(sub: Any) -> None:
    """Register the four experiment commands (and ``run``) on the subparsers object."""
    for name in ("compare", "run"):
        cmp = sub.add_parser(
            name,
            help="compare scenarios over replicates (common random numbers)"
            if name == "compare"
            else "same as compare (kept for old scripts)",
            description="Run each scenario N times (--reps) with common random numbers into a "
            "resumable results folder; print final values and paired differences against the "
            "first scenario; write tables, figures and report.md.",
        )
        cmp.add_argument(
            "scenarios", nargs="+", metavar="SCENARIO.toml", type=Path, help=FILES_HELP
        )
        cmp.add_argument(
            "--reps", type=positive, metavar="N", default=DEFAULT_REPS,
            help="replicates per scenario (default %(default)s)",
        )  # fmt: skip
        cmp.add_argument(
            "--seed", type=seed, metavar="S", default=DEFAULT_SEED,
            help="root seed (default %(default)s)",
        )  # fmt: skip
        add_overrides(cmp)
        add_execution(cmp)
        cmp.set_defaults(func=cmd_compare)
    swp = sub.add_parser(
        "sweep",
        help="run a design (factorial, LHS, points, ...) over scenario parameters",
        description="Run every point of a design file × replicates on its base scenarios.",
    )
    _design_arguments(swp)
    swp.set_defaults(func=cmd_sweep)
    sen = sub.add_parser(
        "sensitivity",
        help="Morris or Sobol sensitivity indices of final outputs",
        description="Run a Morris or Sobol design and compute indices (SALib) with "
        "confidence intervals for each --output; writes sensitivity.csv.",
    )
    _design_arguments(sen)
    sen.add_argument("--method", choices=METHODS, default=None, help="overrides design.method")
    sen.add_argument(
        "--output", dest="outputs", action="append", default=None, metavar="METRIC",
        help="final metric to analyse (repeatable; default adoption_mun)",
    )  # fmt: skip
    sen.set_defaults(func=cmd_sensitivity)
    rep = sub.add_parser(
        "report",
        help="tables, figures and report.md for a results folder",
        description="(Re)write summary tables, figures (PNG and SVG) and report.md.",
    )
    rep.add_argument("folder", type=Path, metavar="RESULTS_DIR")
    rep.set_defaults(func=cmd_report)
    _add_check(sub)


def _add_check(sub: Any) -> None:
    chk = sub.add_parser(
        "check",
        help="verify a results folder: damaged parts and what resume would redo",
        description="Verify every part's checksum and row count (read-only); list damaged "
        "parts, leftovers and the runs a resume would redo; exit 1 if anything is damaged.",
    )
    chk.add_argument("folder", type=Path, metavar="RESULTS_DIR")
    chk.set_defaults(func=cmd_check)


def _design_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("design", type=Path, metavar="DESIGN.toml", help="design file")
    parser.add_argument(
        "--reps", type=positive, metavar="N", default=None, help="overrides design.reps"
    )
    parser.add_argument(
        "--seed", type=seed, metavar="S", default=None, help="overrides design.seed"
    )
    add_overrides(parser)
    add_execution(parser)


def _design_overrides(args: argparse.Namespace) -> list[str]:
    out = []
    if args.reps is not None:
        out.append(f"design.reps={args.reps}")
    if args.seed is not None:
        out.append(f"design.seed={args.seed}")
    return out


def cmd_compare(args: argparse.Namespace) -> int:
    """Run the comparison, print the table and paired differences, list the files."""
    from sim import api

    started = time.time()
    store = api.compare(
        args.scenarios, args.reps, args.seed, args.out,
        overrides=overrides_of(args), execution=execution_of(args),
        report=not args.no_report, command=["egov-sim", *args.argv],
    )  # fmt: skip
    finals = store.finals()
    print(comparison_text(finals))
    if len(store.scenario_order) > 1:
        print()
        print(paired_text(finals, store.scenario_order[0]))
    _footer(store, started)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a design and print final adoption per point."""
    from sim import api

    started = time.time()
    store = api.sweep(
        args.design, args.out, overrides=overrides_of(args),
        design_overrides=_design_overrides(args), execution=execution_of(args),
        report=not args.no_report, command=["egov-sim", *args.argv],
    )  # fmt: skip
    print(points_text(store))
    _footer(store, started)
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Run a Morris or Sobol design and print the indices."""
    from sim import api

    started = time.time()
    store, table = api.sensitivity(
        args.design, args.method, tuple(args.outputs or ("adoption_mun",)), args.out,
        overrides=overrides_of(args), design_overrides=_design_overrides(args),
        execution=execution_of(args), report=not args.no_report,
        command=["egov-sim", *args.argv],
    )  # fmt: skip
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    _footer(store, started)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report of an existing results folder."""
    from sim import api

    path = api.write_report(args.folder)
    print(f"report: {path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Print the folder's check; exit 1 when a part is damaged."""
    from sim import api

    report = api.check(args.folder)
    print("\n".join(report.lines()))
    return 0 if report.ok else EXIT_INVALID


def _footer(store: ResultsStore, started: float) -> None:
    runs = store.manifest.get("runs", {})
    failed = runs.get("failed", 0)
    sessions = store.manifest.get("sessions") or [{}]
    for line in sessions[-1].get("repaired", []):
        print(f"egov-sim: repaired: {line}; its chunk was set aside under damaged/ and redone",
              file=sys.stderr)  # fmt: skip
    print()
    print(
        f"{runs.get('ok', 0)} runs finished, {failed} failed, in {time.time() - started:.1f} s; "
        f"results in {store.folder}/"
    )
    if failed:
        print(
            f"  failed runs and their errors: {store.folder}/status/ (re-run to retry)",
            file=sys.stderr,
        )
    for name in ("report.md", "summary.csv", "finals.csv", "manifest.json", "figures/"):
        if (store.folder / name).exists():
            print(f"  {store.folder / name}")


COLUMNS = (
    ("adoption_mun", "adoption_mun", True),
    ("adoption_pop", "adoption_pop", True),
    ("fragmentation", "fragmentation", False),
    ("trust_mc", "trust_mc", False),
    ("t50_adoption_mun", "t50 (q)", False),
)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def comparison_text(finals: pd.DataFrame) -> str:
    """Final values per scenario: median [p10–p90] for adoption, medians otherwise."""
    from sim.analysis.summary import final_table

    table = final_table(finals, [c for c, _, _ in COLUMNS])
    rows = [["scenario", *(label for _, label, _ in COLUMNS)]]
    for scenario, rec in table.iterrows():
        rows.append([str(scenario), *(_cell(rec, col, band) for col, _, band in COLUMNS)])
    note = (
        "final quarter: median [p10–p90] over replicates; "
        "t50 = first quarter with ≥50% of municipalities adopting"
    )
    return "\n".join([*_table(rows), note])


def paired_text(finals: pd.DataFrame, baseline: str) -> str:
    """Mean paired difference against ``baseline`` with its 95% CI, per scenario."""
    from sim.analysis.paired import paired_differences

    metrics = ["adoption_mun", "fragmentation", "trust_mc"]
    diffs = paired_differences(finals, baseline, metrics)
    rows = [["vs " + baseline, *metrics]]
    for scenario, group in diffs.groupby("scenario", sort=False):
        by = group.set_index("metric")
        rows.append([str(scenario), *(_diff(by.loc[m]) for m in metrics)])
    note = "paired by replicate (common random numbers): mean difference [95% CI]"
    return "\n".join([*_table(rows), note])


def _diff(rec: Any) -> str:
    return f"{rec['mean_diff']:+.3f} [{rec['ci_low']:+.3f}, {rec['ci_high']:+.3f}]"


def points_text(store: ResultsStore, metric: str = "adoption_mun", limit: int = 20) -> str:
    """Median final ``metric`` per scenario × design point, with the point's values."""
    finals = store.finals()
    points = store.manifest["experiment"]["points"]
    grouped = finals.groupby(["scenario", "point"], sort=False)[metric]
    stats = grouped.agg(["median", "count"]).reset_index()
    keys = sorted({k for p in points for k in p})
    rows = [["scenario", "point", *keys, f"{metric} (median)", "runs"]]
    for rec in stats.head(limit).itertuples():
        values = points[int(rec.point)]
        rows.append(
            [rec.scenario, str(rec.point), *(_fmt(values.get(k)) for k in keys),
             f"{rec.median:.3f}", str(rec.count)]
        )  # fmt: skip
    more = len(stats) - limit
    tail = [f"... {more} more rows in finals.csv"] if more > 0 else []
    return "\n".join([*_table(rows), *tail])


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _cell(rec: Any, col: str, band: bool) -> str:
    """Format one table cell; times show 'never' or the share of runs that got there."""
    med = rec[f"{col}_median"]
    if col.startswith(("t50_", "t90_")):
        reached = rec[f"{col}_reached"]
        if reached == 0:
            return "never"
        return f"{med:.0f}" if reached == 1 else f"{med:.0f} ({reached:.0%} of runs)"
    if band:
        return f"{med:.3f} [{rec[f'{col}_p10']:.3f}–{rec[f'{col}_p90']:.3f}]"
    return f"{med:.3f}"
