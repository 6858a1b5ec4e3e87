"""Parent side of a batch: cut specs into chunks, feed an executor, hand results on.

The engine knows nothing about files: every finished chunk goes to a ``sink``
callback (the results store writes it as Parquet parts; :func:`collect` keeps it in
memory). Only a bounded number of chunks is in flight at any time (a few per
worker), so a 100,000-run batch never holds 100,000 results, or even 100,000
pending futures, and Ctrl-C stops within one chunk's time.

Results never depend on the executor or on the number of workers: every run owns its
seed, and readers sort by (scenario, point, replicate, quarter), not by finishing order.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from sim.experiments.executors import default_workers, open_executor, worker_count
from sim.experiments.runner import ChunkResult, RunSpec, run_chunk

MAX_CHUNK = 500
TASKS_PER_WORKER = 8
IN_FLIGHT_PER_WORKER = 2

Sink = Callable[[int, list[RunSpec], ChunkResult], None]


@dataclass
class BatchStats:
    """What happened in one call of :func:`execute`."""

    submitted: int = 0
    finished: int = 0
    failed: int = 0
    chunks: int = 0


def chunk_size(n_specs: int, workers: int) -> int:
    """Runs per task: about eight tasks per worker (load balance, smooth progress).

    At most :data:`MAX_CHUNK` (a minute or so of Denmark runs, the most a kill can
    cost per worker); a 1,000-run batch on 2 workers becomes 16 parts of 63 runs, and
    a 100,000-run batch 200 parts, few enough that reading one metric back over all
    runs takes seconds rather than the minutes 2,000 small files would.
    """
    target = math.ceil(n_specs / (TASKS_PER_WORKER * max(workers, 1)))
    return max(1, min(MAX_CHUNK, target))


def make_chunks(specs: Iterable[RunSpec], size: int) -> Iterator[list[RunSpec]]:
    """Consecutive runs share a chunk (same scenario and point: one pickled scenario).

    Lazy: chunks are cut as the engine needs them, so specs can be a generator.
    """
    it = iter(specs)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def execute(
    specs: Iterable[RunSpec],
    executor: Executor,
    sink: Sink,
    *,
    total: int | None = None,
    workers: int | None = None,
    chunk: int | None = None,
    municipal: bool = False,
    progress: bool = True,
    desc: str = "runs",
    task: Callable[..., ChunkResult] = run_chunk,
) -> BatchStats:
    """Run ``specs`` on ``executor``, calling ``sink`` with each finished chunk.

    Args:
        specs: Runs to do (already filtered of finished ones when resuming); a
            sequence, or any iterable (then pass ``total``): specs are drawn only as
            chunks are submitted, so a generator keeps planning memory flat.
        executor: Any ``concurrent.futures.Executor``.
        sink: ``sink(chunk_index, specs, result)``, called in this process, in
            finishing order; when it returns, the chunk is safe.
        total: How many specs there are (default ``len(specs)``): sizes chunks and
            the progress bar.
        workers: Tasks the executor runs at once (default: asked of the executor).
        chunk: Runs per task (default :func:`chunk_size`).
        municipal: Ask workers for per-municipality final tables too.
        progress: Show a tqdm bar with rate and ETA on stderr.
        desc: Label of the progress bar.
        task: The worker function, ``task(specs, municipal=...) -> ChunkResult``
            (benchmarks swap in a stand-in to measure the engine alone).

    Returns:
        Counts of submitted, finished and failed runs.
    """
    n_workers = worker_count(executor, workers or default_workers())
    n_specs = len(specs) if total is None else total  # type: ignore[arg-type]
    size = chunk or chunk_size(n_specs, n_workers)
    chunks = make_chunks(specs, size)
    stats = BatchStats(submitted=0, chunks=0)
    work = partial(task, municipal=municipal)
    limit = max(2, IN_FLIGHT_PER_WORKER * n_workers)
    bar = tqdm(
        total=n_specs, unit="run", desc=desc, file=sys.stderr, disable=not progress,
        smoothing=0.05,
    )  # fmt: skip
    pending: dict[Future, tuple[int, list[RunSpec]]] = {}
    with bar:
        try:
            while _fill(pending, chunks, executor, work, limit, stats):
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in sorted(done, key=lambda f: pending[f][0]):
                    i, batch = pending.pop(fut)
                    _deliver(i, batch, fut.result(), sink, stats, bar)
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
    return stats


def _fill(
    pending: dict[Future, tuple[int, list[RunSpec]]],
    chunks: Iterator[list[RunSpec]],
    executor: Executor,
    work: Callable[..., ChunkResult],
    limit: int,
    stats: BatchStats,
) -> bool:
    """Submit chunks until ``limit`` are in flight; False when nothing is left at all."""
    while len(pending) < limit:
        batch = next(chunks, None)
        if batch is None:
            break
        pending[executor.submit(work, batch)] = (stats.chunks, batch)
        stats.chunks += 1
        stats.submitted += len(batch)
    return bool(pending)


def _deliver(
    i: int, specs: list[RunSpec], result: ChunkResult, sink: Sink, stats: BatchStats, bar: Any
) -> None:
    """Hand a finished chunk to the sink, then count it (after it is safe)."""
    sink(i, specs, result)
    stats.finished += len(specs)
    stats.failed += result.n_failed
    bar.update(len(specs))
    if stats.failed:
        bar.set_postfix(failed=stats.failed, refresh=False)


def collect(
    specs: Sequence[RunSpec],
    executor: str = "process",
    workers: int | None = None,
    progress: bool = True,
    municipal: bool = False,
) -> list[ChunkResult]:
    """Run ``specs`` and return the chunk results in spec order (in memory).

    A small batch runs in this process whatever ``executor`` says when one worker
    would do: starting processes would cost more than the runs.
    """
    if not specs:
        raise ValueError("no runs to do: the batch has no specs")
    n = default_workers() if workers is None else workers
    kind = "serial" if n == 1 or len(specs) == 1 else executor
    results: dict[int, ChunkResult] = {}

    def keep(i: int, _specs: list[RunSpec], result: ChunkResult) -> None:
        results[i] = result

    with open_executor(kind, n) as ex:
        execute(specs, ex, keep, workers=n, municipal=municipal, progress=progress)
    return [results[i] for i in sorted(results)]


def run_batch(
    specs: Sequence[RunSpec],
    workers: int | None = None,
    progress: bool = True,
    executor: str = "process",
) -> pd.DataFrame:
    """Run every spec in memory and return one quarterly table, in spec order.

    A convenience for notebooks and small studies (it lives here, beside the engine it
    drives, so the worker side never imports the engine): nothing is written, so nothing
    resumes; use :func:`sim.experiments.experiment.run_experiment` (``egov-sim
    compare``) for batches worth keeping. Results are identical whatever
    ``workers`` and ``executor`` are.

    Raises:
        RuntimeError: If any run failed (message names the first failures).
    """
    chunks = collect(specs, executor=executor, workers=workers, progress=progress)
    status = pd.concat([c.status for c in chunks], ignore_index=True)
    failed = status[status["status"] == "failed"]
    if len(failed):
        first = "; ".join(
            f"{r.scenario} point {r.point} replicate {r.replicate}: {r.error}"
            for r in failed.head(3).itertuples()
        )
        raise RuntimeError(f"{len(failed)} of {len(specs)} runs failed: {first}")
    return pd.concat([c.runs for c in chunks if c.runs is not None], ignore_index=True)
