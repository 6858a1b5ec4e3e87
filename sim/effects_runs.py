"""Runs behind the "Mechanism effects" table: arms × replicates, cached, paired.

Every arm of every row is a validated scenario; arms with the same content (the base
scenario is the low arm of most instrument rows) are run once. Replicate ``r`` of
every arm uses the same child seed of one root ``SeedSequence`` (common random
numbers, :func:`sim.experiments.specs.make_specs`), so the high − low difference of a
row is paired and its noise largely cancels.

Each arm's final values are cached in one JSON file named by a hash of what decides
them: the arm's validated content, replicates, seed, and a fingerprint of the model
code and data (``sim/model``, ``sim/instruments``, ``sim/experiments``, block and
country data). Editing one row re-runs only that row's arms; any change to the model
re-runs everything. Files are written atomically as arms finish, so an interrupted
generation resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.paired import paired_differences
from sim.effects_catalogue import METRICS
from sim.experiments.executors import open_executor
from sim.experiments.runner import run_chunk
from sim.experiments.scenario import Scenario
from sim.experiments.specs import content_hash, make_specs, scenario_content

SIM = Path(__file__).resolve().parent
FINGERPRINT_DIRS = ("model", "instruments", "experiments", "data")
FINGERPRINT_SKIP = ("effects.toml",)
KEPT = ("replicate", "quarters", *METRICS.values())


def code_fingerprint(root: Path = SIM) -> str:
    """Hash of the source and data files that decide a run's numbers (12 hex digits).

    The rows file itself is left out: a row's content enters its arms' keys instead,
    so editing one row does not invalidate the others.
    """
    digest = hashlib.sha256()
    for folder in FINGERPRINT_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in (".py", ".toml", ".csv", ".json") or "__pycache__" in path.parts:
                continue
            if path.name in FINGERPRINT_SKIP:
                continue
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def arm_key(scenario: Scenario, reps: int, seed: int, fingerprint: str) -> str:
    """Cache key of one arm: what determines its replicates' final values."""
    content = dict(scenario_content(scenario))
    content.pop("name", None)
    return content_hash([content, reps, seed, fingerprint])[:20]


@dataclass(frozen=True)
class ArmJob:
    """One arm to run: its scenario, replicates and seed, under its cache key."""

    key: str
    scenario: Scenario
    reps: int
    seed: int
    label: str = ""


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_cached(path: Path, job: ArmJob) -> pd.DataFrame | None:
    """The cached finals of an arm, or None if absent or not this arm's."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        record.get("key") != job.key
        or len(record.get("finals", {}).get("replicate", [])) != job.reps
    ):
        return None
    return pd.DataFrame(record["finals"])


def _run_arm(job: ArmJob) -> pd.DataFrame:
    """Run an arm's replicates in one worker task; a failed run fails the arm."""
    result = run_chunk(make_specs([job.scenario], job.reps, job.seed))
    if result.n_failed:
        failed = result.status[result.status["status"] == "failed"].iloc[0]
        where = job.label or f"arm {job.key}"
        raise RuntimeError(f"{where}: replicate {failed['replicate']} failed: {failed['error']}")
    finals = result.finals.sort_values("replicate").reset_index(drop=True)
    return finals[list(KEPT)]


def run_arms(
    jobs: Mapping[str, ArmJob],
    cache: Path,
    workers: int = 2,
    progress: Callable[[str], None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Final values of every arm, from the cache or by running it.

    Args:
        jobs: Arms by cache key.
        cache: Folder of the per-arm JSON files.
        workers: Worker processes (1 runs in this process).
        progress: Called with a short line as arms finish.

    Returns:
        ``key -> finals`` (columns :data:`KEPT`, one row per replicate).
    """
    out: dict[str, pd.DataFrame] = {}
    todo = []
    for key, job in jobs.items():
        cached = _load_cached(cache / f"{key}.json", job)
        if cached is None:
            todo.append(job)
        else:
            out[key] = cached
    if progress:
        progress(f"{len(jobs)} arms: {len(jobs) - len(todo)} cached, {len(todo)} to run")
    if not todo:
        return out
    kind = "serial" if workers <= 1 else "process"
    with open_executor(kind, max(workers, 1)) as pool:
        futures = {pool.submit(_run_arm, job): job for job in todo}
        for n, fut in enumerate(as_completed(futures), 1):
            job = futures[fut]
            finals = fut.result()
            record = {"key": job.key, "reps": job.reps, "seed": job.seed}
            record["finals"] = {c: finals[c].tolist() for c in finals.columns}
            write_atomic(cache / f"{job.key}.json", json.dumps(record, allow_nan=True))
            out[job.key] = finals
            if progress and (n % max(1, len(todo) // 10) == 0 or n == len(todo)):
                progress(f"  {n}/{len(todo)} arms run")
    return out


def paired_effect(low: pd.DataFrame, high: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Paired high − low differences of every metric, with 95% t CIs.

    Times to 50% adoption that are never reached are right-censored at the horizon
    (the run's number of quarters), as in the sensitivity analysis; the result
    records how many runs of each arm were censored.

    Returns:
        ``short metric name -> {mean, low, high, n, censored_low, censored_high}``.
    """
    frames = []
    censored = {}
    for label, arm in (("low", low), ("high", high)):
        frame = arm.copy()
        t50 = METRICS["t50"]
        missing = frame[t50].isna()
        censored[label] = int(missing.sum())
        frame[t50] = np.where(missing, frame["quarters"], frame[t50])
        frame["scenario"], frame["point"] = label, 0
        frames.append(frame)
    table = paired_differences(pd.concat(frames, ignore_index=True), "low", list(METRICS.values()))
    result = {}
    for short, column in METRICS.items():
        row = table[table["metric"] == column].iloc[0]
        result[short] = {
            "mean": float(row["mean_diff"]),
            "low": float(row["ci_low"]),
            "high": float(row["ci_high"]),
            "n": int(row["n_pairs"]),
        }
    result["t50"].update(censored_low=censored["low"], censored_high=censored["high"])
    return result
