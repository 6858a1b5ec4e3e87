"""The ``egov-sim`` command line: ``run``, ``validate``, ``instruments``, ``scenarios``.

The CLI is a thin face over ``sim.experiments`` and ``sim.analysis``: it parses,
calls them and prints. Heavy imports (Mesa, pandas) happen inside the commands, so
``egov-sim --version`` and ``--help`` answer at once. Input mistakes (a bad key, an
out-of-bounds value, a missing file) print one line naming the problem and exit 2,
without a traceback: they are the user's to fix, not bugs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim import __version__

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_REPS = 20
DEFAULT_SEED = 20261123
EXIT_INVALID = 1
EXIT_USAGE = 2
FILES_HELP = "scenario files, e.g. scenarios/baseline.toml"


class UsageError(ValueError):
    """A malformed command-line value (reported like a scenario error: one line, exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed so docs and tests can read the usage text)."""
    parser = argparse.ArgumentParser(
        prog="egov-sim",
        description="Agent-based simulator of multi-level e-government adoption.",
    )
    parser.add_argument("--version", action="version", version=f"egov-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run scenarios with replicates and write results",
        description="Run each scenario N times (--reps) with common random numbers and write "
        "runs.parquet, summary.csv, finals.csv, manifest.json and figures/adoption.png.",
    )
    run.add_argument("scenarios", nargs="+", metavar="SCENARIO.toml", type=Path, help=FILES_HELP)
    run.add_argument(
        "--reps",
        type=_positive,
        metavar="N",
        default=DEFAULT_REPS,
        help="replicates per scenario (default %(default)s)",
    )
    run.add_argument(
        "--seed",
        type=int,
        metavar="S",
        default=DEFAULT_SEED,
        help="root seed (default %(default)s)",
    )
    run.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        default=None,
        help="output folder (default results/run-<timestamp>)",
    )
    _add_overrides(run)
    run.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        default=None,
        help="processes (default: all CPUs; 1 = serial)",
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    run.set_defaults(func=cmd_run)
    val = sub.add_parser(
        "validate",
        help="check scenario files without running them",
        description="Load and validate each scenario file; exit 1 if any is invalid.",
    )
    val.add_argument("scenarios", nargs="+", metavar="SCENARIO.toml", type=Path, help=FILES_HELP)
    _add_overrides(val)
    val.set_defaults(func=cmd_validate)
    ins = sub.add_parser("instruments", help="list every instrument with its parameters")
    ins.set_defaults(func=cmd_instruments)
    scs = sub.add_parser("scenarios", help="list the shipped scenarios with their description")
    scs.add_argument("--dir", type=Path, default=None, help="folder of scenario files")
    scs.set_defaults(func=cmd_scenarios)
    return parser


def cmd_instruments(args: argparse.Namespace) -> int:
    """Print the instrument registry (formality order) with parameters."""
    from sim.listings import instruments_text

    print(instruments_text())
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    """Print one line per scenario file: name, description, path."""
    from sim.listings import scenarios_text

    print(scenarios_text(args.dir))
    return 0


def _add_overrides(parser: argparse.ArgumentParser) -> None:
    """``--set`` and ``--quarters``, shared by commands that load scenarios."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter in every scenario, e.g. decision.peer_weight=2 (repeatable)",
    )
    parser.add_argument(
        "--quarters",
        type=_positive,
        metavar="Q",
        default=None,
        help="shorthand for --set time.n_quarters=Q",
    )


def _positive(text: str) -> int:
    """Argparse type: an integer >= 1, with a message naming what was wrong."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; expected an integer >= 1")
    return value


def _overrides(args: argparse.Namespace) -> list[str]:
    """``--set`` values plus the ``--quarters`` shorthand (applied last, so it wins)."""
    out = list(args.overrides)
    if args.quarters is not None:
        out.append(f"time.n_quarters={args.quarters}")
    for item in out:
        if "=" not in item:
            raise UsageError(f"--set {item!r} is not KEY=VALUE (e.g. --set time.n_quarters=20)")
    return out


def cmd_validate(args: argparse.Namespace) -> int:
    """Load each file; print ``ok`` lines, or the error, and exit 1 if any failed."""
    from sim.experiments.scenario import load_scenario

    failed = 0
    overrides = _overrides(args)
    for path in args.scenarios:
        try:
            sc = load_scenario(path, overrides)
        except (ValueError, OSError) as exc:
            failed += 1
            message = _one_line(exc).removeprefix(f"{path}: ")  # errors often name the file
            print(f"error {path}: {message}", file=sys.stderr)
            continue
        print(f"ok {path}: {sc.name} — {sc.description}")
    return EXIT_INVALID if failed else 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run the batch, write the result folder, print a comparison table."""
    from sim.experiments import outputs, runner
    from sim.experiments.scenario import load_scenarios

    scenarios = load_scenarios(args.scenarios, _overrides(args))
    out = args.out or Path("results") / time.strftime("run-%Y%m%d-%H%M%S")
    specs = runner.make_specs(scenarios, args.reps, args.seed)
    started = time.time()
    runs = runner.run_batch(specs, workers=args.workers, progress=not args.no_progress)
    finals = runner.run_summaries(runs)
    finished = time.time()
    files = outputs.OutputPaths.under(out)
    manifest = outputs.build_manifest(
        scenarios,
        specs,
        reps=args.reps,
        root_seed=args.seed,
        started=started,
        finished=finished,
        command=["egov-sim", *args.argv],
        files=files,
    )
    manifest["workers"] = args.workers or os.cpu_count()
    outputs.write_results(out, runs, finals, manifest)
    print(comparison_text(finals))
    print()
    print(f"{len(specs)} runs in {finished - started:.1f} s; results in {out}/")
    for name in ("runs", "summary", "finals", "manifest", "figure"):
        print(f"  {name:<9}{getattr(files, name)}")
    return 0


COLUMNS = (
    ("adoption_mun", "adoption_mun", True),
    ("adoption_pop", "adoption_pop", True),
    ("fragmentation", "fragmentation", False),
    ("trust_mc", "trust_mc", False),
    ("t50_adoption_mun", "t50 (q)", False),
)


def comparison_text(finals: pd.DataFrame) -> str:
    """Final values per scenario: median [p10–p90] for adoption, medians otherwise."""
    from sim.analysis.summary import final_table

    table = final_table(finals, [c for c, _, _ in COLUMNS])
    head = ["scenario", *(label for _, label, _ in COLUMNS)]
    rows = [head]
    for scenario, rec in table.iterrows():
        row = [str(scenario)]
        for col, _, band in COLUMNS:
            row.append(_cell(rec, col, band))
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    note = (
        "final quarter: median [p10–p90] over replicates; "
        "t50 = first quarter with ≥50% of municipalities adopting"
    )
    return "\n".join([*lines, note])


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


def _one_line(exc: BaseException) -> str:
    """An exception as one line (a missing file names itself, not errno)."""
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"file not found: {exc.filename}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _is_input_error(exc: BaseException) -> bool:
    """True for mistakes in the user's input; anything else is a bug and keeps its traceback."""
    from sim.experiments.scenario import ScenarioError
    from sim.model.fields import ParameterError

    return isinstance(
        exc, UsageError | ScenarioError | ParameterError | FileNotFoundError | IsADirectoryError
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``egov-sim`` and ``python -m sim``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = argv
    try:
        return args.func(args)
    except (ValueError, OSError) as exc:
        if not _is_input_error(exc):
            raise
        print(f"egov-sim: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("egov-sim: interrupted", file=sys.stderr)
        return 130
