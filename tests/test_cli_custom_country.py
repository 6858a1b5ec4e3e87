"""A country from a user CSV runs end to end through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "examples" / "custom_country_example.toml"


def test_custom_country_in_process(tmp_path):
    out = tmp_path / "out"
    args = ["compare", str(EXAMPLE), "--reps", "2", "--quarters", "12", "--workers", "1"]
    assert main([*args, "--out", str(out), "--no-report", "--no-progress"]) == 0
    municipal = pd.read_parquet(out / "municipal")
    assert municipal["municipality"].nunique() == 32
    country = json.loads((out / "manifest.json").read_text())["scenarios"][0]["params"]["country"]
    assert country["name"] == "custom" and len(country["table_sha256"]) == 64


def test_bad_custom_table_exits_2_naming_row(tmp_path, capsys):
    (tmp_path / "t.csv").write_text("municipality,population,region\nA,12,R\nB,x,R\n")
    path = tmp_path / "s.toml"
    path.write_text('[scenario]\ndescription = "d"\n[country]\nname = "custom"\ntable = "t.csv"\n')
    assert main(["compare", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "s.toml: country.table (t.csv row 3, column 'population') = 'x'" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_custom_country_example_compare_subprocess(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "sim", "compare", str(EXAMPLE), "--reps", "2", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "custom_country_example" in done.stdout
    finals = pd.read_csv(out / "finals.csv")
    assert len(finals) == 2 and finals["adoption_mun"].between(0, 1).all()
    assert (out / "report.md").is_file() and (out / "figures" / "map.png").is_file()
