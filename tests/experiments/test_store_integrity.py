"""The self-checking store: damaged parts found, named, set aside and redone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from engine_helpers import tiny_experiment
from test_store import SERIAL, assert_same_results

from sim.cli import main
from sim.experiments import integrity
from sim.experiments.experiment import run_experiment
from sim.experiments.store import ResultsStore, StoreError
from sim.experiments.store_check import check_folder

TABLES = ("runs", "finals", "municipal", "status")


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> ResultsStore:
    """A finished tiny batch (8 runs in chunks of 3: three parts per table)."""
    return run_experiment(tiny_experiment(), tmp_path_factory.mktemp("done") / "r", SERIAL)


@pytest.fixture
def copy(finished: ResultsStore, tmp_path: Path) -> Path:
    """A fresh copy of the finished folder, to damage."""
    return Path(shutil.copytree(finished.folder, tmp_path / "r"))


def damage(path: Path, how: str) -> None:
    """Damage a file as a full disk, a lost file or a flipped bit would."""
    if how == "truncate":
        os.truncate(path, path.stat().st_size // 2)
    elif how == "delete":
        path.unlink()
    else:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncate", "delete", "flip"])
@pytest.mark.parametrize(("table", "part"), [(t, 1 + i % 3) for i, t in enumerate(TABLES)])
def test_damaged_part_is_redone_on_resume(finished, copy, table, part, how):
    path = copy / table / f"part-{part:06d}.parquet"
    damage(path, how)
    report = check_folder(copy)
    assert not report.ok and report.redo == (3 if part < 3 else 2)  # the chunk's runs
    with pytest.raises(StoreError, match=r"part-00000\d\.parquet"):
        ResultsStore(copy).check_intact()
    healed = run_experiment(tiny_experiment(), copy, SERIAL)
    assert_same_results(finished, healed)
    assert healed.manifest["sessions"][-1]["repaired"]
    kept = "finals" if table == "status" else "status"
    assert (copy / "damaged" / kept / path.name).is_file()  # set aside, not deleted
    assert check_folder(copy).ok and check_folder(copy).redo == 0


def test_report_on_damaged_folder_is_one_line_exit_2(copy, capsys):
    os.truncate(copy / "finals" / "part-000002.parquet", 3000)
    assert main(["report", str(copy)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert f"{copy}/finals/part-000002.parquet: 3000 bytes, expected" in err
    assert "more)" not in err  # its runs are not counted again as lost


def test_check_command_lists_damage_and_redo(copy, capsys):
    assert main(["check", str(copy)]) == 0
    assert "intact; nothing to redo" in capsys.readouterr().out
    (copy / "runs" / "part-000003.parquet").unlink()
    assert main(["check", str(copy)]) == 1
    out = capsys.readouterr().out
    assert f"damaged {copy}/runs/part-000003.parquet: missing" in out
    assert "resume would run 2 runs" in out  # the last chunk holds runs 7 and 8


def test_damaged_manifest_is_a_one_line_error(copy, capsys):
    (copy / "manifest.json").write_text('{"kind": "egov-sim exp')
    assert main(["check", str(copy)]) == 2
    assert "manifest.json: damaged (JSONDecodeError" in capsys.readouterr().err


def test_legacy_status_parts_without_checksums_are_read_to_verify(finished, copy):
    shutil.rmtree(copy / "checksums")  # as written before checksums existed
    for part in (copy / "status").iterdir():
        table = pq.read_table(part)
        pq.write_table(table.replace_schema_metadata({}), part)
    assert check_folder(copy).ok
    os.truncate(copy / "runs" / "part-000001.parquet", 2000)
    (copy / "finals" / "part-000002.parquet").unlink()
    lines = [d.line() for d in check_folder(copy).damaged]
    assert "unreadable Parquet" in lines[0] and lines[1].endswith("part-000002.parquet: missing")
    assert_same_results(finished, run_experiment(tiny_experiment(), copy, SERIAL))


def test_resume_removes_temporaries_and_marks_stale_sessions(finished, copy):
    manifest = json.loads((copy / "manifest.json").read_text())
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    manifest["sessions"][-1].update(status="running", pid=int(dead.stdout))
    (copy / "manifest.json").write_text(json.dumps(manifest))
    tmp = copy / "finals" / f".part-000009.parquet.{'a' * 32}.tmp"
    tmp.write_bytes(b"half a part")
    report = check_folder(copy)
    assert report.ok and report.temporaries == [tmp] and len(report.stale) == 1
    store = run_experiment(tiny_experiment(), copy, SERIAL)
    assert not tmp.exists()
    assert [s["status"] for s in store.manifest["sessions"]] == ["interrupted", "complete"]


def test_readers_ignore_uncommitted_parts(finished, copy):
    orphan = copy / "finals" / "part-000044.parquet"
    shutil.copy(copy / "finals" / "part-000001.parquet", orphan)
    assert_same_results(finished, ResultsStore(copy))
    assert orphan.exists()  # only a writer (resume) deletes it
    assert check_folder(copy).orphans == [orphan]


def test_status_part_records_checksums(finished):
    meta = pq.read_schema(finished.folder / "status" / "part-000001.parquet").metadata
    records = json.loads(meta[integrity.PARTS_KEY])
    assert set(records) == {"runs", "finals", "municipal"}
    finals = finished.folder / "finals" / "part-000001.parquet"
    assert records["finals"]["sha256"] == integrity.file_digest(finals)
    assert records["finals"]["rows"] == 3 and records["runs"]["rows"] == 3 * 10  # 10 quarters
