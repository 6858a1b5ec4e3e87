"""Benchmark of the experiment engine (issue 5): overhead, 2-worker speed-up, memory.

Three measurements, appended as JSON lines to ``benchmarks/results/engine-<date>.jsonl``:

1. **Overhead** at N Denmark runs (default 1,000): the sum of bare run times (build
   and run the model, nothing else, in this process) against the engine running the
   same specs serially into a results store (tabulation, final rows, Parquet parts,
   manifest, status). Overhead = engine / bare − 1; target ≤ 10 %.
2. **Speed-up** with 2 workers: the same batch through a spawn process pool with 1
   worker and with 2 workers (pool start-up included, since users pay it);
   target ≥ 1.8×. Also reported against the serial engine.
3. **Memory** of a 100,000-run batch of aggregate outputs: the engine with a stand-in
   task that returns, for every spec, a real Denmark run's tables relabelled (60
   quarters × 63 metrics, final row, status), so the parent does all its real work
   (chunking, in-flight futures, Parquet parts, status, manifest) at full scale
   without 100,000 model runs; then reads the finals and one metric column over all
   runs as a report does. Peak RSS of the parent (``ru_maxrss``) and of the largest
   worker; target ≤ 1 GiB.

Usage::

    .venv/bin/python benchmarks/engine.py                 # all three (~10 min)
    .venv/bin/python benchmarks/engine.py --runs 200 --memory-runs 10000   # quick
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments.experiment import Experiment, RunOptions, run_experiment  # noqa: E402
from sim.experiments.runner import ChunkResult, RunSpec, run_one  # noqa: E402
from sim.experiments.scenario import load_scenario  # noqa: E402
from sim.model.model import EGovModel  # noqa: E402

RESULTS = Path(__file__).with_name("results")
_TEMPLATE: dict[str, object] = {}


def denmark(reps: int) -> Experiment:
    """The baseline Denmark scenario, ``reps`` replicates."""
    sc = load_scenario(ROOT / "scenarios" / "baseline.toml")
    return Experiment("compare", (sc,), reps=reps, seed=20261123)


def bare_seconds(specs: list[RunSpec]) -> float:
    """Sum of model build + run times, nothing else."""
    total = 0.0
    for spec in specs:
        sc = spec.scenario
        t = time.perf_counter()
        EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=spec.fresh_seed()).run()
        total += time.perf_counter() - t
    return total


def engine_seconds(exp: Experiment, executor: str, workers: int) -> float:
    """Wall time of ``run_experiment`` into a fresh temporary folder (no report)."""
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        opts = RunOptions(executor=executor, workers=workers, progress=False)
        run_experiment(exp, Path(tmp) / "r", opts)
        return time.perf_counter() - t


def replay_chunk(specs: list[RunSpec], municipal: bool = False) -> ChunkResult:
    """Stand-in task: one real run's tables, relabelled for each spec (engine-only cost)."""
    import pandas as pd

    if "out" not in _TEMPLATE:
        _TEMPLATE["out"] = run_one(specs[0])
    out = _TEMPLATE["out"]
    runs, finals, status = [], [], []
    for spec in specs:
        ids = {
            "run_key": spec.key, "scenario": spec.scenario_name, "point": spec.point,
            "replicate": spec.replicate, "seed": spec.root_entropy, "seed_key": spec.seed_key,
        }  # fmt: skip
        table = out.runs.copy()
        for k, v in ids.items():
            table[k] = v
        runs.append(table)
        finals.append({**out.final, **ids})
        status.append({**ids, "status": "ok", "error": "", "traceback": "", "seconds": 0.0})
    status_frame = pd.DataFrame(status).astype({"run_key": "str", "scenario": "str"})
    return ChunkResult(pd.concat(runs, ignore_index=True), pd.DataFrame(finals), None, status_frame)


