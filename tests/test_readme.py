"""The README's two set-up commands, tested as a new user would run them.

The fresh-clone tests clone the committed repository into a temporary folder and run
the commands exactly as written there (slow; CI runs them). The test command is run
with ``PYTEST_ADDOPTS=--collect-only`` so it proves set-up and collection without
running the suite recursively.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> tuple[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "README must start with a bash block holding the two commands"
    lines = [ln.strip() for ln in block.group(1).splitlines() if ln.strip()]
    assert len(lines) == 2, lines
    return lines[0], lines[1]


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.splitlines()[:6]
    run_cmd, test_cmd = readme_commands()
    assert run_cmd in head and test_cmd in head
    assert run_cmd.startswith("bash scripts/bootstrap.sh && ")
    assert test_cmd.startswith("bash scripts/bootstrap.sh && ")
    for scenario in ("baseline", "legislation", "funded_mandate"):
        assert f"scenarios/{scenario}.toml" in run_cmd
        assert (ROOT / "scenarios" / f"{scenario}.toml").is_file()


def test_ci_runs_exactly_the_readme_test_command():
    _, test_cmd = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [ln.strip() for ln in ci if ln.strip() and not ln.lstrip().startswith("#")]
    assert test_cmd in commands


def test_bootstrap_explains_what_to_install_without_python312(tmp_path):
    """With no Python >= 3.12 anywhere, bootstrap fails with install advice."""
    fake = tmp_path / "repo"
    (fake / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "bootstrap.sh", fake / "scripts" / "bootstrap.sh")
    # A PATH holding only the shell tools the script needs and a python3 stub that
    # reports an old version: no interpreter >= 3.12 and no pyenv can be found.
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("bash", "dirname", "rm", "cat"):
        (tools / tool).symlink_to(shutil.which(tool))
    stub = tools / "python3"
    stub.write_text("#!/bin/sh\nexit 1\n")
    stub.chmod(0o755)
    env = {"PATH": str(tools), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [str(tools / "bash"), "scripts/bootstrap.sh"],
        cwd=fake,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "Python >= 3.12" in proc.stderr
    assert "install" in proc.stderr.lower()


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("clone") / "egov-sim"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True)
    return dest


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST"))}
    env.pop("PYTHONPATH", None)
    return env


@pytest.mark.slow
def test_readme_run_command_in_fresh_clone(fresh_clone):
    run_cmd, _ = readme_commands()
    proc = subprocess.run(
        ["bash", "-c", run_cmd], cwd=fresh_clone, env=_clean_env(), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = fresh_clone / "results" / "main"
    for name in ("summary.csv", "finals.csv", "paired.csv", "manifest.json", "report.md"):
        assert (out / name).is_file(), name
    assert (out / "figures" / "adoption.png").stat().st_size > 10_000
    for fig in ("paired", "finals", "map", "blocks"):  # map: Denmark preset, municipal finals
        assert (out / "figures" / f"{fig}.png").is_file() and (
            out / "figures" / f"{fig}.svg"
        ).is_file()
    paired = pd.read_csv(out / "paired.csv")
    funded = paired[(paired["scenario"] == "funded_mandate") & (paired["metric"] == "adoption_mun")]
    assert funded["ci_low"].iloc[0] > 0  # P4: the funded mandate raises adoption, paired CI
    runs = pd.read_parquet(out / "runs", columns=["scenario", "replicate", "quarter"])
    assert set(runs["scenario"]) == {"baseline", "legislation", "funded_mandate"}
    assert runs.groupby("scenario")["replicate"].nunique().eq(100).all()
    assert not runs.duplicated().any()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"]["reps"] == 100 and manifest["complete"]
    assert "baseline" in proc.stdout and "funded_mandate" in proc.stdout


@pytest.mark.slow
def test_readme_test_command_in_fresh_clone(fresh_clone):
    _, test_cmd = readme_commands()
    env = _clean_env()
    env["PYTEST_ADDOPTS"] = "--collect-only -q"  # prove set-up + collection, no recursion
    proc = subprocess.run(
        ["bash", "-c", test_cmd], cwd=fresh_clone, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert re.search(r"\d+ tests collected", proc.stdout)
