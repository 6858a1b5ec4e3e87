"""The results store: a folder of Parquet parts, a manifest, and resume.

Layout of ``results/<name>/``::

    manifest.json          experiment, provenance, sessions, per-run status
    runs/part-000001.parquet       one row per run × quarter (aggregate metrics)
    finals/part-000001.parquet     one row per run (final values, t50/t90, design values)
    municipal/part-000001.parquet  one row per run × municipality (optional, for maps)
    status/part-000001.parquet     one row per attempted run: ok or failed, error, seconds

Each finished chunk becomes one part in every table, written atomically (dot-prefixed
temporary, fsync, rename; docs/architecture.md). The ``status`` part is written **last** and
is the chunk's commit mark: a data part without its status part (the writer was
killed between two renames) is an orphan; readers ignore it, and it is deleted when
the folder is opened to resume, then its runs are simply redone. So re-running the
same command after a kill skips exactly the runs that finished, and nothing is
duplicated or lost. Failed runs are retried on resume; the latest attempt decides a
run's status.

The store checks itself (:mod:`sim.experiments.integrity`): the status part records
each data part's SHA-256 and row count. Resume verifies every chunk, moves a damaged
chunk's parts under ``damaged/`` and redoes its runs; readers of a whole folder
(``report``) refuse a damaged one with one line naming the part; ``egov-sim check``
lists what is damaged and what resume would redo. Resume also removes temporaries
left by a killed write and marks sessions whose process died as ``interrupted``.

Parts are plain Parquet: ``pandas.read_parquet("results/x/finals")`` works too; the
methods here add the canonical order (scenario order of the experiment, then point,
replicate, quarter), so a table never depends on which worker finished first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.experiments import integrity, store_repair
from sim.experiments.integrity import Damage
from sim.experiments.outputs import json_text, write_atomic, write_text
from sim.experiments.runner import RUN_ID_COLUMNS, ChunkResult, RunSpec
from sim.experiments.store_layout import (
    DAMAGED,
    DATA_TABLES,
    MANIFEST,
    PART_RE,
    TABLES,
    StoreError,
    create_folder,
    list_parts,
    part_name,
    read_part,
)

__all__ = ["ResultsStore", "StoreError", "TABLES", "part_name"]

SORT_IDS = ("scenario", "point", "replicate", "quarter")
COMBINE_EVERY = 64


class ResultsStore:
    """Read and append to one experiment's results folder.

    Open an existing folder with ``ResultsStore(folder)``; create or resume one with
    :meth:`open` (what :func:`sim.experiments.experiment.run_experiment` does).
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        path = self.folder / MANIFEST
        if not path.is_file():
            raise StoreError(f"{self.folder}: no {MANIFEST}; not an egov-sim results folder")
        try:
            self.manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(
                f"{path}: damaged ({exc.__class__.__name__}: {exc}); restore it from a copy "
                "or start the batch in a new --out folder"
            ) from None
        if not isinstance(self.manifest, dict):
            raise StoreError(f"{path}: damaged (not a JSON object); restore it from a copy")
        self._seq: int | None = None
        self.repaired: list[Damage] = []

    # -- creating and resuming -------------------------------------------------------

    @classmethod
    def open(
        cls, folder: str | Path, manifest: dict[str, Any], resume: bool | None = None
    ) -> tuple[ResultsStore, bool]:
        """Create a new results folder, or reopen one of the same experiment.

        Args:
            folder: The results folder.
            manifest: The new manifest; ``manifest["experiment"]["identity"]`` must be
                the hash that decides whether two invocations are the same experiment.
            resume: ``None`` resumes when the folder holds the same experiment and
                starts fresh when it does not exist; ``True`` insists on resuming;
                ``False`` insists on a new (absent or empty) folder.

        Returns:
            The store and whether it was resumed.

        Raises:
            StoreError: The folder holds another experiment or something else, or
                ``resume`` cannot be honoured.
        """
        d = Path(folder)
        exists = (d / MANIFEST).is_file()
        if exists and resume is False:
            raise StoreError(f"{d}: already holds results; pass --resume or choose another --out")
        if not exists:
            if resume:
                raise StoreError(f"{d}: nothing to resume (no {MANIFEST}); run without --resume")
            create_folder(d, manifest)
            return cls(d), False
        store = cls(d)
        store._check_same_experiment(manifest["experiment"])
        store._prepare_to_write()
        return store, True

    def _check_same_experiment(self, new: dict[str, Any]) -> None:
        old = self.manifest.get("experiment", {})
        if old.get("identity") == new.get("identity"):
            return
        differ = [
            k for k in sorted(set(old) | set(new)) if k != "identity" and old.get(k) != new.get(k)
        ]
        raise StoreError(
            f"{self.folder}: holds a different experiment (differs in: "
            f"{', '.join(differ) or 'identity'}); choose another --out or delete the folder"
        )

    def _prepare_to_write(self) -> None:
        """Housekeeping before a resume (see :func:`store_repair.prepare_to_write`)."""
        self.repaired = store_repair.prepare_to_write(self)

    def orphans(self) -> list[Path]:
        """Data parts whose chunk never committed (no status part): readers ignore them."""
        committed = set(self.committed())
        return [p for t in DATA_TABLES for p in self._all_parts(t) if p.name not in committed]

    def committed(self) -> list[str]:
        """Part names of committed chunks (those with a status part), in writing order."""
        return [p.name for p in self._all_parts("status")]

    def verify(self, names: Sequence[str] | None = None) -> list[Damage]:
        """Check every committed chunk (or ``names``); the damaged or missing parts."""
        return store_repair.verify(self, names)

    def check_intact(self) -> None:
        """Raise a one-line :class:`StoreError` naming the first damaged part, if any."""
        damage = self.verify()
        if damage:
            more = f" (and {len(damage) - 1} more)" if len(damage) > 1 else ""
            raise StoreError(
                f"{damage[0].line()}{more}; re-run the command that wrote {self.folder} to "
                f"redo the damaged chunks, or see: egov-sim check {self.folder}"
            )

    def _all_parts(self, table: str, root: Path | None = None) -> list[Path]:
        return list_parts(root or self.folder, table)

    def _parts(self, table: str) -> list[Path]:
        """Parts readers use: every status part; data parts of committed chunks only."""
        parts = self._all_parts(table)
        if table == "status":
            return parts
        committed = set(self.committed())
        return [p for p in parts if p.name in committed]

    def _next_seq(self) -> int:
        roots = (self.folder, self.folder / DAMAGED)
        names = [p.name for r in roots for t in TABLES for p in self._all_parts(t, r)]
        return max((int(PART_RE.match(n).group(1)) for n in names), default=0) + 1

    # -- writing ---------------------------------------------------------------------

    def write_chunk(self, _index: int, _specs: Sequence[RunSpec], result: ChunkResult) -> None:
        """Write a finished chunk: data parts first, the status part last (the commit)."""
        if self._seq is None:  # listed once; this process is the folder's only writer
            self._seq = self._next_seq()
        name = part_name(self._seq)
        self._seq += 1
        records = {}
        for table in DATA_TABLES:
            frame = getattr(result, table)
            if frame is not None and len(frame):
                records[table] = self._write_part(table, name, frame)
        meta = integrity.encode_records(records)
        own = self._write_part("status", name, result.status, meta)
        write_text(integrity.sidecar(self.folder, name), json_text({"status": own, **records}))

    def _write_part(self, *args: Any) -> dict[str, Any]:
        """Write one part; a full disk or lost permission becomes a one-line error."""
        try:
            return self._write_part_raw(*args)
        except OSError as exc:
            raise StoreError(
                f"{self.folder}: cannot write {args[0]}/{args[1]} ({exc.strerror or exc}); "
                "runs finished so far are saved: fix it and re-run the command to resume"
            ) from None

    def _write_part_raw(
        self,
        table: str,
        name: str,
        frame: pd.DataFrame,
        metadata: dict[bytes, bytes] | None = None,
    ) -> dict[str, Any]:
        """Write one part atomically; return its record (checksum of the bytes written)."""
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        if metadata:
            arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **metadata})
        record: dict[str, Any] = {}

        def write(tmp: Path) -> None:
            pq.write_table(arrow, tmp, write_page_checksum=True)
            record.update(integrity.part_record(tmp, arrow.num_rows))

        write_atomic(self.folder / table / name, write)
        return record

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace the manifest atomically (it is re-read from disk by new readers)."""
        write_text(self.folder / MANIFEST, json_text(manifest))
        self.manifest = manifest

    # -- reading ---------------------------------------------------------------------

    @property
    def scenario_order(self) -> list[str]:
        """Scenario names in the order the experiment listed them."""
        return list(self.manifest.get("experiment", {}).get("scenario_names", []))

    def status(self, exclude: Sequence[str] = ()) -> pd.DataFrame:
        """Latest attempt of every run (ok or failed), in canonical order.

        ``exclude`` names chunks to leave out (``egov-sim check``: damaged ones).
        """
        arrow = self._read_parts("status", None, exclude)
        if arrow is None:
            return pd.DataFrame(columns=["run_key", "status"])
        # parts are read in writing order, which decides the latest attempt: dedupe first
        table = arrow.to_pandas(self_destruct=True).drop_duplicates("run_key", keep="last")
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        return arrow.take(self._order(arrow)).to_pandas()

    def done_keys(self, exclude: Sequence[str] = ()) -> set[str]:
        """Keys of runs that finished (failed runs are not done: resume retries them)."""
        st = self.status(exclude)
        return set(st.loc[st["status"] == "ok", "run_key"])

    def failures(self) -> pd.DataFrame:
        """Runs whose latest attempt failed, with error and traceback."""
        st = self.status()
        return st[st["status"] == "failed"].reset_index(drop=True)

    def columns(self, table: str = "runs") -> list[str]:
        """Column names of a table, from one part's schema (no data read)."""
        parts = self._parts(table)
        return [] if not parts else list(pq.read_schema(parts[0]).names)

    def finals(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """One row per finished run (see :func:`sim.experiments.runner.final_row`)."""
        return self._table("finals", columns)

    def runs(
        self,
        columns: Sequence[str] | None = None,
        ids: Sequence[str] = SORT_IDS,
        ordered: bool = True,
    ) -> pd.DataFrame:
        """One row per run × quarter; pass ``columns`` to read only some metrics.

        With ``columns`` only the ``ids`` needed to place a row come along (scenario,
        point, replicate, quarter): at 100,000 runs a string column such as
        ``run_key`` costs hundreds of MB, which column-at-a-time reductions must not
        pay. Without ``columns`` every column is read. ``ordered=False`` keeps the
        writing order (rows of a run stay together): for reductions that group rows
        themselves, it saves the sort and a full copy of the table.
        """
        extra = ("quarter",) if ordered else None
        return self._table("runs", columns, extra=extra, ids=(*ids, "quarter"))

    def municipal(self) -> pd.DataFrame | None:
        """Per-municipality finals, or ``None`` when the batch did not record them."""
        if not self._parts("municipal"):
            return None
        return self._table("municipal", None, extra=("municipality",))

    def _table(
        self,
        table: str,
        columns: Sequence[str] | None,
        extra: Sequence[str] | None = (),
        ids: Sequence[str] = RUN_ID_COLUMNS,
    ) -> pd.DataFrame:
        """Read a table; ``extra`` are sort keys after the run's, ``None``: no sort."""
        keys = () if extra is None else extra
        wanted = (
            None if columns is None else list(dict.fromkeys([*SORT_IDS[:3], *ids, *keys, *columns]))
        )
        frame = self._read(table, wanted, extra)
        if frame is None:
            raise StoreError(f"{self.folder}: no finished runs yet ({table}/ is empty)")
        return frame

    def _read(
        self, table: str, columns: list[str] | None, extra: Sequence[str] | None = ()
    ) -> pd.DataFrame | None:
        """Read every part, put rows in canonical order, convert to pandas.

        Sorting happens on the Arrow table and the conversion frees Arrow buffers as
        it goes (``self_destruct``), so a read peaks near two copies of the result
        rather than three or four: what keeps a 100,000-run folder readable in 1 GiB.
        Parts are merged in groups as they are read: thousands of one-chunk Arrow
        arrays per column cost more memory in bookkeeping than the data itself.
        """
        arrow = self._read_parts(table, columns)
        if arrow is None:
            return None
        if extra is not None:
            order = self._order(arrow, extra)
            if len(order) > 1 and not (np.diff(order) > 0).all():
                arrow = arrow.take(order)
        frame = arrow.to_pandas(self_destruct=True, split_blocks=True)
        if "scenario" in frame and isinstance(
            frame["scenario"].dtype, pd.CategoricalDtype
        ):  # categories in the experiment's order, not in the order parts were written
            have = list(frame["scenario"].cat.categories)
            first = [s for s in self.scenario_order if s in have]
            frame["scenario"] = frame["scenario"].cat.reorder_categories(
                first + [s for s in have if s not in first]
            )
        return frame

    def _read_parts(
        self, table: str, columns: list[str] | None, exclude: Sequence[str] = ()
    ) -> pa.Table | None:
        """All parts of a table as one Arrow table, in writing order."""
        parts = [p for p in self._parts(table) if p.name not in exclude]
        if not parts:
            return None
        # Run x quarter tables repeat each scenario name ~60 times per run: read it
        # dictionary-encoded (a pandas Categorical), or 6 million rows of a one-metric
        # read at 100,000 runs spend most of their memory on copies of a few names.
        dictionary = ["scenario"] if table in ("runs", "municipal") else None
        groups, batch = [], []
        for part in parts:
            batch.append(read_part(part, columns, dictionary))
            if len(batch) == COMBINE_EVERY:
                groups.append(pa.concat_tables(batch, promote_options="default").combine_chunks())
                batch = []
        if batch:
            groups.append(pa.concat_tables(batch, promote_options="default").combine_chunks())
        return pa.concat_tables(groups, promote_options="default")

    def _order(self, arrow: pa.Table, extra: Sequence[str] = ()) -> np.ndarray:
        """Row order: experiment's scenario order, point, replicate, then ``extra``."""
        rank = self._scenario_rank(arrow["scenario"])
        keys = [arrow[c].to_numpy() for c in reversed(("point", "replicate", *extra))]
        return np.lexsort([*keys, rank])

    def _scenario_rank(self, column: pa.ChunkedArray) -> np.ndarray:
        """Position of each row's scenario in the experiment's order (unknown: last)."""
        order = pa.array(self.scenario_order, type=pa.string())
        if pa.types.is_dictionary(column.type):
            ranks = []
            for chunk in column.chunks:  # rank the few names, then gather by index
                names = chunk.dictionary.cast(pa.string())
                by_name = pc.fill_null(pc.index_in(names, value_set=order), len(order))
                ranks.append(by_name.to_numpy()[chunk.indices.to_numpy()])
            return np.concatenate(ranks) if ranks else np.zeros(0, dtype=np.int64)
        rank = pc.index_in(column.cast(pa.string()), value_set=order)
        return pc.fill_null(rank, len(order)).to_numpy()