def memory(n_runs: int, workers: int) -> dict[str, float]:
    """Peak RSS (MiB) of the parent and workers for an ``n_runs`` replay batch + reads."""
    exp = denmark(n_runs)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        opts = RunOptions("process", workers, progress=True, task=replay_chunk)
        store = run_experiment(exp, Path(tmp) / "r", opts)
        run_s = time.perf_counter() - t
        batch_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = time.perf_counter()
        finals = store.finals()
        column = store.runs(["adoption_mun"])
        med = column.groupby(["scenario", "quarter"])["adoption_mun"].median()
        read_s = time.perf_counter() - t
        quarters = int(finals["quarters"].iloc[0])
        assert len(finals) == n_runs and len(column) == n_runs * quarters
        assert len(med) == quarters and finals["run_key"].is_unique
        parts = len(list((Path(tmp) / "r" / "runs").iterdir()))
        size = sum(p.stat().st_size for p in (Path(tmp) / "r").rglob("*") if p.is_file())
    return {
        "runs": n_runs,
        "workers": workers,
        "parts": parts,
        "disk_mib": size / 2**20,
        "batch_s": run_s,
        "read_s": read_s,
        "batch_peak_mib": batch_peak,
        "parent_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def speed(n_runs: int) -> dict[str, float]:
    """Bare sum, serial engine, process pool with 1 and 2 workers (seconds)."""
    exp = denmark(n_runs)
    bare = bare_seconds(exp.specs())
    serial = engine_seconds(exp, "serial", 1)
    one = engine_seconds(exp, "process", 1)
    two = engine_seconds(exp, "process", 2)
    return {
        "runs": n_runs,
        "bare_sum_s": bare,
        "serial_engine_s": serial,
        "process1_s": one,
        "process2_s": two,
        "overhead": serial / bare - 1,
        "speedup_2_vs_1": one / two,
        "speedup_2_vs_serial": serial / two,
        "bare_ms_per_run": 1000 * bare / n_runs,
    }


def speedup(n_runs: int, pairs: int) -> list[dict[str, float]]:
    """1 vs 2 workers, interleaved ``pairs`` times (who goes first alternates)."""
    exp = denmark(n_runs)
    out = []
    for k in range(pairs):
        order = (1, 2) if k % 2 == 0 else (2, 1)
        times = {w: engine_seconds(exp, "process", w) for w in order}
        out.append({"runs": n_runs, "pair": k, "first": order[0], "process1_s": times[1],
                    "process2_s": times[2], "speedup_2_vs_1": times[1] / times[2]})  # fmt: skip
    return out


def _record(kind: str, values: dict[str, float], out: Path) -> None:
    import os
    import subprocess

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    line = {
        "kind": kind,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "commit": commit,
        "load": os.getloadavg()[0],
        "cpus": os.cpu_count(),
        **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in values.items()},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    print(json.dumps(line, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000, help="Denmark runs for speed")
    parser.add_argument("--memory-runs", type=int, default=100_000, help="replay batch size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip", choices=("speed", "memory"), action="append", default=[])
    parser.add_argument(
        "--speedup-pairs", type=int, default=0,
        help="only measure 1 vs 2 workers, this many interleaved pairs",
    )  # fmt: skip
    args = parser.parse_args()
    out = RESULTS / f"engine-{time.strftime('%Y-%m-%d')}.jsonl"
    if args.speedup_pairs:
        for line in speedup(args.runs, args.speedup_pairs):
            _record("engine_speedup", line, out)
        return
    if "speed" not in args.skip:
        _record("engine_speed", speed(args.runs), out)
    if "memory" not in args.skip:
        if "speed" in args.skip:
            _record("engine_memory", memory(args.memory_runs, args.workers), out)
        else:  # a fresh process, so the peak RSS is the memory batch's alone
            import subprocess

            cmd = [sys.executable, __file__, "--skip", "speed", "--workers", str(args.workers)]
            subprocess.run([*cmd, "--memory-runs", str(args.memory_runs)], check=True)


if __name__ == "__main__":
    main()
