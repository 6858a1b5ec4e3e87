"""The "Mechanism effects" table: complete rows, valid key paths, a deterministic generator.

Fast tests check the rows file (every registered instrument and every behavioural
mechanism of ODD §7 has a row, every key path validates through the scenario loader,
both arms of a row differ), the statistics (paired, censored t50, verdicts) and the
command line's errors. The slow test runs the generator on two rows into a copy of
docs/ODD.md twice, from empty caches, and requires the same section both times.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import docs_effects
from sim.analysis.paired import mean_ci
from sim.effects_catalogue import (
    ARMS,
    COUNTRIES,
    METRICS,
    ROWS_FILE,
    arm_scenario,
    describe_move,
    instrument_coverage,
    load_rows,
)
from sim.effects_runs import arm_key, paired_effect
from sim.experiments.overrides import ScenarioError
from sim.experiments.specs import scenario_content

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
ROWS = load_rows()

#: Behavioural mechanisms of ODD §7 that must keep a row (issue 13's list); a row may
#: be renamed only together with this list, never dropped silently.
MECHANISMS = (
    "peer_weight", "autonomy_weight", "credibility_weight", "risk_inflation",
    "network_exponent", "network_floor", "spillover_share", "entrepreneur_share",
    "guardian_share", "belief_learning", "consider_hazard", "capacity", "slip_probability",
    "failure_hazard", "local_overrun_scale", "innovation_share", "priority_mean",
    "budget_shocks", "carry_over", "trust_loss_ratio", "trust_gain_rate", "bass_p", "bass_q",
    "coproduction", "regional_tier", "regional_budget", "build_hazard", "central_leadership",
    "elections", "champion_share",
)  # fmt: skip


def _rows_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rows.toml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD_ROW = """
[[effect]]
id = "peer"
mechanism = "peers"
section = "7.5"
base = "baseline"
set = "decision.peer_weight"
low = 0.0
high = 2.4
expected = { adoption = "+" }
source = "assumption"
why = "off vs doubled"
"""


# ------------------------------------------------------------------------ rows file


def test_every_registered_instrument_has_a_row():
    from sim.instruments.base import REGISTRY, instrument_class

    instrument_class("legislation")  # loads the registry
    missing = set(REGISTRY) - instrument_coverage(ROWS)
    assert not missing, f"instruments without a row in {ROWS_FILE}: {sorted(missing)}"


def test_every_mechanism_of_section_7_has_a_row():
    ids = {row.id for row in ROWS}
    assert not set(MECHANISMS) - ids


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_both_arms_validate_and_differ(row):
    """Every key path passes the scenario loader, and the two arms are different runs."""
    for country in row.countries:
        low, high = (arm_scenario(row, arm, country, 1000) for arm in ARMS)
        assert scenario_content(low) != scenario_content(high), (row.id, country)
        for arm in (low, high):
            assert (arm.params.country.name == "synthetic") == (country == "synthetic")
            if country == "synthetic":
                assert arm.params.country.n_municipalities == 1000


def test_relative_rows_multiply_every_block():
    row = next(r for r in ROWS if r.id == "failure_hazard")
    low, high = (arm_scenario(row, arm, "denmark", 1000) for arm in ARMS)
    base = arm_scenario(next(r for r in ROWS if r.id == "soft_measures"), "low", "denmark", 10)
    for blk in base.catalogue:
        assert low.catalogue[blk.key].failure_hazard == pytest.approx(0.5 * blk.failure_hazard)
        assert high.catalogue[blk.key].failure_hazard == pytest.approx(1.5 * blk.failure_hazard)


def test_instrument_row_adds_to_the_base():
    row = next(r for r in ROWS if r.id == "sanctions")
    low, high = (arm_scenario(row, arm, "denmark", 1000) for arm in ARMS)
    assert [s.type for s in low.instruments] == ["legislation"]
    assert [s.type for s in high.instruments] == ["legislation", "sanctions"]
    assert describe_move(row).startswith("+ `sanctions` (start 8")


def test_row_ids_are_unique_and_expected_metrics_known():
    assert len({r.id for r in ROWS}) == len(ROWS)
    for row in ROWS:
        assert row.expected and all(m in METRICS for m, _ in row.expected)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('set = "decision.peer_weight"', 'set = "decision.peer_wait"'), "decision.peer_wait"),
        (("low = 0.0", 'low = "x"'), "decision.peer_weight = 'x'"),
        (('adoption = "+"', 'adoption = "up"'), "effect[0] (peer).expected.adoption = 'up'"),
        (('base = "baseline"', 'base = "nowhere"'), "base = 'nowhere'"),
        (('why = "off vs doubled"', 'why = ""'), "effect[0] (peer).why = ''"),
        (("high = 2.4", "high = 2.4\ncolour = 1"), "effect[0] (peer).colour = 1"),
        (("low = 0.0", "low = 0.0\nadd = [{ type = 'standards' }]"), "either set"),
    ],
)
def test_bad_row_is_one_located_line(tmp_path, edit, message):
    path = _rows_file(tmp_path, GOOD_ROW.replace(*edit))
    with pytest.raises(ScenarioError) as err:
        for row in load_rows(path):
            for arm in ARMS:
                arm_scenario(row, arm, "denmark", 100, str(path))
    text = str(err.value)
    assert message in text and str(path) in text and "\n" not in text


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(ScenarioError, match="an id used by one row only"):
        load_rows(_rows_file(tmp_path, GOOD_ROW + GOOD_ROW))


# ------------------------------------------------------------------------ statistics


def _arm(values: dict[str, list[float]]) -> pd.DataFrame:
    n = len(values["adoption"])
    frame = pd.DataFrame({"replicate": range(n), "quarters": [60] * n})
    for short, column in METRICS.items():
        frame[column] = values[short]
    return frame


def test_paired_effect_is_the_paired_t_interval_with_censored_t50():
    low = _arm({"adoption": [0.5, 0.6, 0.7], "t50": [50, math.nan, 40],
                "fragmentation": [0.1] * 3, "trust": [0.4, 0.5, 0.45],
                "in_use": [0.2, 0.3, 0.25]})  # fmt: skip
    high = _arm({"adoption": [0.6, 0.65, 0.9], "t50": [45, 55, math.nan],
                 "fragmentation": [0.1] * 3, "trust": [0.3, 0.5, 0.4],
                 "in_use": [0.2, 0.4, 0.25]})  # fmt: skip
    e = paired_effect(low, high)
    mean, _, lo, hi, _ = mean_ci(np.array([0.1, 0.05, 0.2]))
    assert (e["adoption"]["mean"], e["adoption"]["low"], e["adoption"]["high"]) == pytest.approx(
        (mean, lo, hi)
    )
    assert e["t50"]["mean"] == pytest.approx(np.mean([-5, 55 - 60, 60 - 40]))
    assert (e["t50"]["censored_low"], e["t50"]["censored_high"]) == (1, 1)
    assert e["fragmentation"]["mean"] == 0 and e["adoption"]["n"] == 3
    assert e["in_use"]["mean"] == pytest.approx(0.1 / 3)


@pytest.mark.parametrize(
    ("expected", "low", "high", "verdict"),
    [
        ({"adoption": "+"}, 0.01, 0.02, "shown"),
        ({"adoption": "+"}, -0.01, 0.02, "not shown (adoption)"),
        ({"adoption": "+"}, -0.03, -0.02, "against (adoption)"),
        ({"adoption": "-"}, -0.03, -0.02, "shown"),
        ({"adoption": "±"}, -0.03, -0.02, "shown"),
        ({"adoption": "±"}, -0.03, 0.02, "not shown (adoption)"),
        ({"adoption": "+", "trust": "-"}, 0.01, 0.02, "against (trust)"),
        ({"adoption": "+"}, 0.0, 0.0, "inert (every paired difference 0)"),
    ],
)
def test_verdict(expected, low, high, verdict):
    row = dataclasses.replace(ROWS[0], expected=tuple(expected.items()))
    stats = {"mean": (low + high) / 2, "low": low, "high": high, "n": 10}
    assert docs_effects.verdict(row, dict.fromkeys(METRICS, stats)) == verdict


def test_arm_key_ignores_the_name_and_follows_reps_seed_and_code():
    row = next(r for r in ROWS if r.id == "standards")
    sc = arm_scenario(row, "low", "denmark", 1000)
    renamed = dataclasses.replace(sc, name="other")
    key = arm_key(sc, 10, 1, "abc")
    assert arm_key(renamed, 10, 1, "abc") == key
    assert len({key, arm_key(sc, 11, 1, "abc"), arm_key(sc, 10, 2, "abc")}) == 3
    assert arm_key(sc, 10, 1, "abd") != key


# ------------------------------------------------------------- document and command


def test_committed_section_has_every_row_in_both_countries():
    """docs/ODD.md holds a generated table with every row (regenerate after adding one)."""
    body = docs_effects.extract(ODD.read_text(encoding="utf-8"))
    assert body is not None and body.startswith(docs_effects.NOTE)
    for title in ("#### Rows", "#### Denmark", "#### Synthetic country"):
        assert title in body
    for row in ROWS:
        lines = [ln for ln in body.splitlines() if ln.startswith(f"| `{row.id}` |")]
        assert len(lines) == 1 + len(row.countries), f"{row.id}: run python -m sim.docs_effects"


def test_usage_errors_exit_2(tmp_path, capsys):
    bare = tmp_path / "bare.md"
    bare.write_text("# no markers\n")
    assert docs_effects.main(["--write", str(bare), "--quiet"]) == 2
    assert "markers for section 'effects' not found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as err:
        docs_effects.main(["--reps", "0"])
    assert err.value.code == 2
    bad = _rows_file(tmp_path, GOOD_ROW.replace("2.4", "99"))
    assert docs_effects.main(["--rows", str(bad), "--quiet", "--cache", str(tmp_path)]) == 2
    assert "decision.peer_weight = 99" in capsys.readouterr().err


@pytest.mark.slow
def test_generator_is_deterministic_and_well_formed(tmp_path):
    """Two rows, tiny replicates, empty caches twice: the same section byte for byte."""
    rows = ROWS_FILE.read_text(encoding="utf-8").split("[[effect]]")
    picked = [r for r in rows if 'id = "peer_weight"' in r or 'id = "sanctions"' in r]
    rows_file = _rows_file(tmp_path, "".join("[[effect]]" + r for r in picked))
    text = ODD.read_text(encoding="utf-8")
    outputs = []
    for run in ("a", "b", "a"):  # the last reuses cache "a"
        doc = tmp_path / f"ODD-{run}.md"
        doc.write_text(text, encoding="utf-8")
        args = ["--write", str(doc), "--rows", str(rows_file), "--reps", "3"]
        args += ["--reps-synthetic", "2", "--synthetic-size", "60", "--workers", "1"]
        assert docs_effects.main([*args, "--quiet", "--cache", str(tmp_path / run)]) == 0
        outputs.append(doc.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1] == outputs[2]
    body = docs_effects.extract(outputs[0])
    assert outputs[0].replace(body, "") == text.replace(docs_effects.extract(text), "")
    assert "--reps 3 --reps-synthetic 2 --synthetic-size 60" in body
    cell = r"[+-]\d+\.\d+ \[[+-]\d+\.\d+, [+-]\d+\.\d+\]"
    for rid in ("peer_weight", "sanctions"):
        lines = [ln for ln in body.splitlines() if ln.startswith(f"| `{rid}` |")]
        assert len(lines) == 1 + len(COUNTRIES)
        for line in lines[1:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert len(cells) == 2 + len(METRICS)  # row, one cell per metric, verdict
            assert all(re.fullmatch(cell + r"( \(censored \d+/\d+\))?", c) for c in cells[1:-1])
            assert re.fullmatch(r"shown|(not shown|against) \(.+\)", cells[-1])
    assert len(list((tmp_path / "a").glob("*.json"))) == 2 * 2 * len(COUNTRIES)
    csv_lines = (tmp_path / "data" / "mechanism-effects.csv").read_text().splitlines()
    assert len(csv_lines) == 1 + 2 * len(COUNTRIES) * len(METRICS)


def test_a_failing_run_names_its_row_and_exits_1(tmp_path, monkeypatch, capsys):
    """A model error inside a run is reported as the row and arm, without a traceback."""
    from sim.experiments import runner

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(runner, "EGovModel", broken)
    rows = _rows_file(tmp_path, GOOD_ROW)
    args = ["--rows", str(rows), "--reps", "2", "--workers", "1", "--quiet"]
    assert docs_effects.main([*args, "--cache", str(tmp_path / "cache")]) == 1
    err = capsys.readouterr().err
    assert "effect peer, " in err and "ValueError: boom" in err and "Traceback" not in err
    assert not list((tmp_path / "cache").glob("*.json"))
