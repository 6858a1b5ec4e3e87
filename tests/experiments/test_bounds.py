"""Bounded inputs: a run cap with the bill, and planning that streams run specs."""

from __future__ import annotations

import itertools
import json
import tracemalloc

import pytest
from engine_helpers import tiny_experiment

from sim.errors import UsageError
from sim.experiments import engine
from sim.experiments.executors import SerialExecutor
from sim.experiments.experiment import MAX_RUNS, RunOptions, run_experiment
from sim.experiments.specs import make_specs


def test_too_many_runs_refused_with_time_and_disk(tmp_path):
    exp = tiny_experiment(reps=MAX_RUNS // 2 + 1)  # two scenarios: just over the cap
    with pytest.raises(UsageError) as err:
        run_experiment(exp, tmp_path / "r", RunOptions("serial", progress=False))
    text = str(err.value)
    assert text.startswith("1,000,002 runs (2 scenarios × 1 points × 500,001 reps) exceed")
    assert "core-hours" in text and "TB on disk" in text and "--allow-large" in text
    assert not (tmp_path / "r").exists()


def test_huge_allowed_batch_streams_its_specs(tmp_path):
    """10^10 replicates: planning must not build the specs (it would never finish)."""
    exp = tiny_experiment(reps=10**10)
    calls = []

    def stop(specs, municipal=False):
        calls.append(len(specs))
        raise KeyboardInterrupt  # the user gives up after the first task

    opts = RunOptions("serial", progress=False, task=stop, allow_large=True)
    tracemalloc.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_experiment(exp, tmp_path / "r", opts)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert calls == [engine.MAX_CHUNK] and peak < 50e6
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["experiment"]["n_runs"] == 2 * 10**10
    assert len(manifest["experiment"]["seed_keys"]) == 10_000
    assert manifest["sessions"][-1]["status"] == "interrupted"


def test_iter_specs_equal_make_specs_and_are_lazy():
    exp = tiny_experiment(reps=5)
    eager = make_specs(exp.scenarios, 5, exp.seed)
    lazy = list(exp.iter_specs())
    assert [s.key for s in lazy] == [s.key for s in eager]
    first = itertools.islice(tiny_experiment(reps=10**12).iter_specs(), 3)
    assert [s.replicate for s in first] == [0, 1, 2]


def test_engine_draws_specs_only_as_chunks_are_submitted():
    drawn = 0

    def specs():
        nonlocal drawn
        for spec in tiny_experiment(reps=10**6).iter_specs():
            drawn += 1
            yield spec

    seen = []

    def sink(i, chunk, result):
        seen.append(i)
        if len(seen) == 3:
            raise KeyboardInterrupt

    class Done:
        n_failed = 0

    def fake(chunk, municipal=False):
        return Done()

    with pytest.raises(KeyboardInterrupt):
        engine.execute(specs(), SerialExecutor(), sink, total=2 * 10**6, chunk=10,
                       progress=False, task=fake)  # fmt: skip
    assert seen == [0, 1, 2] and drawn <= 10 * (3 + engine.IN_FLIGHT_PER_WORKER + 1)


def test_design_with_absurd_reps_is_one_line_naming_the_file(tmp_path, capsys):
    from sim.cli import main

    base = tiny_experiment().scenarios[0].path
    design = tmp_path / "big.toml"
    design.write_text(f'[design]\nscenarios = ["{base}"]\nreps = 100000000000\n')
    assert main(["sweep", str(design), "--no-report", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"egov-sim: error: {design}: 100,000,000,000 runs (1 scenarios")
    assert "\n" not in err and not (tmp_path / "r").exists()
