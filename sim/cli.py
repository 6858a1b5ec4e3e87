"""The ``egov-sim`` command line: experiments, ``validate``, ``instruments``, ``scenarios``.

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
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sim import __version__
from sim.cli_experiments import add_experiment_commands
from sim.cli_explore import add_explore_command
from sim.cli_options import (
    EXIT_INVALID,
    EXIT_USAGE,
    FILES_HELP,
    UsageError,
    add_overrides,
    overrides_of,
)

if TYPE_CHECKING:
    pass


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line (usage stays in ``--help``)."""

    def error(self, message: str) -> NoReturn:
        """Print ``prog: error: message (see prog --help)`` and exit 2, like argparse."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed so docs and tests can read the usage text)."""
    parser = _Parser(
        prog="egov-sim",
        description="Agent-based simulator of multi-level e-government adoption.",
    )
    parser.add_argument("--version", action="version", version=f"egov-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_experiment_commands(sub)
    val = sub.add_parser(
        "validate",
        help="check scenario files without running them",
        description="Load and validate each scenario file; exit 1 if any is invalid.",
    )
    val.add_argument("scenarios", nargs="+", metavar="SCENARIO.toml", type=Path, help=FILES_HELP)
    add_overrides(val)
    val.set_defaults(func=cmd_validate)
    ins = sub.add_parser("instruments", help="list every instrument with its parameters")
    ins.set_defaults(func=cmd_instruments)
    scs = sub.add_parser("scenarios", help="list the shipped scenarios with their description")
    scs.add_argument("--dir", type=Path, default=None, help="folder of scenario files")
    scs.set_defaults(func=cmd_scenarios)
    add_explore_command(sub)
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


def cmd_validate(args: argparse.Namespace) -> int:
    """Load each file; print ``ok`` lines, or the error, and exit 1 if any failed."""
    from sim.experiments.scenario import load_scenario

    failed = 0
    overrides = overrides_of(args)
    for path in args.scenarios:
        try:
            sc = load_scenario(path, overrides)
        except (ValueError, OSError) as exc:
            failed += 1
            message = _one_line(exc)  # errors usually name the file: never twice
            if not message.startswith(str(path)):
                message = f"{path}: {message}"
            print(f"error {message}", file=sys.stderr)
            continue
        print(f"ok {path}: {sc.name} — {sc.description}")
    return EXIT_INVALID if failed else 0


def _one_line(exc: BaseException) -> str:
    """An exception as one line (a missing file names itself, not errno)."""
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"file not found: {exc.filename}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _is_input_error(exc: BaseException) -> bool:
    """True for mistakes in the user's input; anything else is a bug and keeps its traceback."""
    from sim.experiments.scenario import ScenarioError
    from sim.experiments.store import StoreError
    from sim.model.fields import ParameterError

    return isinstance(
        exc,
        UsageError
        | ScenarioError
        | ParameterError
        | StoreError
        | FileNotFoundError
        | IsADirectoryError,
    )


def _process_setup() -> None:
    """What only a command-line process may change: it owns its process.

    Figures render without a display (any pyplot a dependency imports picks Agg, and
    spawned workers inherit it), and large models get the allocator tuning
    (:mod:`sim.experiments.allocator`). Library code does neither.
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    from sim.experiments import allocator

    allocator.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``egov-sim`` and ``python -m sim``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _process_setup()
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
        print(
            "egov-sim: interrupted; finished runs are saved: run the same command again to resume",
            file=sys.stderr,
        )
        return 130
