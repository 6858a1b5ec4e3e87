"""The ``explore`` command: start the browser explorer (see :mod:`sim.explore.server`).

Kept apart from the other commands because it is the only one that starts a server;
it imports nothing heavy, so ``egov-sim --help`` stays instant.
"""

from __future__ import annotations

import argparse
import signal
from pathlib import Path
from typing import Any

from sim.cli_options import non_negative


def add_explore_command(sub: Any) -> None:
    """Register ``egov-sim explore`` on the subparsers object."""
    from sim.explore.server import DEFAULT_HOST, DEFAULT_PORT

    exp = sub.add_parser(
        "explore",
        help="open the browser explorer (scenario editor, map, live plots, compare, batch)",
        description="Start the explorer's web server, print its address and serve until "
        "Ctrl-C. It binds 127.0.0.1 unless --host says otherwise and needs no network.",
    )
    exp.add_argument(
        "--host", default=DEFAULT_HOST,
        help="address to listen on (default %(default)s: this machine only)",
    )  # fmt: skip
    exp.add_argument(
        "--port", type=non_negative, default=DEFAULT_PORT, metavar="N",
        help="port (default %(default)s; 0 picks a free one)",
    )  # fmt: skip
    exp.add_argument(
        "--scenarios", type=Path, default=None, metavar="DIR",
        help="folder of scenario files to offer (default ./scenarios)",
    )  # fmt: skip
    exp.set_defaults(func=cmd_explore)


def cmd_explore(args: argparse.Namespace) -> int:
    """Serve the explorer until it stops; its exit status is the command's.

    SIGTERM is treated like Ctrl-C while serving, so ``kill`` or a supervisor stops the
    server child too instead of leaving it orphaned; the old handler is restored.
    """
    from sim.explore.server import serve

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return serve(args.host, args.port, args.scenarios)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
