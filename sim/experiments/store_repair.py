"""Self-checks and repairs of a results folder, for :class:`~sim.experiments.store.ResultsStore`.

:func:`verify` finds damaged or missing parts (checksums, row counts, runs the
manifest recorded that no status part holds); :func:`prepare_to_write` is what a
resume does before its first run: delete uncommitted parts and temporaries of killed
writes, move damaged chunks under ``damaged/`` (their runs are then simply redone),
and mark sessions whose process died as ``interrupted``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim.experiments import integrity
from sim.experiments.integrity import Damage
from sim.experiments.store_layout import DAMAGED, DATA_TABLES, MANIFEST, PART_RE, TABLES

if TYPE_CHECKING:
    from sim.experiments.store import ResultsStore


def prepare_to_write(store: ResultsStore) -> list[Damage]:
    """Clean and repair a folder about to be resumed; return the damage set aside.

    Damage is found first, so a chunk whose status part was lost is named (and its
    data parts kept under ``damaged/``) rather than deleted as a killed write's orphan.
    """
    damage = verify(store)
    for name in sorted({d.part.name for d in damage if PART_RE.match(d.part.name)}):
        set_aside(store.folder, name)
    for part in store.orphans():
        part.unlink()
    committed = {integrity.sidecar(store.folder, n) for n in store.committed()}
    for extra in _sidecars(store.folder) - committed:
        extra.unlink()
    for tmp in integrity.temp_files(store.folder, TABLES):
        tmp.unlink(missing_ok=True)
    for session in integrity.stale_sessions(store.manifest):
        session["status"] = "interrupted"
        session["note"] = "its process ended without closing the session (killed?)"
    return damage


def verify(store: ResultsStore, names: Sequence[str] | None = None) -> list[Damage]:
    """Damaged or missing parts of every committed chunk (or of ``names`` only)."""
    municipal = bool(store.manifest.get("experiment", {}).get("municipal"))
    damage = []
    for name in store.committed() if names is None else names:
        damage += integrity.check_chunk(store.folder, name, DATA_TABLES, municipal)
    unreadable = any(d.part.parent.name in ("status", integrity.CHECKSUMS) for d in damage)
    if names is None and not unreadable:  # runs of an unreadable status part are unknown
        lost = lost_runs(store)
        if lost:
            names = sorted({p.name for p in store.orphans()}) or ["part-*.parquet"]
            reason = f"missing ({MANIFEST} records {lost} finished runs no status part holds)"
            damage += [Damage(store.folder / "status" / n, reason) for n in names]
    return damage


def lost_runs(store: ResultsStore) -> int:
    """Runs the manifest recorded as finished that no status part holds (deleted parts).

    Runs of chunks found damaged otherwise are not counted again: their status parts
    still hold them.
    """
    recorded = store.manifest.get("run_status", {})
    pairs = zip(recorded.get("run_key", []), recorded.get("status", []), strict=False)
    ok = {k for k, s in pairs if s == "ok"}
    return len(ok - store.done_keys()) if ok else 0


def set_aside(folder: Path, name: str) -> None:
    """Move every part of a damaged chunk under ``damaged/`` (its runs are redone)."""
    side = integrity.sidecar(folder, name)
    for table in (*TABLES, integrity.CHECKSUMS):
        part = side if table == integrity.CHECKSUMS else folder / table / name
        if part.is_file():
            target = folder / DAMAGED / table / part.name
            target.parent.mkdir(parents=True, exist_ok=True)
            part.replace(target)


def _sidecars(folder: Path) -> set[Path]:
    d = folder / integrity.CHECKSUMS
    return set(d.glob("part-*.json")) if d.is_dir() else set()
