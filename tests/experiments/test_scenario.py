"""Scenario loading: round trip, defaults and --set overrides (errors: test_scenario_errors)."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import pytest
from scenario_helpers import GOOD, HEAD, SHIPPED, expect_error, write

from sim.experiments.scenario import (
    InstrumentSpec,
    Scenario,
    ScenarioError,
    apply_overrides,
    load_scenario,
    load_scenarios,
    scenario_from_dict,
)
from sim.instruments.financial import FinancialIncentive
from sim.instruments.legislation import Legislation
from sim.model.blocks import DEFAULT_PATH, load_catalogue
from sim.model.params import ModelParams

# ------------------------------------------------------------------ good scenarios


def test_good_scenario_round_trips(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    sc = load_scenario(path)
    assert sc.name == "funded"
    assert sc.description == "funded mandate on two blocks"
    assert sc.path == path
    assert sc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert sc.params.decision.peer_weight == 1.0
    assert sc.catalogue["digital_post"].spillover_share == 0.6
    assert [s.type for s in sc.instruments] == ["legislation", "financial_incentive"]
    leg = sc.instruments[0].params
    assert (leg.start, leg.deadline) == (8, 24)
    assert leg.target.blocks == ("digital_post", "portal")
    assert leg.target.regions == ("Region Hovedstaden", "1085")
    assert sc.overrides == ()
    # to_dict is strict JSON (the open-ended pool is a string, not null) and complete.
    data = json.loads(json.dumps(sc.to_dict(), allow_nan=False))
    assert data["params"]["decision"]["peer_weight"] == 1.0
    assert data["instruments"][1]["params"]["budget"] == "inf"
    assert data["instruments"][0]["params"]["target"]["blocks"] == ["digital_post", "portal"]
    assert data["catalogue"]["blocks"]["digital_post"]["spillover_share"] == 0.6
    assert data["sha256"] == sc.sha256


def test_defaults_applied(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, HEAD, name="plain_one"))
    assert sc.name == "plain_one"  # default: file stem
    assert sc.params == ModelParams()
    assert sc.catalogue == load_catalogue()
    assert sc.instruments == ()
    assert sc.build_instruments() == []


def test_instruments_are_fresh_per_build(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, GOOD))
    first, second = sc.build_instruments(), sc.build_instruments()
    assert isinstance(first[0], Legislation) and isinstance(first[1], FinancialIncentive)
    assert first[0] is not second[0]
    assert first[0].p == sc.instruments[0].params


def test_scenario_is_frozen_and_pickles(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, GOOD))
    with pytest.raises(AttributeError):
        sc.name = "other"  # type: ignore[misc]
    back = pickle.loads(pickle.dumps(sc))
    assert back == sc
    assert back.catalogue.keys == sc.catalogue.keys
    assert back.catalogue.sources["digital_post"]["spillover_share"].startswith("override:")


def test_scenario_from_dict() -> None:
    raw = {
        "scenario": {"name": "inline", "description": "built in code"},
        "country": {"name": "synthetic", "n_municipalities": 40},
        "instruments": [{"type": "legislation", "start": 2, "deadline": 6}],
    }
    sc = scenario_from_dict(raw)
    assert (sc.name, sc.path, sc.sha256) == ("inline", None, "")
    assert sc.params.country.n_municipalities == 40
    assert isinstance(sc.instruments[0], InstrumentSpec)
    with pytest.raises(ScenarioError, match=r"<dict>: scenario.name is missing"):
        scenario_from_dict({"scenario": {"description": "no name"}})


def test_catalogue_file_relative_to_scenario(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mine.toml").write_bytes(DEFAULT_PATH.read_bytes())
    body = HEAD + '[blocks]\ncatalogue = "data/mine.toml"\n[blocks.eid]\nvisibility = 0.5\n'
    sc = load_scenario(write(tmp_path, body))
    assert sc.catalogue.keys == load_catalogue().keys
    assert sc.catalogue["eid"].visibility == 0.5


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenarios_load(path: Path) -> None:
    sc = load_scenario(path)
    assert sc.description
    assert isinstance(sc, Scenario)


def test_shipped_scenarios_exist() -> None:
    if not SHIPPED:
        pytest.skip("no scenarios/*.toml yet")
    assert len({s.name for s in load_scenarios(SHIPPED)}) == len(SHIPPED)


# ----------------------------------------------------------------------- overrides


def test_set_changes_params(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    overrides = (
        "country.name=synthetic",
        "country.n_municipalities=5000",
        "trust.loss_ratio=2",
        "instruments.0.deadline=30",
        "instruments.0.target.regions=[]",
        'instruments.1.target.blocks=["eid", "portal"]',
        "blocks.eid.visibility=0.4",
        "scenario.description=changed on the command line",
    )
    sc = load_scenario(path, overrides)
    assert sc.params.country.name == "synthetic"
    assert sc.params.country.n_municipalities == 5000
    assert sc.params.trust.loss_ratio == 2.0
    assert isinstance(sc.params.trust.loss_ratio, float)
    assert sc.instruments[0].params.deadline == 30
    assert sc.instruments[0].params.target.regions == ()
    assert sc.instruments[1].params.target.blocks == ("eid", "portal")
    assert sc.catalogue["eid"].visibility == 0.4
    assert sc.description == "changed on the command line"
    assert sc.overrides == overrides
    assert sc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()  # the file's, still


def test_apply_overrides_never_mutates() -> None:
    raw = {"country": {"name": "denmark"}, "instruments": [{"type": "legislation"}]}
    snapshot = json.dumps(raw)
    out = apply_overrides(
        raw, ["country.name=estonia", "instruments.0.start=3", "time.n_quarters=8"]
    )
    assert json.dumps(raw) == snapshot
    assert out["country"]["name"] == "estonia"
    assert out["instruments"][0]["start"] == 3
    assert out["time"] == {"n_quarters": 8}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("decision.peer_weight=2", 2),
        ("decision.peer_weight=0.5", 0.5),
        ("country.name=synthetic", "synthetic"),
        ('country.name="synthetic"', "synthetic"),
        ("scenario.description=two words", "two words"),
        ("x.flag=true", True),
        ('x.list=["a", "b"]', ["a", "b"]),
        ("x.inf=inf", float("inf")),
    ],
)
def test_override_values_are_toml_or_bare_strings(text: str, value: object) -> None:
    group, rest = text.split("=", 1)[0].split(".")
    assert apply_overrides({}, [text])[group][rest] == value


def test_set_value_is_validated(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    ov = "country.n_municipalities=1"
    msg = expect_error(
        path, f"--set {ov}", "country.n_municipalities", "= 1", "[2, 200000]", overrides=(ov,)
    )
    assert msg.startswith(f"{path} (--set {ov}): ")


def test_set_error_blames_the_right_override(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    ovs = ("time.n_quarters=12", "instruments.0.deadline=2", "decision.peer_weight=1")
    expect_error(
        path,
        "--set instruments.0.deadline=2",
        "instruments.0.deadline",
        "= 2",
        "at or after start (8)",
        overrides=ovs,
    )


def test_file_error_reported_before_overrides(tmp_path: Path) -> None:
    # An override of the same key replaces the bad value: that scenario is valid.
    load_scenario(
        write(tmp_path, HEAD + "[decision]\npeer_weight = -1\n", "fixed"),
        ["decision.peer_weight=1"],
    )
    path = write(tmp_path, HEAD + "[decision]\npeer_weight = -1\n")
    msg = expect_error(
        path, "decision.peer_weight", overrides=("trust.loss_ratio=1", "time.n_quarters=4")
    )
    assert "--set" not in msg


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        (
            "country.n_municipalities",
            ("--set country.n_municipalities", "is malformed", "KEY=VALUE"),
        ),
        ("n_quarters=8", ("--set n_quarters=8", "n_quarters", "'8'", "dotted key path")),
        (".x=1", ("--set .x=1", "dotted key path")),
        (
            "instruments.2.deadline=30",
            ("instruments.2", "= 2 is out of range", "0 to 1", "has 2 instruments"),
        ),
        (
            "instruments.first.start=3",
            ("instruments.first", "'first'", "not an index", "2 instruments"),
        ),
        ("country.name.x=1", ("country.name", "'denmark'", "is not a table", "a table")),
        ("countyr.name=estonia", ("countyr", "unknown table", "'country'")),
        ("decision.peer_wieght=2", ("decision.peer_wieght", "= 2", "peer_weight")),
        ("country.name=atlantis", ("country.name", "'atlantis'", "'synthetic'")),
        (
            'instruments.0.target.levels=["county"]',
            ("instruments.0.target.levels", "county", "'municipal'"),
        ),
        ("blocks.eid.visibility=2", ("blocks.eid.visibility", "= 2", "[0, 1]")),
        ("blocks.catalogue=nowhere.toml", ("blocks.catalogue", "'nowhere.toml'", "does not exist")),
    ],
)
def test_bad_overrides(tmp_path: Path, override: str, fragments: tuple[str, ...]) -> None:
    path = write(tmp_path, GOOD)
    expect_error(path, f"--set {override}", *fragments, overrides=(override,))


def test_set_index_into_empty_instruments(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD)
    expect_error(
        path,
        "instruments.0",
        "out of range",
        "has 0 instruments",
        overrides=("instruments.0.deadline=30",),
    )
