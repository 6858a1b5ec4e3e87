"""Run scenarios × replicates, serially or on a process pool, with identical results.

Seeds follow ARCHITECTURE.md (Batches): one root ``SeedSequence`` per experiment and
one child per replicate, the *same* child for replicate ``r`` in every scenario
(common random numbers), so scenario differences are paired and need far fewer
replicates to show. Results never depend on the number of workers: every run owns
its seed, and the batch is re-assembled in spec order whatever finished first.

Pools use the ``spawn`` start method, never ``fork`` (numpy already runs threads, and
forked children can deadlock; TOOLCHAIN.md). Runs of a few milliseconds would be
swamped by inter-process traffic, so a worker task is a *chunk* of runs.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim.model.metrics import metric_names
from sim.model.model import EGovModel

if TYPE_CHECKING:
    from sim.experiments.scenario import Scenario

ID_COLUMNS = ("scenario", "replicate", "seed", "seed_key", "quarter")
MAX_CHUNK = 20
THRESHOLDS = (0.5, 0.9)


@dataclass(frozen=True)
class RunSpec:
    """One run: a scenario, a replicate index and that replicate's seed.

    Attributes:
        scenario_name: Name of the scenario (the label in every output table).
        replicate: Replicate index, 0-based; the same index means the same seed.
        seed: Child ``SeedSequence`` of the experiment's root for this replicate.
        scenario: The validated scenario (parameters, catalogue, instruments).
    """

    scenario_name: str
    replicate: int
    seed: np.random.SeedSequence
    scenario: Scenario

    @property
    def root_entropy(self) -> int:
        """The experiment's root seed, the number a user typed after ``--seed``."""
        return int(self.seed.entropy)

    @property
    def seed_key(self) -> str:
        """Readable, unique seed label such as ``"20261123/3"`` (entropy/spawn key)."""
        return "/".join(str(k) for k in (self.seed.entropy, *self.seed.spawn_key))

    def fresh_seed(self) -> np.random.SeedSequence:
        """An unused copy of the seed.

        A ``SeedSequence`` counts the children spawned from it, and the model spawns
        its stage streams from it; reusing the shared object would give the second
        scenario of a replicate different streams and break common random numbers.
        """
        s = self.seed
        return np.random.SeedSequence(s.entropy, spawn_key=s.spawn_key, pool_size=s.pool_size)


def make_specs(scenarios: Sequence[Scenario], reps: int, root_seed: int) -> list[RunSpec]:
    """Expand scenarios × replicates into run specs with common random numbers.

    Args:
        scenarios: Validated scenarios, in the order outputs should list them.
        reps: Replicates per scenario (at least 1).
        root_seed: Entropy of the experiment's root ``SeedSequence``.

    Returns:
        Specs ordered by scenario, then replicate; replicate ``r`` carries the same
        seed in every scenario.
    """
    if reps < 1:
        raise ValueError(f"reps = {reps!r} is not allowed; expected an integer >= 1")
    children = np.random.SeedSequence(root_seed).spawn(reps)
    return [RunSpec(sc.name, r, child, sc) for sc in scenarios for r, child in enumerate(children)]


def run_one(spec: RunSpec) -> pd.DataFrame:
    """Build, run and tabulate one model: one row per quarter.

    Top-level so that it pickles for process pools. The model is dropped before
    returning, so a long batch holds only tables, never models.

    Returns:
        Columns ``scenario, replicate, seed, seed_key, quarter`` then every metric of
        :func:`sim.model.metrics.metric_names`, in that order.
    """
    sc = spec.scenario
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=spec.fresh_seed())
    model.run()
    names = metric_names(sc.catalogue)
    data = {name: np.asarray(model.datacollector.model_vars[name], dtype=float) for name in names}
    del model
    n = len(data[names[0]]) if names else 0
    ids = {
        "scenario": pd.Series([spec.scenario_name] * n, dtype="str"),
        "replicate": np.full(n, spec.replicate, dtype=np.int64),
        "seed": np.full(n, spec.root_entropy, dtype=np.int64),
        "seed_key": pd.Series([spec.seed_key] * n, dtype="str"),
        "quarter": np.arange(n, dtype=np.int64),
    }
    return pd.DataFrame({**ids, **data})


