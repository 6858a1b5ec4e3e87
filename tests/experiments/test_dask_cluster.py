"""The cluster recipe (docs/cluster.md) end to end: a hand-started Dask cluster on
127.0.0.1, one worker killed mid-batch, and tables identical to a serial run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_helpers import REPO
from test_store import assert_same_results

from sim.cli import main
from sim.experiments.store import ResultsStore

DASK = [sys.executable, "-m", "dask"]
BATCH = [
    "compare", str(REPO / "scenarios" / "baseline.toml"),
    str(REPO / "scenarios" / "funded_mandate.toml"),
    "--set", "country.name=synthetic", "--set", "country.n_municipalities=30",
    "--quarters", "10", "--reps", "60", "--seed", "99", "--chunk", "2",
    "--no-report", "--no-progress",
]  # fmt: skip


def _start(argv: list[str], log: Path) -> subprocess.Popen:
    """A process in its own group, so the nanny and its worker die together."""
    with log.open("w") as fh:
        return subprocess.Popen(
            argv, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO
        )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _wait_for(check, what: str, limit: float = 90) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, always stopped."""
    info = tmp_path / "scheduler.json"
    procs = []
    try:
        procs.append(_start([*DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                             "--dashboard-address", "127.0.0.1:0", "--scheduler-file",
                             str(info)], tmp_path / "scheduler.log"))  # fmt: skip
        _wait_for(info.is_file, "the scheduler file")
        for name in ("w1", "w2"):
            procs.append(_start([*DASK, "worker", "--scheduler-file", str(info), "--host",
                                 "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                                 "--no-dashboard", "--name", name],
                                tmp_path / f"{name}.log"))  # fmt: skip

        from distributed import Client

        address = json.loads(info.read_text())["address"]
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=90)
        yield address, procs
    finally:
        for proc in reversed(procs):
            _stop(proc)


@pytest.mark.slow
def test_batch_survives_a_killed_worker(cluster, tmp_path):
    address, procs = cluster
    assert address.startswith("tcp://127.0.0.1:")
    out = tmp_path / "dask"
    batch = subprocess.Popen(
        [sys.executable, "-m", "sim", *BATCH, "--executor", "dask", "--address", address,
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        status = out / "status"
        _wait_for(lambda: status.is_dir() and len(list(status.glob("part-*"))) >= 3, "parts")
        assert batch.poll() is None, "the batch ended before a worker could be killed"
        _stop(procs[1])  # worker w2, nanny and all, gone mid-batch
        _, err = batch.communicate(timeout=300)
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.wait()
    assert batch.returncode == 0, err
    assert "Traceback" not in err
    assert main([*BATCH, "--workers", "1", "--out", str(tmp_path / "serial")]) == 0
    dask_store, serial = ResultsStore(out), ResultsStore(tmp_path / "serial")
    assert dask_store.manifest["runs"] == {"total": 120, "ok": 120, "failed": 0, "pending": 0}
    assert_same_results(serial, dask_store)
    assert "Remove worker" in (tmp_path / "scheduler.log").read_text()  # w2 was seen to go
