"""Benchmark runner of issue 6: naive per-agent reference vs. production model.

Usage::

    .venv/bin/python benchmarks/run.py [--quick] [--sizes 98,1000,10000,34870] [--reps 3]
        [--naive-max 10000] [--batch-runs 200] [--workers 1,2] [--no-batch]

For every repetition and size it runs the naive and the production model, alternating
which goes first, each in a fresh spawned process (construction and stepping timed
separately, RSS high-water mark read at the end); then Denmark batches through a
spawn-context process pool with 1 and 2 workers. One JSON line per measurement, and
one summary line (median, min, max over repetitions) per group, are appended to
``benchmarks/results/<date>.jsonl``. ``benchmarks/summarise.py`` turns them into the
README table and the scaling plot.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import measure  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SPAWN = mp.get_context("spawn")
QUARTERS = 60
TIMED = ("construct_s", "step_s", "total_s", "peak_rss_mib", "rss_base_mib")


def git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def machine() -> dict:
    """Where and on what code the numbers were taken."""
    import mesa
    import numpy
    import scipy

    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        names = [ln for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln]
        cpu = names[0].split(":", 1)[1].strip() if names else cpu
    dirty = git("status", "--porcelain", "--", "sim")
    return {
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "mesa": mesa.__version__,
        "git_commit": git("rev-parse", "HEAD"),
        # Uncommitted changes under sim/ (the model being measured), if any.
        "sim_uncommitted": [ln.split(None, 1)[-1] for ln in dirty.splitlines()]
        if dirty != "unknown"
        else [],
    }


def one_measurement(impl: str, n: int, seed: int, quarters: int, inner: int) -> dict:
    """Run ``measure.measure`` in a fresh spawned process (its own RSS high-water mark)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=SPAWN) as pool:
        return pool.submit(measure.measure, impl, n, seed, quarters, inner).result()


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


class Recorder:
    """Appends JSON lines, each stamped with run id, time, mode and machine."""

    def __init__(self, path: Path, run_meta: dict):
        self.path, self.meta = path, run_meta
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict) -> None:
        line = {**record, **self.meta, "timestamp": datetime.now(UTC).isoformat()}
        # Machine load when the measurement ended (other work on the machine skews times).
        line["loadavg"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
        with self.path.open("a") as fh:
            fh.write(json.dumps(line) + "\n")


def single_runs(args, rec: Recorder) -> None:
    """Interleaved naive/production measurements; one summary per (impl, N)."""
    samples: dict[tuple[str, int], list[dict]] = {}
    for rep in range(args.reps):
        for n in args.sizes:
            impls = ["production"] + (["naive"] if n <= args.naive_max else [])
            if rep % 2 == 0:
                impls.reverse()  # alternate who goes first
            seed = args.seed + rep
            for impl in impls:
                inner = args.inner if n <= args.inner_max else 1
                res = one_measurement(impl, n, seed, args.quarters, inner)
                row = {"kind": "single", "impl": impl, "n": n, "rep": rep, "seed": seed}
                row.update(quarters=args.quarters, **res)
                rec.write(row)
                samples.setdefault((impl, n), []).append(row)
                print(
                    f"rep {rep} N={n:>6} {impl:<10} construct {res['construct_s']:8.3f} s"
                    f"  step {res['step_s']:8.3f} s  peak RSS {res['peak_rss_mib']:7.1f} MiB",
                    flush=True,
                )
    for (impl, n), rows in samples.items():
        summary = {"kind": "single_summary", "impl": impl, "n": n, "reps": len(rows)}
        summary.update(quarters=args.quarters, n_blocks=rows[0]["n_blocks"])
        summary.update(n_regions=rows[0]["n_regions"])
        for key in TIMED:
            summary[key] = spread([r[key] for r in rows])
        rec.write(summary)


def batch(workers: int, n_runs: int, chunk: int, seed: int, quarters: int) -> dict:
    """Denmark runs through a spawn-context process pool; start-up timed separately."""
    seeds = list(range(seed, seed + n_runs))
    chunks = [seeds[i : i + chunk] for i in range(0, n_runs, chunk)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=SPAWN, initializer=measure.warm_up) as pool:
        # One barrier task per worker, so every worker has started and warmed up.
        list(pool.map(time.sleep, [0.5] * workers))
        t1 = time.perf_counter()
        results = [x for part in pool.map(measure.run_chunk, chunks, [quarters] * len(chunks))
                   for x in part]  # fmt: skip
        t2 = time.perf_counter()
    return {
        "startup_s": t1 - t0 - 0.5,
        "batch_s": t2 - t1,
        "runs_per_s": n_runs / (t2 - t1),
        "mean_adoption": statistics.fmean(results),
    }


def batch_runs(args, rec: Recorder) -> None:
    """Throughput with each worker count, alternating the order per repetition."""
    samples: dict[int, list[dict]] = {}
    for rep in range(args.reps):
        order = args.workers if rep % 2 == 0 else list(reversed(args.workers))
        for w in order:
            res = batch(w, args.batch_runs, args.chunk, args.seed + 1000 * rep, args.quarters)
            row = {"kind": "batch", "impl": "production", "n": measure.DENMARK, "workers": w}
            row.update(rep=rep, runs=args.batch_runs, chunk=args.chunk, quarters=args.quarters)
            rec.write({**row, **res})
            samples.setdefault(w, []).append(res)
            print(f"rep {rep} batch {w} worker(s): {res['runs_per_s']:.2f} runs/s", flush=True)
    for w, rows in samples.items():
        summary = {"kind": "batch_summary", "impl": "production", "n": measure.DENMARK}
        summary.update(workers=w, reps=len(rows), runs=args.batch_runs, quarters=args.quarters)
        for key in ("runs_per_s", "batch_s", "startup_s"):
            summary[key] = spread([r[key] for r in rows])
        rec.write(summary)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smoke test: N in {98, 1000}, 1 rep")
    p.add_argument("--sizes", default="98,1000,10000,34870", help="municipalities, comma list")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--naive-max", type=int, default=10_000,
                   help="largest N for the naive model (34870 takes minutes per run)")  # fmt: skip
    p.add_argument("--quarters", type=int, default=QUARTERS)
    p.add_argument("--inner", type=int, default=7,
                   help="runs per process (median reported) for N <= --inner-max")  # fmt: skip
    p.add_argument("--inner-max", type=int, default=1000)
    p.add_argument("--batch-runs", type=int, default=200)
    p.add_argument("--chunk", type=int, default=10, help="runs per task in the batch")
    p.add_argument("--workers", default="1,2", help="worker counts for the batch")
    p.add_argument("--no-batch", action="store_true")
    p.add_argument("--seed", type=int, default=20_260_000)
    p.add_argument("--out", type=Path, default=None, help="JSON-lines file to append to")
    args = p.parse_args(argv)
    args.sizes = [int(x) for x in args.sizes.split(",")]
    args.workers = [int(x) for x in args.workers.split(",")]
    if args.quick:
        args.sizes = [n for n in args.sizes if n <= 1000] or [98]
        args.reps, args.batch_runs = 1, 20
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    started = datetime.now(UTC)
    out = args.out or RESULTS / f"{started:%Y-%m-%d}.jsonl"
    meta = {"run_id": started.strftime("%Y%m%dT%H%M%SZ"), "quick": args.quick}
    rec = Recorder(out, {**meta, "machine": machine()})
    print(f"appending to {out} (run {meta['run_id']})", flush=True)
    single_runs(args, rec)
    if not args.no_batch:
        batch_runs(args, rec)


if __name__ == "__main__":
    main()
