"""An experiment: scenarios × design points × replicates, run into a results store.

This is what ``egov-sim compare | sweep | sensitivity`` and the Python API call. It
plans the runs (with common random numbers), opens or resumes the results folder,
skips finished runs, executes the rest on the chosen executor, and keeps the
manifest true at every moment: a session is recorded as ``running`` before the first
run and as ``complete``, ``interrupted`` or ``failed`` after the last, with the
status and wall time of every run.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.errors import UsageError
from sim.experiments import provenance
from sim.experiments.engine import execute
from sim.experiments.executors import check_address, check_kind, default_workers, open_executor
from sim.experiments.runner import run_chunk
from sim.experiments.specs import RunSpec, content_hash, iter_specs, scenario_content, seed_keys
from sim.experiments.store import ResultsStore

if TYPE_CHECKING:
    from sim.experiments.scenario import Scenario

KINDS = ("compare", "sweep", "sensitivity")
MAX_RUNS = 1_000_000
"""Runs per experiment accepted without ``--allow-large``: ~17 core-hours of Denmark."""
CORE_SECONDS_PER_RUN = 0.06
"""A 60-quarter Denmark run through the batch engine, one core: measured 0.043 s on an
idle 2-core machine (benchmarks/README.md, 47 runs/s with 2 workers), rounded up."""
BYTES_PER_RUN = 16_400
"""Disk per Denmark run (60 quarters, municipal finals kept, 500-run parts): measured
over 20,000 runs by benchmarks/memory_batch.py."""
SEED_KEYS_LISTED = 10_000
"""Up to this many replicates the manifest lists every seed label."""


@dataclass(frozen=True)
class Experiment:
    """What to run; everything that decides the numbers, nothing about where or how.

    Attributes:
        kind: ``"compare"``, ``"sweep"`` or ``"sensitivity"`` (labels the manifest).
        scenarios: Validated base scenarios, in output order; names must be unique.
        reps: Replicates per scenario and point.
        seed: Root seed of the experiment's ``SeedSequence``.
        points: Design points (``key path -> value``); one empty point by default.
        design: The design's JSON-able record (sampler settings), if any.
        municipal: Also store per-municipality finals (for maps).
        name: A label for reports.
    """

    kind: str
    scenarios: tuple[Scenario, ...]
    reps: int
    seed: int
    points: tuple[Mapping[str, Any], ...] = ({},)
    design: Mapping[str, Any] | None = None
    municipal: bool = False
    name: str = ""
    _hashes: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind = {self.kind!r} is not allowed; expected one of {KINDS}")
        names = [s.name for s in self.scenarios]
        if not names:
            raise ValueError("scenarios = [] is not allowed; expected at least one scenario")
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(
                f"scenario names {dupes} appear twice; expected unique names "
                "(set [scenario] name = ... in one of the files)"
            )
        hashes = tuple(content_hash(scenario_content(s)) for s in self.scenarios)
        object.__setattr__(self, "_hashes", hashes)

    @property
    def n_runs(self) -> int:
        """Scenarios × design points × replicates."""
        return len(self.scenarios) * len(self.points) * self.reps

    def specs(self) -> list[RunSpec]:
        """Every run, ordered by scenario, point, replicate (see :func:`make_specs`)."""
        return list(self.iter_specs())

    def iter_specs(self) -> Iterator[RunSpec]:
        """The runs of :meth:`specs`, one at a time (what batches use)."""
        return iter_specs(self.scenarios, self.reps, self.seed, self.points)

    def check_size(self, allow_large: bool = False) -> None:
        """Refuse more than :data:`MAX_RUNS` runs unless allowed, with what they would cost.

        A mistyped ``--reps 100000000000`` should stop at once with the bill, not
        fill the memory planning it or the disk running it.
        """
        n = self.n_runs
        if n <= MAX_RUNS or allow_large:
            return
        hours = n * CORE_SECONDS_PER_RUN / 3600
        tb = n * BYTES_PER_RUN / 1e12
        raise UsageError(
            f"{n:,} runs ({len(self.scenarios)} scenarios × {len(self.points):,} points × "
            f"{self.reps:,} reps) exceed the limit of {MAX_RUNS:,} runs per experiment: about "
            f"{hours:,.0f} core-hours and {tb:,.2f} TB on disk at the measured "
            f"{CORE_SECONDS_PER_RUN} core-s and {BYTES_PER_RUN // 1000} kB per Denmark run; "
            "lower --reps or the design, or pass --allow-large to run it anyway"
        )

    def record(self) -> dict[str, Any]:
        """The manifest's ``experiment`` section, with the identity hash used by resume."""
        core = {
            "scenario_names": [s.name for s in self.scenarios],
            "scenario_hashes": list(self._hashes),
            "points": [dict(p) for p in self.points],
            "reps": self.reps,
            "root_seed": self.seed,
            "municipal": self.municipal,
        }
        return {
            "identity": content_hash(core),
            "kind": self.kind,
            "name": self.name,
            **core,
            "n_points": len(self.points),
            "n_runs": self.n_runs,
            "seed_key_pattern": f"{self.seed}/<replicate>",
            "seed_keys": seed_keys(self.seed, min(self.reps, SEED_KEYS_LISTED)),
            "design": None if self.design is None else dict(self.design),
        }


