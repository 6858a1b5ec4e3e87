"""Start the explorer's Solara server: loopback by default, offline, in a child process.

The server runs as ``python -m solara run sim.explore.app`` in a child process whose
environment alone carries Solara's settings (a private ``SOLARA_HOME``, telemetry
off), so nothing here changes the calling process. Offline by construction:
``--production`` serves the page assets from the local ``solara-assets`` package
(``scripts/bootstrap.sh`` adds the vega aliases altair needs), ``--no-check-version``
skips the release check, and the telemetry switch stops usage reports.

This module imports neither Solara nor the model, so the command line can offer
``egov-sim explore`` (and explain what is missing) without the ``explore`` extra.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from sim.errors import UsageError

APP = "sim.explore.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
READY_TIMEOUT = 120.0
REQUIRED = ("solara", "ipyvuetify", "altair", "solara_assets")


def check_installed(modules: Sequence[str] = REQUIRED) -> None:
    """Raise a usage error naming the missing packages and how to get them."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(
            f"explore needs {', '.join(missing)} (the 'explore' extra); run "
            "`bash scripts/bootstrap.sh` or `pip install -e '.[explore]'`"
        )


def check_port(host: str, port: int) -> None:
    """Raise a usage error if ``host:port`` cannot be listened on (in use, bad address)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # As the server will: connections of a just-stopped server may linger.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as err:
        raise UsageError(
            f"--host {host} --port {port} cannot be used ({err.strerror}); "
            "expected a free port on a local address (try another --port)"
        ) from None


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port the OS reports free on ``host`` (for ``--port 0`` and tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def command(host: str, port: int, python: str = sys.executable) -> list[str]:
    """The server's command line."""
    return [
        python, "-m", "solara", "run", APP, "--host", host, "--port", str(port),
        "--production", "--no-check-version", "--no-open", "--log-level", "warning",
    ]  # fmt: skip


def child_env(base: Mapping[str, str], home: Path, scenarios: Path | None) -> dict[str, str]:
    """The child's environment: ``base`` plus Solara's offline settings."""
    env = dict(base)
    env["SOLARA_HOME"] = str(home)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    if scenarios is not None:
        env["EGOV_SIM_SCENARIOS"] = str(Path(scenarios).resolve())
    return env


def url_of(host: str, port: int) -> str:
    """The address to open (IPv6 literals in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = READY_TIMEOUT) -> bool:
    """Poll ``url`` until it answers 200; False if the child exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:  # noqa: S310 - loopback
                if reply.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    scenarios: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Run the server until it stops or Ctrl-C; print the address once it answers.

    Returns:
        The server's exit status (0 after Ctrl-C).

    Raises:
        UsageError: the extra is missing, the port is taken, or the scenario folder
            does not exist.
    """
    check_installed()
    if scenarios is not None and not Path(scenarios).is_dir():
        raise UsageError(f"--scenarios {scenarios}: no such folder; expected a folder of .toml")
    port = free_port(host) if port == 0 else port
    check_port(host, port)
    url = url_of(host, port)
    with tempfile.TemporaryDirectory(prefix="egov-sim-solara-") as home:
        env = child_env(os.environ, Path(home), scenarios)
        print(f"egov-sim explore: starting the server on {url} ...", file=out, flush=True)
        proc = subprocess.Popen(command(host, port), env=env)
        try:
            if wait_ready(url, proc):
                print(f"egov-sim explore: open {url}  (Ctrl-C stops it)", file=out, flush=True)
            status = proc.wait()
            if status:
                print(f"egov-sim explore: the server stopped with exit status {status} "
                      "(its messages are above)", file=out, flush=True)  # fmt: skip
            return status
        except KeyboardInterrupt:
            return 0
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server (it is ours), then kill it if it does not go."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