def run_chunk(specs: Sequence[RunSpec]) -> list[pd.DataFrame]:
    """Run several specs in one worker task, to amortise process traffic."""
    out = []
    for spec in specs:
        try:
            out.append(run_one(spec))
        except Exception as exc:
            raise RuntimeError(
                f"run {spec.scenario_name!r} replicate {spec.replicate} "
                f"(seed {spec.seed_key}) failed: {exc}"
            ) from exc
    return out


def chunk_size(n_specs: int, workers: int) -> int:
    """Runs per task: about four tasks per worker (load balance), at most ``MAX_CHUNK``."""
    return max(1, min(MAX_CHUNK, math.ceil(n_specs / (4 * max(workers, 1)))))


def run_batch(
    specs: Sequence[RunSpec], workers: int | None = None, progress: bool = True
) -> pd.DataFrame:
    """Run every spec and return one table, identical whatever ``workers`` is.

    Args:
        specs: Run specs, usually from :func:`make_specs`; output keeps their order.
        workers: Processes to use; ``1`` runs in this process, ``None`` uses every CPU.
        progress: Show a tqdm bar with ETA on stderr.

    Returns:
        The runs' tables concatenated in spec order, with a fresh 0..n-1 index.
    """
    if not specs:
        raise ValueError("no runs to do: the batch has no specs")
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers = {workers!r} is not allowed; expected an integer >= 1")
    size = chunk_size(len(specs), workers)
    chunks = [list(specs[i : i + size]) for i in range(0, len(specs), size)]
    bar = tqdm(total=len(specs), unit="run", file=sys.stderr, disable=not progress, smoothing=0.1)
    with bar:
        if min(workers, len(chunks)) == 1:
            parts = _run_serial(chunks, bar)
        else:
            parts = _run_pool(chunks, min(workers, len(chunks)), bar)
    tables = [table for chunk in parts for table in chunk]
    return pd.concat(tables, ignore_index=True)


def _run_serial(chunks: list[list[RunSpec]], bar: tqdm) -> list[list[pd.DataFrame]]:
    """Run chunks in this process (debuggable; no start-up cost for small batches)."""
    parts = []
    for chunk in chunks:
        parts.append(run_chunk(chunk))
        bar.update(len(chunk))
    return parts


def _run_pool(chunks: list[list[RunSpec]], workers: int, bar: tqdm) -> list[list[pd.DataFrame]]:
    """Run chunks on a spawn-started process pool; results placed back by chunk index."""
    parts: list[list[pd.DataFrame] | None] = [None] * len(chunks)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(run_chunk, chunk): i for i, chunk in enumerate(chunks)}
        try:
            for fut in as_completed(futures):
                i = futures[fut]
                parts[i] = fut.result()
                bar.update(len(chunks[i]))
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
    return [p for p in parts if p is not None]


def _first_reaching(values: np.ndarray, threshold: float) -> float:
    """First quarter index at which ``values`` reaches ``threshold``; NaN if never."""
    hit = np.flatnonzero(values >= threshold)
    return float(hit[0]) if hit.size else math.nan


def run_summaries(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (scenario, replicate): final values and times to adoption thresholds.

    Times ``t50_<m>`` / ``t90_<m>`` are the first quarter at which municipal adoption
    ``<m>`` (overall and per block) reaches 50 % / 90 %, NaN if it never does; they
    summarise *speed* of diffusion, which final values alone hide.
    """
    metrics = [c for c in df.columns if c not in ID_COLUMNS]
    timed = [c for c in metrics if c == "adoption_mun" or c.startswith("adoption_mun__")]
    rows = []
    for (_, _), run in df.groupby(["scenario", "replicate"], sort=False):
        run = run.sort_values("quarter")
        last = run.iloc[-1]
        row = {c: last[c] for c in ("scenario", "replicate", "seed", "seed_key")}
        row["quarters"] = int(last["quarter"]) + 1
        row.update({c: float(last[c]) for c in metrics})
        for m in timed:
            values = run[m].to_numpy(dtype=float)
            for t in THRESHOLDS:
                row[f"t{round(t * 100)}_{m}"] = _first_reaching(values, t)
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"scenario": "str", "seed_key": "str", "replicate": "int64", "seed": "int64"})
