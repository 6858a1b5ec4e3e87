"""Names and low-level file steps of a results folder (shared by store and repair).

Kept apart from :mod:`sim.experiments.store` so the reader/writer class and the
self-checks (:mod:`sim.experiments.store_repair`) can share them without a cycle.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.outputs import json_text, write_text

TABLES = ("runs", "finals", "municipal", "status")
DATA_TABLES = TABLES[:-1]
PART_RE = re.compile(r"^part-(\d{6,})\.parquet$")
MANIFEST = "manifest.json"
DAMAGED = "damaged"


class StoreError(ValueError):
    """A results folder that cannot be used as asked (one line: folder, what, what to do)."""


def part_name(seq: int) -> str:
    """File name of part ``seq`` (zero-padded so names sort in writing order)."""
    return f"part-{seq:06d}.parquet"


def list_parts(folder: Path, table: str) -> list[Path]:
    """Part files of one table folder, in writing order (none if the folder is absent)."""
    d = folder / table
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if PART_RE.match(p.name))


def create_folder(folder: Path, manifest: dict[str, Any]) -> None:
    """Start a new results folder, or say in one line why ``folder`` cannot be one."""
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder}: is a file, not a folder; choose another --out")
    try:
        if folder.exists() and any(p.name != ".gitkeep" for p in folder.iterdir()):
            raise StoreError(
                f"{folder}: exists and is not an egov-sim results folder; choose another --out"
            )
        write_text(folder / MANIFEST, json_text(manifest))
    except OSError as exc:
        raise StoreError(
            f"{folder}: cannot create the results folder ({exc.strerror or exc}); "
            "choose another --out"
        ) from None


def read_part(part: Path, columns: list[str] | None, dictionary: list[str] | None) -> pa.Table:
    """Read one part; a damaged one is a one-line :class:`StoreError` naming it."""
    try:
        return pq.read_table(part, columns=columns, read_dictionary=dictionary)
    except (OSError, ValueError) as exc:
        text = " ".join(str(exc).split())[:160]
        raise StoreError(
            f"{part}: damaged ({text}); re-run the command that wrote {part.parent.parent} "
            f"to redo its runs, or see: egov-sim check {part.parent.parent}"
        ) from None
