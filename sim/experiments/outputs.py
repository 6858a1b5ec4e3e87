"""Write a batch's result folder atomically: runs, summaries, manifest and figure.

Every file is written to a dot-prefixed temporary name in the same folder, flushed
to disk and renamed over the final name (TOOLCHAIN.md, Parquet results). A reader
therefore sees either the previous complete file or the new complete file, never a
half-written one, even if the writer is killed; and the dot prefix keeps
``pyarrow.dataset`` from picking up temporaries when it reads the folder.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis.plots import DPI, plot_adoption
from sim.analysis.summary import summarise
from sim.experiments import provenance
from sim.experiments.runner import RunSpec

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.experiments.scenario import Scenario


@dataclass(frozen=True)
class OutputPaths:
    """Where one batch's files are."""

    folder: Path
    runs: Path
    summary: Path
    finals: Path
    manifest: Path
    figure: Path

    @classmethod
    def under(cls, folder: str | Path) -> OutputPaths:
        """The standard layout of a result folder."""
        d = Path(folder)
        return cls(
            d,
            d / "runs.parquet",
            d / "summary.csv",
            d / "finals.csv",
            d / "manifest.json",
            d / "figures" / "adoption.png",
        )


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary sibling path; on success fsync it and rename it to ``path``.

    On any error the temporary file is removed and ``path`` is left untouched.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(final.parent)


def _fsync_dir(folder: Path) -> None:
    """Persist the rename itself (best effort: not every platform can open folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: str | Path, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` atomically."""
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Write a UTF-8 text file atomically."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save_figure(fig: Figure, path: Path) -> None:
    """Save a figure as PNG atomically (format given: the temporary name has no .png)."""
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=DPI, format="png"))


def scenario_record(scenario: Scenario) -> dict[str, Any]:
    """What the manifest keeps about one scenario: file, hash, overrides and content."""
    return scenario.to_dict()


def build_manifest(
    scenarios: Sequence[Scenario],
    specs: Sequence[RunSpec],
    *,
    reps: int,
    root_seed: int,
    started: float,
    finished: float,
    command: Sequence[str],
    files: OutputPaths,
) -> dict[str, Any]:
    """Everything needed to re-run the batch and to judge whether it can be trusted.

    Times are Unix seconds; they are written both raw and as ISO-8601 UTC.
    """
    keys = {s.replicate: s.seed_key for s in specs}
    return {
        "kind": "egov-sim run",
        "command": list(command),
        "reps": reps,
        "root_seed": root_seed,
        "seed_keys": [keys[r] for r in sorted(keys)],
        "n_runs": len(specs),
        "scenarios": [scenario_record(s) for s in scenarios],
        "started": _iso(started),
        "finished": _iso(finished),
        "wall_time_s": round(finished - started, 3),
        "files": {k: str(Path(v).relative_to(files.folder)) for k, v in _file_map(files).items()},
        **provenance.collect(),
    }


def _file_map(files: OutputPaths) -> dict[str, Path]:
    return {
        "runs": files.runs,
        "summary": files.summary,
        "finals": files.finals,
        "figure": files.figure,
    }


def _iso(t: float) -> str:
    return pd.Timestamp(t, unit="s", tz="UTC").isoformat()


def write_results(
    folder: str | Path, runs: pd.DataFrame, finals: pd.DataFrame, manifest: dict[str, Any]
) -> OutputPaths:
    """Write runs.parquet, summary.csv, finals.csv, the figure, then manifest.json.

    The manifest goes last: its presence marks a complete folder.

    Returns:
        The paths written.
    """
    files = OutputPaths.under(folder)
    write_atomic(files.runs, lambda tmp: runs.to_parquet(tmp, index=False))
    summary = summarise(runs)
    write_atomic(files.summary, lambda tmp: summary.to_csv(tmp, index=False))
    write_atomic(files.finals, lambda tmp: finals.to_csv(tmp, index=False))
    plot_adoption(summary, files.figure, save=save_figure)
    text = json.dumps(_finite(manifest), indent=2, default=_json_default, allow_nan=False)
    write_text(files.manifest, text + "\n")
    return files


def json_text(obj: Any) -> str:
    """Strict, indented JSON (NaN and infinities as ``null``), ending in a newline."""
    return json.dumps(_finite(obj), indent=2, default=_json_default, allow_nan=False) + "\n"


def _finite(obj: Any) -> Any:
    """Replace NaN and infinities by ``None``: strict JSON has no NaN, and readers choke."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _json_default(obj: Any) -> Any:
    """Make numpy scalars, paths, tuples-in-sets and the like JSON-friendly."""
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    return str(obj)
