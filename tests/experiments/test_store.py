"""Results store: parts, resume, orphans, identity, failures, executor equality."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from engine_helpers import REPO, tiny_experiment

from sim.experiments import runner
from sim.experiments.experiment import Experiment, RunOptions, run_experiment
from sim.experiments.store import ResultsStore, StoreError

SERIAL = RunOptions(executor="serial", progress=False, chunk=3)
HELPER = Path(__file__).with_name("engine_helpers.py")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> ResultsStore:
    """The tiny experiment run serially in one go: what every other way must reproduce."""
    return run_experiment(tiny_experiment(), tmp_path_factory.mktemp("ref") / "r", SERIAL)


def assert_same_results(a: ResultsStore, b: ResultsStore) -> None:
    pd.testing.assert_frame_equal(a.runs(), b.runs())
    pd.testing.assert_frame_equal(a.finals(), b.finals())
    pd.testing.assert_frame_equal(a.municipal(), b.municipal())


def test_store_layout_manifest_and_canonical_order(reference):
    folder = reference.folder
    assert {p.name for p in folder.iterdir()} >= {"manifest.json", "runs", "finals", "status"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["runs"] == {"total": 8, "ok": 8, "failed": 0, "pending": 0}
    assert manifest["complete"] is True
    assert manifest["experiment"]["root_seed"] == 99
    assert manifest["experiment"]["scenario_names"] == ["baseline", "funded_mandate"]
    assert manifest["sessions"][-1]["status"] == "complete"
    assert len(manifest["run_status"]["run_key"]) == 8
    assert {"git", "versions", "platform", "python"} <= set(manifest)
    assert manifest["versions"]["SALib"] and "dirty" in manifest["sessions"][-1]["git"]
    finals = reference.finals()
    assert finals[["scenario", "replicate"]].values.tolist() == [
        [s, r] for s in ("baseline", "funded_mandate") for r in range(4)
    ]
    assert finals["run_key"].is_unique
    runs = reference.runs(["adoption_mun"], ids=runner.ID_COLUMNS)
    assert len(runs) == 8 * 10 and not runs.duplicated(["run_key", "quarter"]).any()
    runs = reference.runs(["adoption_mun"])
    assert list(runs.columns) == ["scenario", "point", "replicate", "quarter", "adoption_mun"]
    assert list(reference.runs()) == [*runner.ID_COLUMNS, *list(reference.runs())[7:]]


def test_common_random_numbers_across_scenarios(reference):
    finals = reference.finals()
    by = finals.pivot(index="replicate", columns="scenario", values="seed_key")
    assert (by["baseline"] == by["funded_mandate"]).all()


def test_rerun_skips_finished_runs(reference, tmp_path):
    store = run_experiment(tiny_experiment(), tmp_path / "r", SERIAL)
    again = run_experiment(tiny_experiment(), tmp_path / "r", SERIAL)
    session = again.manifest["sessions"][-1]
    assert session["resumed"] and session["skipped_finished"] == 8 and session["ran"] == 0
    assert len(list((tmp_path / "r" / "finals").iterdir())) == len(list(store._parts("finals")))
    assert_same_results(reference, again)


def test_resume_after_partial_batch_and_orphan_parts(reference, tmp_path):
    out = tmp_path / "r"
    exp = tiny_experiment()
    store, _ = ResultsStore.open(out, {"experiment": exp.record()})
    specs = exp.specs()
    store.write_chunk(0, specs[:3], runner.run_chunk(specs[:3], municipal=True))
    # a chunk killed between its data parts and its commit mark: an orphan
    orphan = runner.run_chunk(specs[3:5], municipal=True)
    store._write_part("runs", "part-000777.parquet", orphan.runs)
    resumed = run_experiment(exp, out, SERIAL)
    assert not (out / "runs" / "part-000777.parquet").exists()
    assert resumed.manifest["sessions"][-1]["skipped_finished"] == 3
    assert_same_results(reference, resumed)


def test_different_experiment_in_same_folder_is_refused(tmp_path):
    run_experiment(tiny_experiment(reps=2), tmp_path / "r", SERIAL)
    with pytest.raises(StoreError, match=r"different experiment \(differs in: .*reps"):
        run_experiment(tiny_experiment(reps=3), tmp_path / "r", SERIAL)


def test_resume_flags(tmp_path):
    with pytest.raises(StoreError, match="nothing to resume"):
        run_experiment(tiny_experiment(2), tmp_path / "a", RunOptions("serial", resume=True))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not an egov-sim results folder"):
        run_experiment(tiny_experiment(2), tmp_path / "b", SERIAL)
    run_experiment(tiny_experiment(2), tmp_path / "c", SERIAL)
    with pytest.raises(StoreError, match="already holds results; pass --resume"):
        run_experiment(tiny_experiment(2), tmp_path / "c", RunOptions("serial", resume=False))


def test_failing_run_is_recorded_and_the_rest_finish(tmp_path, monkeypatch):
    real = runner.EGovModel.run

    def flaky(self):  # replicate 1 of every scenario fails mid-run
        if self.rng.bit_generator.seed_seq.spawn_key[:1] == (1,):
            raise FloatingPointError("budget went NaN")
        return real(self)

    monkeypatch.setattr(runner.EGovModel, "run", flaky)
    store = run_experiment(tiny_experiment(), tmp_path / "r", SERIAL)
    assert store.manifest["runs"] == {"total": 8, "ok": 6, "failed": 2, "pending": 0}
    fails = store.failures()
    assert fails["replicate"].tolist() == [1, 1]
    assert fails["error"].str.contains("FloatingPointError: budget went NaN").all()
    assert fails["traceback"].str.contains("flaky").all()
    assert sorted(store.finals()["replicate"].unique()) == [0, 2, 3]
    monkeypatch.setattr(runner.EGovModel, "run", real)
    healed = run_experiment(tiny_experiment(), tmp_path / "r", SERIAL)
    assert healed.manifest["runs"]["ok"] == 8 and healed.failures().empty


def test_duplicate_scenario_names_refused():
    exp = tiny_experiment()
    with pytest.raises(ValueError, match="appear twice"):
        Experiment("compare", (exp.scenarios[0], exp.scenarios[0]), reps=1, seed=1)


@pytest.mark.slow
@pytest.mark.parametrize(("executor", "workers"), [("process", 2), ("dask", 2)])
def test_executors_give_identical_tables(reference, tmp_path, executor, workers):
    opts = RunOptions(executor=executor, workers=workers, chunk=1, progress=False)
    assert_same_results(reference, run_experiment(tiny_experiment(), tmp_path / "r", opts))


def _wait_for_parts(folder: Path, n: int, proc: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        status = folder / "status"
        if status.is_dir() and sum(1 for p in status.iterdir() if p.suffix == ".parquet") >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"batch ended before it could be killed (rc {proc.returncode})")
        time.sleep(0.05)
    pytest.fail("no parts appeared")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_kill_mid_batch_then_resume(tmp_path, sig):
    """A batch killed (or Ctrl-C'd) mid-way resumes: complete, nothing duplicated."""
    out = tmp_path / "r"
    reps = 150  # ~3 s of runs: the signal must land mid-batch, also on a fast machine
    cmd = [sys.executable, str(HELPER), str(out), str(reps), "serial", "1", "2"]
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{HELPER.parent}"}
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE)
    _wait_for_parts(out, 3, proc)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    manifest = json.loads((out / "manifest.json").read_text())
    if sig == signal.SIGINT:
        assert manifest["sessions"][-1]["status"] == "interrupted"
    done_before = len(ResultsStore(out).done_keys())
    assert 0 < done_before < 2 * reps
    subprocess.run([*cmd[:4], "process", "2", "5"], env=env, check=True, timeout=300)
    store = ResultsStore(out)
    assert store.manifest["runs"] == {"total": 2 * reps, "ok": 2 * reps, "failed": 0, "pending": 0}
    assert store.manifest["sessions"][-1]["skipped_finished"] == done_before
    finals = store.finals()
    assert len(finals) == 2 * reps and finals["run_key"].is_unique
    runs = store.runs(["adoption_mun"], ids=runner.ID_COLUMNS)
    assert len(runs) == 2 * reps * 10 and not runs.duplicated(["run_key", "quarter"]).any()
    clean = run_experiment(tiny_experiment(reps), tmp_path / "clean", SERIAL)
    assert_same_results(clean, store)
