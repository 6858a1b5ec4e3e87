"""What runs inside the benchmark's worker processes (imported by spawned children).

Each single measurement runs in a fresh process, so ``ru_maxrss`` (the RSS
high-water mark of that process) belongs to one model of one size only.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time

DENMARK = 98


def build(impl: str, n: int, seed: int, quarters: int):
    """A naive or production model of ``n`` municipalities (98: the Denmark preset)."""
    from sim.model.params import CountryParams, ModelParams, TimeParams

    country = (
        CountryParams()
        if n == DENMARK
        else CountryParams(name="synthetic", n_municipalities=n, n_regions=20)
    )
    params = ModelParams(country=country, time=TimeParams(n_quarters=quarters))
    # A benchmark process exists to run models: tune the allocator as the CLI does
    # (the model itself never changes process-wide state).
    from sim.model.blocks import load_catalogue
    from sim.model.memory import tune_for

    tune_for(n * len(load_catalogue()))
    if impl == "naive":
        from benchmarks.naive import NaiveModel

        return NaiveModel(params, rng=seed)
    from sim.model.model import EGovModel

    return EGovModel(params, rng=seed)


def headline(model, impl: str) -> dict[str, float]:
    """Final adoption and trust of a finished run (same names for both models)."""
    if impl == "naive":
        mv = model.datacollector.model_vars
        return {"adoption_mun": mv["adoption_mun"][-1], "trust_mc": mv["trust_mc"][-1]}
    return {"adoption_mun": model.current["adoption_mun"], "trust_mc": model.current["trust_mc"]}


def max_rss_mib() -> float:
    """This process's RSS high-water mark in MiB (ru_maxrss: KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def measure(impl: str, n: int, seed: int, quarters: int, inner: int = 1) -> dict:
    """Construction and stepping wall time, and peak RSS, of runs in this process.

    With ``inner`` > 1 the model is built and run that many times (seeds ``seed``,
    ``seed + 1000``, ...) and the medians are reported, with every run's times in
    ``construct_runs`` and ``step_runs``: a single 30 ms run is at the mercy of one
    scheduler hiccup on a shared machine.

    A full-length Denmark warm-up run first pays one-off import and first-call costs,
    including loading every compiled kernel from numba's on-disk cache (a short run
    would leave kernels first needed later, such as grant settlement, to load inside
    the timing); it is small and does not move the high-water mark of larger sizes.
    """
    build(impl, DENMARK, seed + 10_000, quarters).run()
    rss_base = max_rss_mib()
    construct, step, total = [], [], []
    for k in range(inner):
        t0 = time.perf_counter()
        model = build(impl, n, seed + 1000 * k, quarters)
        t1 = time.perf_counter()
        model.run()
        t2 = time.perf_counter()
        construct.append(t1 - t0)
        step.append(t2 - t1)
        total.append(t2 - t0)
    return {
        "construct_s": statistics.median(construct),
        "step_s": statistics.median(step),
        "total_s": statistics.median(total),
        "inner": inner,
        "construct_runs": construct,
        "step_runs": step,
        "rss_base_mib": rss_base,
        "peak_rss_mib": max_rss_mib(),
        "n_blocks": len(model.catalogue),
        "n_regions": int(model.shell.rstate.n if impl == "naive" else model.rstate.n),
        **headline(model, impl),
    }


def run_chunk(seeds: list[int], quarters: int) -> list[float]:
    """Batch worker: production Denmark runs, one per seed; final adoption of each."""
    out = []
    for seed in seeds:
        model = build("production", DENMARK, seed, quarters).run()
        out.append(model.current["adoption_mun"])
    return out


def warm_up() -> float:
    """Batch warm-up task: imports and one full Denmark run, so timing excludes start-up."""
    build("production", DENMARK, 0, 60).run()
    return time.perf_counter()
