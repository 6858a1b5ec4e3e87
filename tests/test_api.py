"""The Python API mirrors the command line: same verbs, same numbers."""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd

from sim import api
from sim.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
SMALL = ("time.n_quarters=10", "country.name=synthetic", "country.n_municipalities=20")
FILES = [ROOT / "scenarios" / "baseline.toml", ROOT / "scenarios" / "funded_mandate.toml"]


def test_api_compare_equals_cli_compare(tmp_path):
    serial = api.Execution(executor="serial", progress=False)
    store = api.compare(
        FILES, reps=2, seed=7, out=tmp_path / "api", overrides=SMALL, execution=serial,
        report=False,
    )  # fmt: skip
    sets = [arg for s in SMALL for arg in ("--set", s)]
    args = ["compare", *map(str, FILES), "--reps", "2", "--seed", "7", *sets]
    args += ["--out", str(tmp_path / "cli"), "--workers", "1", "--no-progress", "--no-report"]
    assert main(args) == 0
    cli = api.open_results(tmp_path / "cli")
    pd.testing.assert_frame_equal(store.finals(), cli.finals())
    pd.testing.assert_frame_equal(store.runs(), cli.runs())
    assert store.scenario_order == ["baseline", "funded_mandate"]


def test_every_cli_option_has_an_api_argument():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices
    renames = {"scenarios": "scenarios", "folder": "store", "outputs": "outputs"}
    execution = set(inspect.signature(api.Execution).parameters)
    pairs = [("compare", api.compare), ("sweep", api.sweep)]
    pairs += [("sensitivity", api.sensitivity), ("report", api.write_report)]
    for command, fn in pairs:
        params = set(inspect.signature(fn).parameters)
        for action in sub[command]._actions:
            dest = action.dest
            if dest in ("help",):
                continue
            mapped = {
                "overrides": "overrides", "quarters": "overrides", "no_report": "report",
                "no_progress": "execution", "reps": "reps", "seed": "seed",
            }.get(dest, renames.get(dest, dest))  # fmt: skip
            if command in ("sweep", "sensitivity") and dest in ("reps", "seed"):
                mapped = "design_overrides"
            ok = mapped in params or dest in execution or mapped in execution
            assert ok, f"{command} --{dest} has no counterpart in sim.api.{fn.__name__}"


def test_default_folder_is_stable_and_safe():
    assert api.default_folder(["baseline", "funded_mandate"]) == Path(
        "results/baseline+funded_mandate"
    )
    assert "/" not in api.default_folder(["a/b"]).name
    assert len(api.default_folder(["x" * 50, "y" * 50]).name) <= 80
