"""The command line as a user runs it: subprocesses, real files, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import __version__
from sim.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
SMALL = [
    "--set", "time.n_quarters=8",
    "--set", "country.name=synthetic",
    "--set", "country.n_municipalities=30",
]  # fmt: skip


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


def _scenario(tmp_path: Path, name: str = "plain", body: str = "") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'[scenario]\ndescription = "tiny {name}"\n{body}', encoding="utf-8")
    return path


def test_version():
    done = _cli("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"egov-sim {__version__}"


def test_usage_lists_commands_and_options():
    text = build_parser().format_help()
    for command in ("compare", "run", "sweep", "sensitivity", "report", "validate"):
        assert command in text
    compare_help = _cli("compare", "--help").stdout
    for option in (
        "--reps",
        "--seed",
        "--out",
        "--set",
        "--workers",
        "--executor",
        "--address",
        "--resume",
        "--quarters",
        "--no-progress",
    ):
        assert option in compare_help
    assert "--method" in _cli("sensitivity", "--help").stdout


def test_compare_end_to_end(tmp_path):
    a = _scenario(tmp_path, "plain")
    b = _scenario(
        tmp_path,
        "mandate",
        '[[instruments]]\ntype = "legislation"\nstart = 1\ndeadline = 6\n',
    )
    out = tmp_path / "out"
    args = ["compare", str(a), str(b), "--reps", "3", "--out", str(out), "--workers", "2", *SMALL]
    done = _cli(*args)
    assert done.returncode == 0, done.stderr
    for name in ("summary.csv", "finals.csv", "manifest.json", "report.md", "paired.csv"):
        assert (out / name).is_file(), name
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 2 * 3 * 8
    assert set(runs["scenario"]) == {"plain", "mandate"}
    summary = pd.read_csv(out / "summary.csv")
    assert {"adoption_mun_median", "adoption_mun_p10", "adoption_mun_p90"} <= set(summary.columns)
    assert len(pd.read_csv(out / "finals.csv")) == 6
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("scenarios", "experiment", "versions", "git", "python", "platform",
                "sessions", "runs", "run_status", "command"):  # fmt: skip
        assert key in manifest, key
    exp = manifest["experiment"]
    assert exp["reps"] == 3 and exp["root_seed"] == 20261123
    assert exp["seed_keys"] == ["20261123/0", "20261123/1", "20261123/2"]
    assert [s["name"] for s in manifest["scenarios"]] == ["plain", "mandate"]
    assert all(len(s["sha256"]) == 64 for s in manifest["scenarios"])
    assert manifest["runs"] == {"total": 6, "ok": 6, "failed": 0, "pending": 0}
    png = out / "figures" / "adoption.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert not list(out.rglob(".*.tmp"))
    assert "adoption_mun" in done.stdout and "plain" in done.stdout and "mandate" in done.stdout
    assert "vs plain" in done.stdout and "report.md" in done.stdout
    # the same command again resumes: nothing re-run, same tables
    again = _cli(*args)
    assert again.returncode == 0, again.stderr
    session = json.loads((out / "manifest.json").read_text())["sessions"][-1]
    assert session["resumed"] and session["skipped_finished"] == 6 and session["ran"] == 0
    pd.testing.assert_frame_equal(runs, pd.read_parquet(out / "runs"))


def test_compare_in_process_serial_without_report(tmp_path, capsys):
    out = tmp_path / "o"
    args = ["run", str(_scenario(tmp_path)), "--reps", "2", "--no-progress", "--workers", "1"]
    assert main([*args, *SMALL, "--out", str(out), "--no-report"]) == 0
    text = capsys.readouterr().out
    assert "t50" in text and "plain" in text and str(out) in text
    assert "vs plain" not in text  # one scenario: nothing to pair with
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"][:2] == ["egov-sim", "run"]
    assert manifest["scenarios"][0]["overrides"]
    assert manifest["sessions"][-1]["executor"] == "process"
    assert not (out / "report.md").exists()


def test_compare_other_experiment_in_folder_exits_2(tmp_path, capsys):
    out = tmp_path / "o"
    base = ["compare", str(_scenario(tmp_path)), "--no-progress", "--workers", "1", "--no-report"]
    assert main([*base, "--reps", "1", *SMALL, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main([*base, "--reps", "2", *SMALL, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "different experiment" in err and "reps" in err and err.count("\n") == 1


def test_address_needs_dask_executor(tmp_path, capsys):
    code = main(["compare", str(_scenario(tmp_path)), "--address", "tcp://127.0.0.1:1"])
    assert code == 2 and "--executor dask" in capsys.readouterr().err


def test_validate_ok_and_bad(tmp_path):
    good = _scenario(tmp_path, "good")
    bad = _scenario(tmp_path, "bad", "[decision]\npeer_weight = -3\n")
    done = _cli("validate", str(good))
    assert done.returncode == 0
    assert done.stdout.startswith(f"ok {good}: good — tiny good")
    done = _cli("validate", str(good), str(bad))
    assert done.returncode == 1
    assert "peer_weight" in done.stderr and "Traceback" not in done.stderr


def test_validate_shipped_scenarios():
    files = sorted((ROOT / "scenarios").glob("*.toml"))
    if not files:
        pytest.skip("no shipped scenarios")
    done = _cli("validate", *map(str, files))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ok ") == len(files)


@pytest.mark.parametrize(
    ("override", "needle"),
    [("decision.peer_weight=-1", "peer_weight"), ("time.n_quarters=abc", "n_quarters")],
)
def test_bad_set_exits_2_naming_the_key(tmp_path, capsys, override, needle):
    args = ["compare", str(_scenario(tmp_path)), "--set", override, "--out", str(tmp_path / "o")]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["compare", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml" in capsys.readouterr().err


def test_set_without_equals_exits_2(tmp_path, capsys):
    assert main(["validate", str(_scenario(tmp_path)), "--set", "time.n_quarters"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err


def test_instruments_lists_every_registered_instrument(capsys):
    from sim.instruments.base import REGISTRY, instrument_class

    instrument_class("legislation")
    assert main(["instruments"]) == 0
    out = capsys.readouterr().out
    for name, cls in REGISTRY.items():
        assert f"{name}  (formality rank {cls.formality_rank}" in out
    assert "deadline" in out and "share" in out  # own parameters are listed
    listed = sorted(REGISTRY, key=lambda n: out.index(f"\n{n}  ("))
    ranks = [REGISTRY[n].formality_rank for n in listed]
    assert ranks == sorted(ranks)  # from the most to the least formal


def test_scenarios_lists_shipped_files_with_descriptions(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        assert path.stem in out
    assert "Denmark, no instruments" in out
