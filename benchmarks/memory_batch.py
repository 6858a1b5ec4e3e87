"""Memory along a long batch of real Denmark runs (issue 16): does anything grow?

Starts ``egov-sim compare scenarios/baseline.toml --reps N --workers 2`` as a child
process (real model runs, not replayed tables) and samples, once a second, the
resident set size (RSS) of that parent process and of each of its worker processes
(psutil, which ``distributed`` brings), together with the number of runs finished
(status parts on disk × runs per chunk). One JSON line per batch goes to
``benchmarks/results/memory-<date>.jsonl``: the peaks, and the curve at every tenth
of the batch, so growth shows as a rising curve after the first chunks' warm-up.

Usage::

    nice .venv/bin/python benchmarks/memory_batch.py --runs 20000   # ~10 min on 2 cores
    .venv/bin/python benchmarks/memory_batch.py --runs 1000          # quick look
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments.engine import chunk_size  # noqa: E402
from sim.experiments.provenance import collect  # noqa: E402

RESULTS = Path(__file__).with_name("results")
MIB = 1024 * 1024


def sample(parent: psutil.Process) -> tuple[float, list[float]]:
    """RSS (MiB) of the parent and of each worker (children bigger than 50 MiB).

    The small children (multiprocessing's resource tracker) are left out: they are
    not workers and would only blur the per-worker maximum.
    """
    try:
        rss = parent.memory_info().rss / MIB
        kids = []
        for child in parent.children(recursive=True):
            try:
                kids.append(child.memory_info().rss / MIB)
            except psutil.Error:
                continue
    except psutil.Error:
        return 0.0, []
    return rss, [k for k in kids if k > 50]


def finished_runs(out: Path, per_chunk: int, total: int) -> int:
    """Runs whose chunk is committed (status parts × chunk size, at most ``total``)."""
    status = out / "status"
    parts = len(list(status.glob("part-*.parquet"))) if status.is_dir() else 0
    return min(parts * per_chunk, total)


def run_batch(runs: int, workers: int, every: float) -> dict[str, Any]:
    """Run the batch, sampling memory until it ends; return the record."""
    with tempfile.TemporaryDirectory(prefix="egov-mem-") as tmp:
        out = Path(tmp) / "r"
        argv = [
            sys.executable, "-m", "sim", "compare", str(ROOT / "scenarios" / "baseline.toml"),
            "--reps", str(runs), "--workers", str(workers), "--no-report", "--no-progress",
            "--out", str(out),
        ]  # fmt: skip
        per_chunk = chunk_size(runs, workers)
        started = time.monotonic()
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL)
        parent = psutil.Process(proc.pid)
        samples = []
        while proc.poll() is None:
            rss, kids = sample(parent)
            if rss:
                samples.append(
                    {
                        "t": round(time.monotonic() - started, 1),
                        "runs": finished_runs(out, per_chunk, runs),
                        "parent_mib": round(rss, 1),
                        "workers_mib": [round(k, 1) for k in sorted(kids, reverse=True)],
                    }
                )
            time.sleep(every)
        wall = time.monotonic() - started
        if proc.returncode != 0:
            raise SystemExit(f"the batch failed (exit {proc.returncode})")
        disk = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return summarise(samples, runs, workers, per_chunk, wall, disk)


def summarise(
    samples: list[dict[str, Any]], runs: int, workers: int, per_chunk: int, wall: float, disk: int
) -> dict[str, Any]:
    """Peaks and the curve at each tenth of the batch (the last sample reaching it)."""
    curve = []
    for tenth in range(1, 11):
        goal = runs * tenth // 10
        reached = [s for s in samples if s["runs"] >= goal] or samples[-1:]
        first = reached[0]
        curve.append(
            {
                "runs": first["runs"],
                "t": first["t"],
                "parent_mib": first["parent_mib"],
                "worker_max_mib": max(first["workers_mib"], default=0.0),
            }
        )
    busy = [s for s in samples if s["workers_mib"]]
    return {
        "kind": "memory_batch",
        "runs": runs,
        "workers": workers,
        "chunk": per_chunk,
        "wall_s": round(wall, 1),
        "runs_per_s": round(runs / wall, 2),
        "disk_bytes": disk,
        "bytes_per_run": round(disk / runs),
        "peak_parent_mib": max(s["parent_mib"] for s in samples),
        "peak_worker_mib": max((max(s["workers_mib"]) for s in busy), default=0.0),
        "first_chunk_parent_mib": next((s["parent_mib"] for s in samples if s["runs"]), None),
        "first_chunk_worker_mib": next((max(s["workers_mib"]) for s in busy if s["runs"]), None),
        "curve": curve,
        "samples": len(samples),
        "machine": collect(),
    }


def main(argv: list[str] | None = None) -> None:
    """Parse options, run, append the record and print the curve."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20_000, help="Denmark runs (default 20,000)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--every", type=float, default=1.0, help="seconds between samples")
    args = ap.parse_args(argv)
    record = run_batch(args.runs, args.workers, args.every)
    record["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"memory-{time.strftime('%Y-%m-%d', time.gmtime())}.jsonl"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
    print(f"{'runs':>7} {'t (s)':>7} {'parent MiB':>11} {'worker MiB':>11}")
    for point in record["curve"]:
        print(f"{point['runs']:>7} {point['t']:>7.0f} {point['parent_mib']:>11.0f} "
              f"{point['worker_max_mib']:>11.0f}")  # fmt: skip
    print(f"peaks: parent {record['peak_parent_mib']:.0f} MiB, worker "
          f"{record['peak_worker_mib']:.0f} MiB; {record['runs_per_s']} runs/s; "
          f"{record['bytes_per_run']} bytes per run on disk; appended to {path}")  # fmt: skip


if __name__ == "__main__":
    main()
