"""Self-checks of a results folder: part checksums, row counts, leftovers.

Every chunk's status part (its commit mark, written last) carries, in its Parquet
key-value metadata, the SHA-256, byte size and row count of each data part written
for the chunk. A part cut short by a full disk, a copy that stopped half-way or a
flipped bit therefore no longer matches its record, and the whole chunk is known to
be damaged: resume moves its parts aside (under ``damaged/``) and redoes its runs,
and readers refuse it with one line naming the part. The status part itself is
written with Parquet page checksums and read back in full, so its own damage shows
as a read error.

Folders written before checksums existed have status parts without the record:
their data parts are verified by reading them completely (a truncated or corrupt
Parquet file fails to parse) and by expecting ``runs`` and ``finals`` parts for any
chunk with a finished run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

PARTS_KEY = b"egov_sim.parts"
"""Status-part metadata key holding ``{table: {"sha256", "bytes", "rows"}}``."""
TEMP_RE = re.compile(r"^\..+\.[0-9a-f]{32}\.tmp$")
"""Temporaries of :func:`sim.experiments.outputs.atomic_path` (dot, name, uuid, .tmp)."""
HASH_BLOCK = 1 << 20
CHECKSUMS = "checksums"


@dataclass(frozen=True)
class Damage:
    """One damaged or missing part and why it failed its check."""

    part: Path
    reason: str

    def line(self) -> str:
        """``<path>: <reason>`` as printed by ``egov-sim check`` and in errors."""
        return f"{self.part}: {self.reason}"


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (parts can be hundreds of MB)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


def part_record(path: Path, rows: int) -> dict[str, Any]:
    """What a status part records of one data part: checksum, size, rows."""
    return {"sha256": file_digest(path), "bytes": path.stat().st_size, "rows": int(rows)}


def encode_records(records: dict[str, dict[str, Any]]) -> dict[bytes, bytes]:
    """Schema metadata for a status part carrying its chunk's part records."""
    return {PARTS_KEY: json.dumps(records, sort_keys=True).encode("utf-8")}


def read_status(part: Path) -> tuple[dict[str, dict[str, Any]] | None, int]:
    """Read a status part fully (page checksums verified); return its records and ok runs.

    Raises:
        OSError | ValueError: The part is unreadable (pyarrow's errors are both).
    """
    table = pq.read_table(part, page_checksum_verification=True)
    meta = table.schema.metadata or {}
    raw = meta.get(PARTS_KEY)
    records = None if raw is None else json.loads(raw.decode("utf-8"))
    ok = 0 if "status" not in table.column_names else _count_ok(table["status"].to_pylist())
    return records, ok


def _count_ok(values: Iterable[Any]) -> int:
    return sum(1 for v in values if v == "ok")


def check_part(path: Path, record: dict[str, Any] | None) -> str | None:
    """Why ``path`` fails its check, or ``None`` when it is intact.

    With a record: size, then checksum (cheap to expensive). Without one (a folder
    from before checksums): a full read, and the row count from the footer.
    """
    if not path.is_file():
        return "missing"
    if record is None:
        return _readable(path)
    size = path.stat().st_size
    if size != record.get("bytes", size):
        return f"{size} bytes, expected {record['bytes']} (cut short or overwritten)"
    if file_digest(path) != record.get("sha256"):
        return "checksum (sha256) does not match the one recorded when it was written"
    return None


def _readable(path: Path) -> str | None:
    try:
        pq.read_table(path)
    except (OSError, ValueError) as exc:
        return f"unreadable Parquet ({_short(exc)})"
    return None


def check_chunk(folder: Path, name: str, tables: Iterable[str], municipal: bool) -> list[Damage]:
    """Check one committed chunk: its status part, then each data part it recorded.

    Args:
        folder: The results folder.
        name: The chunk's part file name (``part-000005.parquet``).
        tables: Data tables of the layout (``runs``, ``finals``, ``municipal``).
        municipal: Whether the experiment records municipal parts (legacy check).
    """
    status = folder / "status" / name
    own = status_record(folder, name)
    if isinstance(own, str):
        return [Damage(sidecar(folder, name), own)]
    reason = None if own is None else check_part(status, own)
    if reason:
        return [Damage(status, reason)]
    try:
        records, ok = read_status(status)
    except (OSError, ValueError) as exc:
        return [Damage(status, f"unreadable status part ({_short(exc)})")]
    damage = []
    for table in tables:
        path = folder / table / name
        if records is not None:
            record = records.get(table)
            if record is None:
                if path.is_file():  # written but never recorded: cannot be trusted
                    damage.append(Damage(path, "not recorded in its status part"))
                continue
        else:
            record = None
            expected = ok > 0 and (table != "municipal" or municipal)
            if not expected and not path.is_file():
                continue
        reason = check_part(path, record)
        if reason:
            damage.append(Damage(path, reason))
    return damage


def sidecar(folder: Path, name: str) -> Path:
    """``checksums/<part>.json``: the status part's own record, written after it.

    A file cannot hold its own checksum; the sidecar can. A chunk killed between its
    status part and the sidecar keeps its status part, verified by a full read.
    """
    return folder / CHECKSUMS / name.replace(".parquet", ".json")


def status_record(folder: Path, name: str) -> dict[str, Any] | str | None:
    """The status part's record from its sidecar; ``None`` if absent; a reason if damaged."""
    path = sidecar(folder, name)
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))["status"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"unreadable checksum file ({_short(exc)})"
    return record if isinstance(record, dict) else "unreadable checksum file (no record)"


def temp_files(folder: Path, tables: Iterable[str]) -> list[Path]:
    """Leftover temporaries of killed atomic writes (folder root and table folders)."""
    found = []
    for d in (folder, folder / CHECKSUMS, *(folder / t for t in tables)):
        if d.is_dir():
            found += [p for p in d.iterdir() if p.is_file() and TEMP_RE.match(p.name)]
    return sorted(found)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def stale_sessions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Sessions still marked ``running`` whose process is gone (killed, machine lost).

    A session of this host is stale when its process id no longer exists; one without
    a process id (older folders) is stale too. Sessions of other hosts are left alone:
    their process may still be running on a shared file system.
    """
    host = socket.gethostname()
    stale = []
    for session in manifest.get("sessions", []):
        if not isinstance(session, dict) or session.get("status") != "running":
            continue
        pid, where = session.get("pid"), session.get("host")
        if pid is None or (where == host and pid != os.getpid() and not _alive(int(pid))):
            stale.append(session)
    return stale


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