@dataclass(frozen=True)
class RunOptions:
    """How and where to run; never changes the numbers.

    ``task`` is the worker function; only benchmarks change it (to time the engine
    with a stand-in for the model).
    """

    executor: str = "process"
    workers: int | None = None
    address: str | None = None
    resume: bool | None = None
    progress: bool = True
    chunk: int | None = None
    command: Sequence[str] = ()
    task: Callable[..., Any] = run_chunk
    allow_large: bool = False


def run_experiment(
    experiment: Experiment, out: str | Path, options: RunOptions | None = None
) -> ResultsStore:
    """Run (or finish) an experiment into ``out`` and return its store.

    Re-running the same experiment into the same folder resumes it: runs that
    finished are skipped, failed runs are retried. A different experiment in that
    folder is refused (see :meth:`ResultsStore.open`).
    """
    opts = options or RunOptions()
    check_kind(opts.executor)
    check_address(opts.address)
    experiment.check_size(opts.allow_large)
    store, resumed = ResultsStore.open(out, _new_manifest(experiment, opts), opts.resume)
    done = store.done_keys()
    todo = (s for s in experiment.iter_specs() if s.key not in done)
    n_todo = max(experiment.n_runs - len(done), 0)  # done keys are this experiment's
    manifest = store.manifest
    session = _session(opts, resumed, skipped=experiment.n_runs - n_todo)
    if store.repaired:
        session["repaired"] = [d.line() for d in store.repaired]
    manifest.setdefault("sessions", []).append(session)
    store.write_manifest(manifest)
    started = time.time()
    status = "failed"
    try:
        if n_todo:
            workers = opts.workers or default_workers()
            kind = "serial" if workers == 1 and opts.executor == "process" else opts.executor
            with open_executor(kind, workers, opts.address) as ex:
                stats = execute(
                    todo,
                    ex,
                    store.write_chunk,
                    total=n_todo,
                    workers=workers,
                    chunk=opts.chunk,
                    municipal=experiment.municipal,
                    progress=opts.progress,
                    desc=experiment.name or experiment.kind,
                    task=opts.task,
                )
            session.update(ran=stats.finished, failed=stats.failed)
        status = "complete"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        _close_session(store, session, status, started, experiment.n_runs)
    return store


def _new_manifest(experiment: Experiment, opts: RunOptions) -> dict[str, Any]:
    return {
        "kind": "egov-sim experiment",
        "command": list(opts.command),
        "experiment": experiment.record(),
        "scenarios": [s.to_dict() for s in experiment.scenarios],
        "layout": {
            "runs": "runs/part-*.parquet (run x quarter)",
            "finals": "finals/part-*.parquet (run)",
            "municipal": "municipal/part-*.parquet (run x municipality)",
            "status": "status/part-*.parquet (attempt; written last per chunk)",
        },
        "created": _iso(time.time()),
        **provenance.collect(),
    }


def _session(opts: RunOptions, resumed: bool, skipped: int) -> dict[str, Any]:
    git = provenance.git_state()
    return {
        "started": _iso(time.time()),
        "status": "running",
        "resumed": resumed,
        "skipped_finished": skipped,
        "executor": opts.executor,
        "workers": opts.workers or default_workers(),
        "address": opts.address,
        "command": list(opts.command),
        "git": git,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "ran": 0,
        "failed": 0,
    }


def _close_session(
    store: ResultsStore, session: dict[str, Any], status: str, started: float, total: int
) -> None:
    """Record how the session ended and every run's latest status, atomically."""
    manifest = store.manifest
    session.update(status=status, finished=_iso(time.time()))
    session["wall_time_s"] = round(time.time() - started, 3)
    table = store.status()
    ok = int((table["status"] == "ok").sum()) if len(table) else 0
    failed = int((table["status"] == "failed").sum()) if len(table) else 0
    manifest["runs"] = {"total": total, "ok": ok, "failed": failed, "pending": total - ok - failed}
    manifest["run_status"] = _status_columns(table)
    manifest["complete"] = ok + failed == total
    store.write_manifest(manifest)


def _status_columns(table: pd.DataFrame) -> dict[str, list[Any]]:
    """Per-run status as columns (compact JSON even at 100,000 runs)."""
    if not len(table):
        return {}
    cols = ["run_key", "scenario", "point", "replicate", "seed_key", "status", "seconds", "error"]
    out = {c: table[c].tolist() for c in cols if c in table}
    if "seconds" in out:
        out["seconds"] = [round(float(s), 4) for s in out["seconds"]]
    return out


def _iso(t: float) -> str:
    return pd.Timestamp(t, unit="s", tz="UTC").isoformat()
