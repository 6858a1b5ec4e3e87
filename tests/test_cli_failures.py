"""Every failure path of the command line: one line naming the option and value, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import cli_options
from sim.cli import main
from sim.experiments import engine, executors, specs

REPO = Path(__file__).resolve().parents[1]
BASE = str(REPO / "scenarios" / "baseline.toml")
QUICK = ["--quarters", "2", "--reps", "1", "--workers", "1", "--no-report", "--no-progress"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit status and stderr of ``egov-sim argv`` (argparse's exits are caught too)."""
    try:
        rc = main(argv)
    except SystemExit as stop:
        rc = stop.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return rc, err


def one_line(err: str) -> str:
    """The only line on stderr (argparse's mistakes too: usage stays in --help)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_out_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("mine")
    rc, err = run(["compare", BASE, *QUICK, "--out", str(target)], capsys)
    assert rc == 2 and f"{target}: is a file, not a folder; choose another --out" in one_line(err)
    assert target.read_text() == "mine"


def test_out_that_cannot_be_created(tmp_path, capsys):
    (tmp_path / "afile").write_text("mine")
    bad = tmp_path / "afile" / "sub"
    rc, err = run(["compare", BASE, *QUICK, "--out", str(bad)], capsys)
    assert rc == 2 and f"{bad}: cannot create the results folder (Not a directory)" in err


@pytest.mark.parametrize(
    ("seed", "ok"), [("0", True), (str(2**63 - 1), True), (str(2**63), False), ("-1", False)]
)
def test_seed_range(tmp_path, capsys, seed, ok):
    rc, err = run(["compare", BASE, *QUICK, "--seed", seed, "--out", str(tmp_path / "r")], capsys)
    if ok:
        assert rc == 0
    else:
        assert rc == 2 and f"argument --seed: {seed} is not allowed" in one_line(err)


def test_seed_range_in_design_file(tmp_path, capsys):
    design = tmp_path / "d.toml"
    design.write_text(f'[design]\nscenarios = ["{BASE}"]\nseed = {2**63 + 5}\n')
    rc, err = run(["sweep", str(design), *QUICK[:2], "--out", str(tmp_path / "r")], capsys)
    assert rc == 2 and "design.seed" in err and "9,223,372,036,854,775,807" in err


@pytest.mark.parametrize("address", ["not a url", "http://127.0.0.1:8786", "tcp://host:99999"])
def test_malformed_dask_address(tmp_path, capsys, address):
    argv = ["compare", BASE, *QUICK, "--executor", "dask", "--address", address]
    rc, err = run([*argv, "--out", str(tmp_path / "r")], capsys)
    assert rc == 2 and f"--address {address!r} is not allowed; expected" in one_line(err)
    assert not (tmp_path / "r").exists()  # refused before anything was written


def test_unreachable_dask_scheduler(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 0.5)
    argv = ["compare", BASE, *QUICK, "--executor", "dask", "--address", "tcp://127.0.0.1:1"]
    rc, err = run([*argv, "--out", str(tmp_path / "r")], capsys)
    assert rc == 2
    assert "--address 'tcp://127.0.0.1:1': no Dask scheduler answered within 0.5 s" in err


def test_chunk_cap_in_help_and_check(capsys):
    assert cli_options.MAX_CHUNK == engine.MAX_CHUNK and cli_options.MAX_SEED == specs.MAX_SEED
    rc, err = run(["compare", BASE, "--chunk", str(engine.MAX_CHUNK + 1)], capsys)
    assert rc == 2 and f"expected an integer in [1, {engine.MAX_CHUNK}]" in err
    help_text = cli_options.argparse.ArgumentParser()
    cli_options.add_execution(help_text)
    assert f"at most {engine.MAX_CHUNK})" in " ".join(help_text.format_help().split())


def test_validate_names_the_file_once_for_set_errors(capsys):
    rc = main(["validate", BASE, "--set", "decision.peer_weight=-5"])
    err = capsys.readouterr().err.strip()
    assert rc == 1 and err.count("baseline.toml") == 1
    assert err.startswith(f"error {BASE} (--set decision.peer_weight=-5): decision.peer_weight")
