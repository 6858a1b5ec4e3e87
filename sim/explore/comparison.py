"""Two scenarios side by side: one run each on a shared seed, or a batch of replicates.

Nothing here is new analysis. A pair is two :class:`~sim.model.model.EGovModel` runs
from the same seed, so (the model keeps one random stream per stage) their difference
is the instruments' effect on that one history. A batch goes through the experiment
engine (:func:`sim.experiments.engine.execute`, common random numbers from
:func:`sim.experiments.specs.make_specs`) and is reduced with the analysis layer's
bands and paired differences, exactly as ``egov-sim compare`` reduces it; it is kept
in memory, so the page shows the ``egov-sim compare`` command that keeps it on disk.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from sim.analysis.paired import paired_differences, paired_series
from sim.analysis.summary import summarise
from sim.experiments.engine import execute
from sim.experiments.executors import open_executor
from sim.experiments.runner import ChunkResult
from sim.experiments.scenario import Scenario
from sim.experiments.specs import make_specs
from sim.model.model import EGovModel

#: Metrics offered in the compare and batch tabs (column -> label); blocks are added.
METRICS = {
    "adoption_mun": "Municipal adoption (share of blocks)",
    "adoption_pop": "Population coverage",
    "adoption_regional": "Regional adoption",
    "platforms_live": "National platforms live",
    "fragmentation": "Fragmentation (local solutions)",
    "trust_mc": "Trust: municipal → central",
    "trust_rc": "Trust: regional → central",
    "sow_harvest": "Sow–harvest gap (municipal)",
}


def metric_choices(blocks: Sequence[str]) -> dict[str, str]:
    """Label -> column of every metric offered, per-block adoption included."""
    out = {label: column for column, label in METRICS.items()}
    out.update({f"Adoption: {b.replace('_', ' ')}": f"adoption_mun__{b}" for b in blocks})
    return out


def distinct_names(scenarios: Sequence[Scenario]) -> list[Scenario]:
    """The scenarios with unique names (outputs are keyed by name): ``name_2`` and so on."""
    seen: set[str] = set()
    out = []
    for sc in scenarios:
        name, k = sc.name, 2
        while name in seen:
            name, k = f"{sc.name}_{k}", k + 1
        seen.add(name)
        out.append(sc if name == sc.name else dataclasses.replace(sc, name=name))
    return out


def run_pair(first: Scenario, second: Scenario, seed: int) -> pd.DataFrame:
    """Run both scenarios once from ``seed``: rows ``scenario, quarter`` and every output."""
    frames = []
    for sc in distinct_names([first, second]):
        model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=seed)
        model.run()
        df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "quarter", range(len(df)))
        df.insert(0, "scenario", sc.name)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def final_values(series: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Last quarter's value of ``metric`` per scenario (the table beside the figure)."""
    last = series.groupby("scenario", sort=False).tail(1)
    return last[["scenario", "quarter", metric]].reset_index(drop=True)


@dataclass(frozen=True)
class BatchResult:
    """A finished batch in memory: quarterly runs and one final row per run."""

    runs: pd.DataFrame
    finals: pd.DataFrame
    baseline: str
    reps: int
    seed: int


def run_batch(
    scenarios: Sequence[Scenario],
    reps: int,
    seed: int,
    workers: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """``reps`` replicates of each scenario through the engine, common random numbers.

    Args:
        scenarios: Baseline first (paired differences are against it).
        reps: Replicates per scenario.
        seed: Root seed (replicate ``r`` gets the same child seed in every scenario).
        workers: 1 runs in this process; more starts a spawn process pool.
        on_progress: Called as ``on_progress(done, total)`` after each finished chunk.

    Raises:
        RuntimeError: a run failed (the message names the first failure).
    """
    scenarios = distinct_names(scenarios)
    specs = make_specs(scenarios, reps, seed)
    results: dict[int, ChunkResult] = {}
    done = 0

    def sink(index: int, chunk: list, result: ChunkResult) -> None:
        nonlocal done
        results[index] = result
        done += len(chunk)
        if on_progress is not None:
            on_progress(done, len(specs))

    kind = "serial" if workers <= 1 else "process"
    with open_executor(kind, workers) as ex:
        execute(specs, ex, sink, workers=workers, progress=False)
    chunks = [results[i] for i in sorted(results)]
    status = pd.concat([c.status for c in chunks], ignore_index=True)
    failed = status[status["status"] == "failed"]
    if len(failed):
        row = failed.iloc[0]
        raise RuntimeError(f"{len(failed)} runs failed; first: {row['scenario']}: {row['error']}")
    runs = pd.concat([c.runs for c in chunks if c.runs is not None], ignore_index=True)
    finals = pd.concat([c.finals for c in chunks if c.finals is not None], ignore_index=True)
    return BatchResult(runs, finals, scenarios[0].name, reps, seed)


def batch_tables(
    result: BatchResult, metric: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Bands by scenario × quarter, paired difference by quarter, and the final difference."""
    summary = summarise(result.runs, metrics=[metric])
    series = paired_series(result.runs, result.baseline, metric)
    final = paired_differences(result.finals, result.baseline, [metric])
    return summary, series, final
