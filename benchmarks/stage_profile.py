"""Profile of a quarter: time per named stage, and the top cProfile entries.

Usage::

    .venv/bin/python benchmarks/stage_profile.py [--runs 20] [--municipalities N] [--top 12]

Times each named stage of ``EGovModel.step`` (``model.stages``; ms per quarter,
median over runs), the outputs and their collection, and the whole run with and
without construction; then the top entries of cProfile (own time). Prints Markdown
tables and appends one JSON line to ``benchmarks/results/profile-<date>.jsonl``.
(Until 2026-12-06 this compared the numpy reference kernels with the compiled ones;
the numpy kernels were removed when the rules were written once, issue 12.)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from sim.model import metrics
from sim.model.blocks import load_catalogue
from sim.model.memory import tune_for
from sim.model.metrics import QuarterCollector
from sim.model.model import EGovModel, Stage
from sim.model.params import CountryParams, ModelParams

RESULTS = Path(__file__).resolve().parent / "results"


def _timed(fn, key, sink):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            sink[key] += time.perf_counter() - start

    return wrapper


def stage_times(params, runs: int) -> dict[str, list[float]]:
    """Per run: ms per quarter of every stage, total ms with and without construction."""
    out: dict[str, list[float]] = defaultdict(list)
    sink: dict[str, float] = defaultdict(float)
    saved_collect, saved_compute = QuarterCollector.collect, metrics.compute
    try:
        metrics.compute = _timed(saved_compute, "outputs (metrics.compute)", sink)
        QuarterCollector.collect = _timed(saved_collect, "collect", sink)
        for seed in range(runs):
            sink.clear()
            start = time.perf_counter()
            model = EGovModel(params, rng=seed)
            model.stages = [Stage(st.name, _timed(st.run, st.name, sink)) for st in model.stages]
            built = time.perf_counter()
            model.run()
            done = time.perf_counter()
            for key, seconds in sink.items():
                out[key].append(seconds / model.quarter * 1e3)
            out["run_ms"].append((done - built) * 1e3)
            out["total_ms"].append((done - start) * 1e3)
    finally:
        QuarterCollector.collect, metrics.compute = saved_collect, saved_compute
    return out


def top_entries(params, runs: int, top: int) -> list[tuple[str, int, float]]:
    """(function, calls, share of own time) of the ``top`` cProfile entries."""
    profiler = cProfile.Profile()
    profiler.enable()
    for seed in range(runs):
        EGovModel(params, rng=seed).run()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = sum(row[2] for row in stats.stats.values())
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]
    return [
        (f"{Path(f).stem}.{name}" if f != "~" else name, calls, own / total)
        for (f, _, name), (calls, _, own, _, _) in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--municipalities", type=int, default=0, help="synthetic (0: Denmark)")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    params = ModelParams()
    if args.municipalities:
        country = CountryParams(name="synthetic", n_municipalities=args.municipalities)
        params = ModelParams(country=country)
    # A benchmark process exists to run models: tune the allocator as the CLI does.
    tune_for(params.country.n_municipalities * len(load_catalogue()) if args.municipalities else 0)
    EGovModel(params, rng=0).run(4)  # compile and warm up
    times = stage_times(params, args.runs)
    medians = {key: statistics.median(v) for key, v in times.items()}
    profile = top_entries(params, 5, args.top)
    _print(medians, profile, params)
    RESULTS.mkdir(exist_ok=True)
    line = {
        "kind": "profile",
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "municipalities": args.municipalities or "denmark",
        "runs": args.runs,
        "medians": medians,
        "profile": profile,
        "python": sys.version.split()[0],
    }
    with open(RESULTS / f"profile-{time.strftime('%Y-%m-%d')}.jsonl", "a") as fh:
        fh.write(json.dumps(line) + "\n")


def _print(medians: dict, profile: list, params: ModelParams) -> None:
    print(f"ms per quarter by stage ({params.country.name}), median:\n")
    print("| stage | ms |\n|---|---:|")
    keys = [k for k in medians if k not in ("run_ms", "total_ms")]
    for key in sorted(keys, key=lambda k: -medians[k]):
        print(f"| {key} | {medians[key]:.3f} |")
    print(f"| **sum** | **{sum(medians[k] for k in keys):.2f}** |")
    for key in ("run_ms", "total_ms"):
        print(f"| {key} | {medians[key]:.1f} |")
    print("\ncProfile own time:\n\n| function | calls | share |\n|---|---:|---:|")
    for name, calls, share in profile:
        print(f"| `{name}` | {calls:,} | {share:.1%} |")


if __name__ == "__main__":
    main()
