"""Options shared by several ``egov-sim`` commands.

Kept apart from the commands so every command spells an option the same way: a user
who learnt ``--workers`` or ``--set`` on ``compare`` finds it unchanged on ``sweep``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.errors import UsageError as UsageError  # re-exported for the commands

EXIT_INVALID = 1
EXIT_USAGE = 2
FILES_HELP = "scenario files, e.g. scenarios/baseline.toml"
EXECUTORS = ("process", "serial", "dask")
MAX_CHUNK = 500  # sim.experiments.engine.MAX_CHUNK (a test keeps them equal)


def positive(text: str) -> int:
    """Argparse type: an integer >= 1, with a message naming what was wrong."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; expected an integer >= 1")
    return value


def non_negative(text: str) -> int:
    """Argparse type: an integer >= 0 (seeds)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; expected an integer >= 0")
    return value


MAX_SEED = 2**63 - 1  # sim.experiments.specs.MAX_SEED (a test keeps them equal)


def seed(text: str) -> int:
    """Argparse type: a root seed, 0 to 2**63-1 (stored in the tables' int64 column)."""
    value = non_negative(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"{value} is not allowed; expected an integer in [0, 2**63-1 = {MAX_SEED}]"
        )
    return value


def chunk(text: str) -> int:
    """Argparse type: runs per task, 1 to the engine's cap (a task's memory and loss)."""
    value = positive(text)
    if value > MAX_CHUNK:
        raise argparse.ArgumentTypeError(
            f"{value} is not allowed; expected an integer in [1, {MAX_CHUNK}]"
        )
    return value


def add_overrides(parser: argparse.ArgumentParser) -> None:
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
        type=positive,
        metavar="Q",
        default=None,
        help="shorthand for --set time.n_quarters=Q",
    )


def overrides_of(args: argparse.Namespace) -> list[str]:
    """``--set`` values plus the ``--quarters`` shorthand (applied last, so it wins)."""
    out = list(args.overrides)
    if args.quarters is not None:
        out.append(f"time.n_quarters={args.quarters}")
    for item in out:
        if "=" not in item:
            raise UsageError(f"--set {item!r} is not KEY=VALUE (e.g. --set time.n_quarters=20)")
    return out


def add_execution(parser: argparse.ArgumentParser) -> None:
    """Where and how to run: never changes the numbers, only the wall time."""
    group = parser.add_argument_group("execution (results are identical under every choice)")
    group.add_argument(
        "--out", type=Path, metavar="DIR", default=None,
        help="results folder (default results/<name>; re-running resumes it)",
    )  # fmt: skip
    group.add_argument(
        "--workers", type=positive, metavar="N", default=None,
        help="worker processes (default: all CPUs; 1 = in this process)",
    )  # fmt: skip
    group.add_argument(
        "--executor", choices=EXECUTORS, default="process",
        help="process pool (default), serial, or Dask distributed",
    )  # fmt: skip
    group.add_argument(
        "--address", metavar="TCP", default=None,
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster on 127.0.0.1)",
    )  # fmt: skip
    group.add_argument(
        "--resume", action="store_true",
        help="insist on resuming an existing folder (re-running the same command resumes anyway)",
    )  # fmt: skip
    group.add_argument(
        "--chunk", type=chunk, metavar="K", default=None,
        help=f"runs per worker task, 1 to {MAX_CHUNK} (default: about 8 tasks per worker, "
        f"at most {MAX_CHUNK})",
    )  # fmt: skip
    group.add_argument(
        "--allow-large", action="store_true",
        help="run more than 1,000,000 runs (refused by default, with the time and disk "
        "they would take)",
    )  # fmt: skip
    group.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    group.add_argument(
        "--no-report", action="store_true", help="skip tables, figures and report.md afterwards"
    )


def execution_of(args: argparse.Namespace):  # noqa: ANN201 - avoids importing sim.api early
    """The :class:`sim.api.Execution` the options describe."""
    from sim.api import Execution
    from sim.experiments.executors import check_address

    if args.address and args.executor != "dask":
        raise UsageError(f"--address {args.address!r} needs --executor dask")
    check_address(args.address)
    return Execution(
        executor=args.executor,
        workers=args.workers,
        address=args.address,
        resume=True if args.resume else None,
        progress=not args.no_progress,
        chunk=args.chunk,
        allow_large=args.allow_large,
    )
