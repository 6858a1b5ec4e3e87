"""``egov-sim sweep``, ``sensitivity`` and ``report`` end to end on tiny designs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "scenarios" / "designs" / "tiny_factorial.toml"
SCENARIO = (ROOT / "scenarios" / "funded_mandate.toml").as_posix()
SMALL = '["country.name=synthetic", "country.n_municipalities=12", "time.n_quarters=12"]'


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, timeout=600
    )


def _morris(tmp_path: Path) -> Path:
    path = tmp_path / "morris.toml"
    path.write_text(
        f'[design]\nname = "m"\nmethod = "morris"\nscenarios = ["{SCENARIO}"]\nreps = 1\n'
        f"seed = 5\nsamples = 3\nset = {SMALL}\n"
        '[factors."decision.peer_weight"]\nmin = 0.0\nmax = 3.0\n'
        '[factors."instruments.1.share"]\nmin = 0.25\nmax = 1.0\n'
    )
    return path


def test_sweep_end_to_end_and_resume(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    done = _cli("sweep", str(TINY), "--out", str(out), "--workers", "2", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "decision.peer_weight" in done.stdout and "16 runs finished" in done.stdout
    finals = pd.read_csv(out / "finals.csv")
    assert len(finals) == 2 * 4 * 2  # scenarios x points x reps
    assert set(finals["decision.peer_weight"]) == {0.5, 2.0}
    assert set(finals["time.n_quarters"]) == {16, 32}
    # the design value took effect: runs of a 16-quarter point have 16 quarters
    assert (finals.loc[finals["time.n_quarters"] == 16, "quarters"] == 16).all()
    points = pd.read_csv(out / "points.csv")
    assert len(points) == 8 and "adoption_mun_median" in points
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"]["design"]["method"] == "factorial"
    assert manifest["experiment"]["n_points"] == 4 and manifest["complete"]
    report = (out / "report.md").read_text()
    assert "## Design points" in report and "figures/adoption.png" in report
    again = _cli("sweep", str(TINY), "--out", str(out), "--no-progress")
    assert again.returncode == 0, again.stderr
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert sessions[-1]["ran"] == 0 and sessions[-1]["skipped_finished"] == 16


def test_sensitivity_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "sens"
    args = ["sensitivity", str(_morris(tmp_path)), "--out", str(out), "--workers", "1"]
    done = _cli(*args, "--output", "adoption_mun", "--output", "t50_adoption_mun")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["output"]) == {"adoption_mun", "t50_adoption_mun"}
    assert set(table["factor"]) == {"decision.peer_weight", "instruments.1.share"}
    assert (table["mu_star"] >= 0).all() and table["mu_star_conf"].notna().all()
    assert len(pd.read_csv(out / "finals.csv")) == 3 * 3  # trajectories x (factors + 1)
    assert (out / "figures" / "sensitivity.png").is_file()
    assert (out / "figures" / "sensitivity.svg").is_file()
    assert "## Sensitivity (morris)" in (out / "report.md").read_text()


def test_sensitivity_rejects_unknown_output_before_running(tmp_path: Path) -> None:
    out = tmp_path / "bad"
    done = _cli("sensitivity", str(_morris(tmp_path)), "--out", str(out), "--output", "nope")
    assert done.returncode == 2
    assert "--output 'nope' is not a final metric" in done.stderr
    assert not (out / "runs").exists()


def test_bad_design_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(f'[design]\nmethod = "sobol"\nscenarios = ["{SCENARIO}"]\nsamples = 3\n'
                    '[factors."decision.peer_weight"]\nmin = 0\nmax = 1\n')  # fmt: skip
    done = _cli("sweep", str(path), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert f"{path}: design.samples = 3 is not allowed; expected a power of two" in done.stderr
    assert "Traceback" not in done.stderr


def test_report_rewrites_tables_figures_and_cubes(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    done = _cli("sweep", str(TINY), "--out", str(out), "--workers", "1", "--no-report")
    assert done.returncode == 0, done.stderr
    assert not (out / "report.md").exists()
    done = _cli("report", str(out))
    assert done.returncode == 0, done.stderr
    for name in ("report.md", "summary.csv", "finals.csv", "finals.nc", "runs.nc"):
        assert (out / name).is_file(), name
    for fig in ("adoption", "finals", "paired"):
        assert (out / "figures" / f"{fig}.png").is_file(), fig
    cube = xr.open_dataset(out / "runs.nc", engine="h5netcdf")
    assert list(cube["scenario"].values) == ["legislation", "funded_mandate"]
    assert cube["value"].sel(metric="adoption_mun").sizes["point"] == 4
    summary = pd.read_csv(out / "summary.csv")
    assert {"adoption_mun_median", "adoption_mun_mean", "adoption_mun_ci_low"} <= set(summary)
