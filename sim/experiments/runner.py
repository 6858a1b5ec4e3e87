"""Worker side of a batch: run specs, tabulate them, record failures without stopping.

Everything here runs inside worker processes (or in this process for the serial
executor), so it is top-level and picklable, and it returns plain tables: the parent
writes them. A worker task is a *chunk* of runs, because runs of a few milliseconds
would be swamped by inter-process traffic (docs/architecture.md, toolchain facts).

A run that raises is caught, recorded with its error and traceback, and the chunk
goes on: one bad parameter combination in a 10,000-run sweep must not cost the other
9,999. ``KeyboardInterrupt`` and ``SystemExit`` are not caught.
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.experiments.allocator import tune_for_model
from sim.experiments.specs import RunSpec, canonical_json, make_specs
from sim.model.metrics import metric_names
from sim.model.model import EGovModel
from sim.model.state import ADOPTED

if TYPE_CHECKING:
    from sim.experiments.scenario import Scenario

__all__ = ["RunSpec", "make_specs", "run_one", "run_chunk", "run_summaries"]

RUN_ID_COLUMNS = ("run_key", "scenario", "point", "replicate", "seed", "seed_key")
ID_COLUMNS = (*RUN_ID_COLUMNS, "quarter")
STATUS_COLUMNS = (*RUN_ID_COLUMNS, "status", "error", "traceback", "seconds")
THRESHOLDS = (0.5, 0.9)
TRACEBACK_CHARS = 4000


@dataclass
class RunOutput:
    """One finished run as arrays: metric series, final row, municipal shares.

    Tables are built once per chunk (:func:`run_chunk`), not once per run: building
    a small DataFrame costs about as much as a tenth of a Denmark run.
    """

    ids: dict[str, Any]
    data: dict[str, np.ndarray]
    final: dict[str, Any]
    municipal: dict[str, np.ndarray] | None

    @property
    def runs(self) -> pd.DataFrame:
        """The quarterly table: :data:`ID_COLUMNS`, then every metric."""
        return runs_frame([self])

    @property
    def municipal_frame(self) -> pd.DataFrame | None:
        """Per-municipality table, or ``None`` when not recorded."""
        return municipal_frame([self]) if self.municipal is not None else None


@dataclass
class ChunkResult:
    """What a worker sends back for a chunk: data of finished runs, status of every run."""

    runs: pd.DataFrame | None
    finals: pd.DataFrame | None
    municipal: pd.DataFrame | None
    status: pd.DataFrame

    @property
    def n_failed(self) -> int:
        """Runs of the chunk that raised."""
        return int((self.status["status"] == "failed").sum())


_POINT_CACHE: dict[str, Scenario] = {}
_POINT_CACHE_SIZE = 32


def scenario_for(spec: RunSpec) -> Scenario:
    """The spec's scenario with its design point's values applied (validated).

    Re-validating costs a few milliseconds; a chunk holds consecutive replicates of
    the same point, so a small per-process cache keyed by content makes it once per
    point and worker.
    """
    if not spec.values:
        return spec.scenario
    from sim.experiments.design import apply_point

    key = canonical_json([spec.scenario_hash, spec.scenario_name, spec.values])
    cached = _POINT_CACHE.get(key)
    if cached is None:
        cached = apply_point(spec.scenario, dict(spec.values))
        if len(_POINT_CACHE) >= _POINT_CACHE_SIZE:
            _POINT_CACHE.pop(next(iter(_POINT_CACHE)))
        _POINT_CACHE[key] = cached
    return cached


def _ids(spec: RunSpec) -> dict[str, Any]:
    return {
        "run_key": spec.key,
        "scenario": spec.scenario_name,
        "point": spec.point,
        "replicate": spec.replicate,
        "seed": spec.root_entropy,
        "seed_key": spec.seed_key,
    }


def run_one(spec: RunSpec, municipal: bool = False) -> RunOutput:
    """Build, run and tabulate one model.

    The model is dropped before returning, so a long batch holds only tables.

    Args:
        spec: The run.
        municipal: Also return each municipality's final adoption and local shares
            (what maps are drawn from); off by default to keep outputs aggregate.

    Returns:
        The quarterly table (columns :data:`ID_COLUMNS` then every metric of
        :func:`sim.model.metrics.metric_names`), the final row (see
        :func:`final_row`) and the municipal table or ``None``.
    """
    sc = scenario_for(spec)
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=spec.fresh_seed())
    tune_for_model(model)  # only where an entry point opted in (CLI, pool workers)
    model.run()
    names = metric_names(sc.catalogue)
    data = {name: np.asarray(model.datacollector.model_vars[name], dtype=float) for name in names}
    mun = None
    if municipal:
        st = model.state
        mun = {"adoption": (st.status == ADOPTED).mean(axis=1), "local": st.local.mean(axis=1)}
    del model
    ids = _ids(spec)
    return RunOutput(ids, data, final_row(data, ids, spec.values), mun)


def _ids_columns(outputs: Sequence[RunOutput], lengths: Sequence[int]) -> dict[str, Any]:
    """Identifier columns repeated per row (strings built once, as Arrow-backed arrays)."""
    cols: dict[str, Any] = {}
    for key in RUN_ID_COLUMNS:
        values = [o.ids[key] for o in outputs]
        if isinstance(values[0], str):
            cols[key] = pd.array(np.repeat(np.array(values, dtype=object), lengths), dtype="str")
        else:
            cols[key] = np.repeat(np.array(values, dtype=np.int64), lengths)
    return cols


def runs_frame(outputs: Sequence[RunOutput]) -> pd.DataFrame:
    """Quarterly rows of several runs (same metrics) as one table."""
    lengths = [len(next(iter(o.data.values()))) if o.data else 0 for o in outputs]
    cols = _ids_columns(outputs, lengths)
    cols["quarter"] = np.concatenate([np.arange(n, dtype=np.int64) for n in lengths])
    for name in outputs[0].data:
        cols[name] = np.concatenate([o.data[name] for o in outputs])
    return pd.DataFrame(cols)


def municipal_frame(outputs: Sequence[RunOutput]) -> pd.DataFrame:
    """Per-municipality rows of several runs as one table."""
    lengths = [len(o.municipal["adoption"]) for o in outputs]
    cols = _ids_columns(outputs, lengths)
    cols["municipality"] = np.concatenate([np.arange(n, dtype=np.int64) for n in lengths])
    for name in ("adoption", "local"):
        cols[name] = np.concatenate([o.municipal[name] for o in outputs])
    return pd.DataFrame(cols)


def _first_reaching(values: np.ndarray, threshold: float) -> float:
    """First quarter index at which ``values`` reaches ``threshold``; NaN if never."""
    hit = np.flatnonzero(values >= threshold)
    return float(hit[0]) if hit.size else math.nan


def final_row(
    data: Mapping[str, np.ndarray], ids: dict[str, Any], values: Sequence[tuple[str, Any]] = ()
) -> dict[str, Any]:
    """One run's final values, times to 50 % / 90 % adoption and design values.

    Times ``t50_<m>`` / ``t90_<m>`` are the first quarter at which municipal adoption
    ``<m>`` (overall and per block) reaches 50 % / 90 %, NaN if it never does; they
    summarise *speed* of diffusion, which final values alone hide. Design point
    values are added as columns named by their key path, so a sweep's finals table
    is all a sensitivity analysis needs.

    Args:
        data: One run's metric series (quarter order), metric name -> array.
        ids: The run's identifier columns (:data:`RUN_ID_COLUMNS`).
        values: The design point's ``(key path, value)`` pairs.
    """
    row: dict[str, Any] = dict(ids)
    row["quarters"] = len(next(iter(data.values()))) if data else 0
    row.update({m: float(series[-1]) for m, series in data.items()})
    for m, series in data.items():
        if m == "adoption_mun" or m.startswith("adoption_mun__"):
            for t in THRESHOLDS:
                row[f"t{round(t * 100)}_{m}"] = _first_reaching(series, t)
    for key, value in values:
        row[key] = value
    return row


def run_chunk(specs: Sequence[RunSpec], municipal: bool = False) -> ChunkResult:
    """Run several specs in one worker task; a run that raises is recorded, not fatal."""
    outputs, status = [], []
    for spec in specs:
        started = time.perf_counter()
        try:
            out = run_one(spec, municipal)
        except Exception as exc:  # noqa: BLE001 - recorded with its traceback, batch goes on
            tb = "".join(traceback.format_exception(exc))[-TRACEBACK_CHARS:]
            error = f"{type(exc).__name__}: {exc}"
            status.append({**_ids(spec), "status": "failed", "error": error, "traceback": tb})
        else:
            outputs.append(out)
            status.append({**_ids(spec), "status": "ok", "error": "", "traceback": ""})
        status[-1]["seconds"] = time.perf_counter() - started
    if not outputs:
        return ChunkResult(None, None, None, _status_frame(status))
    return ChunkResult(
        runs_frame(outputs),
        _finals_frame([o.final for o in outputs]),
        municipal_frame(outputs) if municipal else None,
        _status_frame(status),
    )


def _finals_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    return out.astype({"scenario": "str", "seed_key": "str", "run_key": "str"})


def _status_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(STATUS_COLUMNS))
    text = ("run_key", "scenario", "seed_key", "status", "error", "traceback")
    return out.astype(
        {**dict.fromkeys(text, "str"), "point": "int64", "replicate": "int64", "seed": "int64"}
    )


def run_summaries(runs: pd.DataFrame) -> pd.DataFrame:
    """One final row per run of an in-memory quarterly table (see :func:`final_row`)."""
    rows = []
    for _, run in runs.groupby("run_key", sort=False):
        run = run.sort_values("quarter").reset_index(drop=True)
        first = run.iloc[0]
        ids = {c: first[c] for c in RUN_ID_COLUMNS}
        ids.update({c: int(ids[c]) for c in ("point", "replicate", "seed")})
        metrics = [c for c in run.columns if c not in ID_COLUMNS]
        rows.append(final_row({m: run[m].to_numpy(dtype=float) for m in metrics}, ids))
    return _finals_frame(rows)
