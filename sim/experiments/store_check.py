"""``egov-sim check``: what is damaged in a results folder and what resume would redo.

Read-only: nothing is moved or deleted (resume does the repairs), so it is safe to
run on a folder a batch is still writing, or on a copy before trusting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.experiments import integrity
from sim.experiments.integrity import Damage
from sim.experiments.store import TABLES, ResultsStore


@dataclass
class CheckReport:
    """The findings of :func:`check_folder`.

    Attributes:
        folder: The results folder.
        chunks: Committed chunks (status parts) found.
        damaged: Damaged or missing parts (each makes its whole chunk be redone).
        total: Runs the experiment has.
        done: Finished runs in intact chunks.
        failed: Runs whose latest attempt (in an intact chunk) failed.
        orphans: Data parts without a status part (a killed write; resume deletes them).
        temporaries: Leftover temporaries of killed writes (resume deletes them).
        stale: Start times of sessions still marked running whose process is gone.
    """

    folder: Path
    chunks: int
    damaged: list[Damage]
    total: int
    done: int
    failed: int
    orphans: list[Path] = field(default_factory=list)
    temporaries: list[Path] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def redo(self) -> int:
        """Runs a resume would run: unfinished, failed and those of damaged chunks."""
        return max(self.total - self.done, 0)

    @property
    def ok(self) -> bool:
        """True when no part is damaged (leftovers alone are harmless)."""
        return not self.damaged

    def lines(self) -> list[str]:
        """The report as printed by ``egov-sim check``."""
        n_bad = len({d.part.name for d in self.damaged})
        out = [f"{self.folder}: {self.chunks} chunks, {self.done} of {self.total} runs finished"]
        out += [f"damaged {d.line()}" for d in self.damaged]
        out += [f"orphan {p} (uncommitted write; resume deletes it)" for p in self.orphans]
        out += [f"temporary {p} (killed write; resume deletes it)" for p in self.temporaries]
        out += [f"stale session started {s} (process gone; resume marks it interrupted)"
                for s in self.stale]  # fmt: skip
        verdict = (f"DAMAGED: {n_bad} chunk(s) unusable; " if self.damaged else "intact; ") + (
            f"resume would run {self.redo} runs ({self.failed} failed, "
            f"{self.redo - self.failed} not finished or in damaged chunks)"
            if self.redo
            else "nothing to redo"
        )
        return [*out, verdict]


def check_folder(folder: str | Path) -> CheckReport:
    """Verify every part of a results folder without changing anything."""
    store = ResultsStore(folder)
    damaged = store.verify()
    bad = sorted({d.part.name for d in damaged})
    status = store.status(exclude=bad)
    done = int((status["status"] == "ok").sum()) if len(status) else 0
    failed = int((status["status"] == "failed").sum()) if len(status) else 0
    total = int(store.manifest.get("experiment", {}).get("n_runs", done + failed))
    return CheckReport(
        folder=store.folder,
        chunks=len(store.committed()),
        damaged=damaged,
        total=total,
        done=done,
        failed=failed,
        orphans=store.orphans(),
        temporaries=integrity.temp_files(store.folder, TABLES),
        stale=[str(s.get("started")) for s in integrity.stale_sessions(store.manifest)],
    )
