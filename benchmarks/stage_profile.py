"""Profile of a quarter, numpy reference kernels vs compiled fused kernels, side by side.

Usage::

    .venv/bin/python benchmarks/stage_profile.py [--runs 20] [--municipalities N] [--top 12]

Times each named stage of ``EGovModel.step`` (ms per quarter, median over runs) and
the whole run with and without construction, for ``EGovModel`` (fused kernels) and
the same model with ``fused_kernels = False`` (the numpy kernels the fused ones were
written from), alternating the two run by run so both see the same machine load;
then the top entries of cProfile (own time) for each. Prints Markdown tables and
appends one JSON line to ``benchmarks/results/profile-<date>.jsonl``.
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
from sim.model import model as model_module
from sim.model.blocks import load_catalogue
from sim.model.memory import tune_for
from sim.model.metrics import QuarterCollector
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams

RESULTS = Path(__file__).resolve().parent / "results"
STAGES = ("calendar_stage", "municipal_stage", "citizens_stage", "trust_stage", "benefit_stage")
METHODS = ("central_stage", "regional_stage")


class ReferenceModel(EGovModel):
    """The model on its numpy reference kernels."""

    fused_kernels = False


def _timed(fn, key, sink):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            sink[key] += time.perf_counter() - start

    return wrapper


def stage_times(cls, params, runs: int) -> dict[str, list[float]]:
    """Per run: ms per quarter of every stage, total ms with and without construction."""
    out: dict[str, list[float]] = defaultdict(list)
    sink: dict[str, float] = defaultdict(float)
    saved = {name: getattr(model_module, name) for name in STAGES}
    saved_methods = {name: getattr(EGovModel, name) for name in METHODS}
    saved_collect, saved_compute = QuarterCollector.collect, metrics.compute
    try:
        metrics.compute = _timed(saved_compute, "outputs (metrics.compute)", sink)
        for name in STAGES:
            setattr(model_module, name, _timed(saved[name], name, sink))
        for name in METHODS:
            setattr(EGovModel, name, _timed(saved_methods[name], name, sink))
        QuarterCollector.collect = _timed(saved_collect, "collect", sink)
        for seed in range(runs):
            sink.clear()
            start = time.perf_counter()
            model = cls(params, rng=seed)
            built = time.perf_counter()
            model.run()
            done = time.perf_counter()
            q = model.quarter
            for key, seconds in sink.items():
                out[key].append(seconds / q * 1e3)
            out["run_ms"].append((done - built) * 1e3)
            out["total_ms"].append((done - start) * 1e3)
    finally:
        for name, fn in saved.items():
            setattr(model_module, name, fn)
        for name, fn in saved_methods.items():
            setattr(EGovModel, name, fn)
        QuarterCollector.collect, metrics.compute = saved_collect, saved_compute
    return out


def top_entries(cls, params, runs: int, top: int) -> list[tuple[str, int, float]]:
    """(function, calls, share of own time) of the ``top`` cProfile entries."""
    profiler = cProfile.Profile()
    profiler.enable()
    for seed in range(runs):
        cls(params, rng=seed).run()
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
    for cls in (EGovModel, ReferenceModel):  # compile and warm up both paths
        cls(params, rng=0).run(4)
    times = {"reference": defaultdict(list), "fused": defaultdict(list)}
    for k in range(args.runs):  # alternate, one run at a time
        pairs = (("reference", ReferenceModel), ("fused", EGovModel))
        for label, cls in pairs if k % 2 == 0 else pairs[::-1]:
            for key, values in stage_times(cls, params, 1).items():
                times[label][key] += values
    medians = {
        label: {key: statistics.median(v) for key, v in series.items()}
        for label, series in times.items()
    }
    profiles = {
        "reference": top_entries(ReferenceModel, params, 5, args.top),
        "fused": top_entries(EGovModel, params, 5, args.top),
    }
    _print(medians, profiles, params)
    RESULTS.mkdir(exist_ok=True)
    line = {
        "kind": "profile",
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "municipalities": args.municipalities or "denmark",
        "runs": args.runs,
        "medians": medians,
        "profiles": profiles,
        "python": sys.version.split()[0],
    }
    with open(RESULTS / f"profile-{time.strftime('%Y-%m-%d')}.jsonl", "a") as fh:
        fh.write(json.dumps(line) + "\n")


def _print(medians: dict, profiles: dict, params: ModelParams) -> None:
    ref, fused = medians["reference"], medians["fused"]
    print(f"ms per quarter by stage ({params.country.name}), median:\n")
    print("| stage | numpy reference | fused kernels |\n|---|---:|---:|")
    keys = [k for k in ref if k not in ("run_ms", "total_ms")]
    for key in sorted(keys, key=lambda k: -ref[k]):
        print(f"| {key} | {ref[key]:.3f} | {fused.get(key, float('nan')):.3f} |")
    print(f"| **sum** | **{sum(ref[k] for k in keys):.2f}** | "
          f"**{sum(fused[k] for k in keys):.2f}** |")  # fmt: skip
    for key in ("run_ms", "total_ms"):
        print(f"| {key} | {ref[key]:.1f} | {fused[key]:.1f} |")
    for label, rows in profiles.items():
        print(f"\ncProfile own time, {label}:\n\n| function | calls | share |\n|---|---:|---:|")
        for name, calls, share in rows:
            print(f"| `{name}` | {calls:,} | {share:.1%} |")


if __name__ == "__main__":
    main()
