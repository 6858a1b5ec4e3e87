"""Scenario loading: round trip, defaults, --set overrides and every error path."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

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
from sim.model.country import build_country, load_real
from sim.model.params import CountryParams, ModelParams

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS_DIR.glob("*.toml"))

GOOD = """\
# A mandate with money attached (test fixture).
[scenario]
name = "funded"
description = "funded mandate on two blocks"

[country]
name = "denmark"

[decision]
peer_weight = 1.0

[blocks.digital_post]
spillover_share = 0.6

[[instruments]]
type = "legislation"
start = 8
deadline = 24
[instruments.target]
blocks = ["digital_post", "portal"]
levels = ["municipal"]
regions = ["Region Hovedstaden", "1085"]

[[instruments]]
type = "financial_incentive"
start = 8
share = 0.75
[instruments.target]
blocks = ["digital_post"]
"""

HEAD = '[scenario]\ndescription = "test"\n'
MANDATE = '[[instruments]]\ntype = "legislation"\nstart = 8\ndeadline = 24\n'


def write(tmp_path: Path, body: str, name: str = "case") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def expect_error(path: Path, *fragments: str, overrides: tuple[str, ...] = ()) -> str:
    """Load, expect a ScenarioError, check it names the file and every fragment."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    message = str(info.value)
    for fragment in (path.name, *fragments):
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "\n" not in message
    return message


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
    ovs = ("time.n_quarters=8", "instruments.0.deadline=2", "decision.peer_weight=1")
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


# -------------------------------------------------------------------- error paths


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    expect_error(path, "file", "'" + str(path) + "'", "does not exist", "existing scenario file")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    path = tmp_path / "dir.toml"
    path.mkdir()
    expect_error(path, "file", "cannot be read", "readable file")


def test_not_toml(tmp_path: Path) -> None:
    expect_error(write(tmp_path, HEAD + "[country\nname = 1\n"), "toml", "line 3", "valid TOML")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'[scenario]\ndescription = "K\xf8benhavn"\n')
    expect_error(path, "file", "is not text", "UTF-8")


BAD_FILES = {
    "unknown_table": (
        HEAD + "[countrry]\nname = 'denmark'\n",
        (
            "countrry",
            "{'name': 'denmark'}",
            "unknown table",
            "'scenario', 'blocks', 'instruments', 'country'",
        ),
    ),
    "group_not_table": (
        'country = "denmark"\n' + HEAD,
        ("country", "'denmark'", "a [country] table"),
    ),
    "unknown_group_key": (
        HEAD + "[decision]\npeer_wieght = 1\n",
        ("decision.peer_wieght", "= 1", "unknown key", "'peer_weight'"),
    ),
    "wrong_type": (
        HEAD + '[country]\nn_municipalities = "many"\n',
        ("country.n_municipalities", "'many'", "an integer", "[2, 200000]"),
    ),
    "out_of_range": (HEAD + "[trust]\nloss_ratio = -1\n", ("trust.loss_ratio", "-1", "[0, 20]")),
    "bad_choice": (
        HEAD + '[country]\nname = "atlantis"\n',
        ("country.name", "'atlantis'", "one of ['synthetic'"),
    ),
    "too_many_regions": (
        HEAD + '[country]\nname = "synthetic"\nn_municipalities = 3\nn_regions = 5\n',
        ("country.n_regions", "= 5", "at most country.n_municipalities (3)"),
    ),
    "no_scenario_table": (
        '[country]\nname = "denmark"\n',
        ("scenario is missing", "a [scenario] table"),
    ),
    "scenario_not_table": ('scenario = "x"\n', ("scenario", "'x'", "a [scenario] table")),
    "no_description": (
        '[scenario]\nname = "x"\n',
        ("scenario.description is missing", "one-line string"),
    ),
    "empty_description": (
        '[scenario]\ndescription = " "\n',
        ("scenario.description", "' '", "non-empty"),
    ),
    "unknown_scenario_key": (
        HEAD + 'title = "x"\n',
        ("scenario.title", "'x'", "unknown key", "['name', 'description']"),
    ),
    "bad_name": (
        HEAD + 'name = "my scenario"\n',
        ("scenario.name", "'my scenario'", "letters, digits"),
    ),
    "instruments_not_list": (
        "instruments = 3\n" + HEAD,
        ("instruments", "= 3", "[[instruments]] tables"),
    ),
    "instruments_not_tables": (
        "instruments = [1]\n" + HEAD,
        ("instruments", "[1]", "[[instruments]] tables"),
    ),
    "instrument_no_type": (
        HEAD + "[[instruments]]\nstart = 1\n",
        ("instruments.0.type is missing", "'financial_incentive', 'legislation'"),
    ),
    "instrument_unknown_type": (
        HEAD + '[[instruments]]\ntype = "bribery"\n',
        ("instruments.0.type", "'bribery'", "'financial_incentive', 'legislation'"),
    ),
    "instrument_type_not_string": (
        HEAD + "[[instruments]]\ntype = 3\n",
        ("instruments.0.type", "= 3", "'legislation'"),
    ),
    "instrument_unknown_param": (
        HEAD + MANDATE + "[[instruments]]\ntype = 'financial_incentive'\nshares = 0.5\n",
        ("instruments.1.shares", "0.5", "unknown key", "'share'", "'budget'"),
    ),
    "instrument_bad_value": (
        HEAD + MANDATE + "intensity = 2\n",
        ("instruments.0.intensity", "= 2", "[0, 1]"),
    ),
    "instrument_bad_choice": (
        HEAD + MANDATE + 'run_by = "municipal"\n',
        ("instruments.0.run_by", "'municipal'", "['central', 'regional']"),
    ),
    "start_after_end": (
        HEAD + "[[instruments]]\ntype = 'financial_incentive'\nstart = 10\nend = 5\n",
        ("instruments.0.end", "= 5", "after start (10)"),
    ),
    "deadline_before_start": (
        HEAD + "[[instruments]]\ntype = 'legislation'\nstart = 10\ndeadline = 4\n",
        ("instruments.0.deadline", "= 4", "at or after start (10)"),
    ),
    "target_not_table": (
        HEAD + MANDATE + 'target = "all"\n',
        ("instruments.0.target", "'all'", "a [instruments.0.target] table"),
    ),
    "target_unknown_key": (
        HEAD + MANDATE + "[instruments.target]\nblock = ['eid']\n",
        ("instruments.0.target.block", "['eid']", "unknown key", "'blocks'", "'levels'"),
    ),
    "target_unknown_block": (
        HEAD + MANDATE + "[instruments.target]\nblocks = ['eid', 'fax']\n",
        ("instruments.0.target.blocks", "'fax'", "a block of the catalogue", "'digital_post'"),
    ),
    "target_blocks_not_list": (
        HEAD + MANDATE + "[instruments.target]\nblocks = 'eid'\n",
        ("instruments.0.target.blocks", "'eid'", "a list"),
    ),
    "target_bad_level": (
        HEAD + MANDATE + "[instruments.target]\nlevels = ['county']\n",
        ("instruments.0.target.levels", "'county'", "['central', 'regional', 'municipal']"),
    ),
    "target_bad_size_class": (
        HEAD + MANDATE + "[instruments.target]\nsize_classes = [7]\n",
        ("instruments.0.target.size_classes", "(7,)", "[0, 4]"),
    ),
    "target_unknown_region_real": (
        HEAD + MANDATE + "[instruments.target]\nregions = ['Jutland']\n",
        (
            "instruments.0.target.regions",
            "'Jutland'",
            "'Region Hovedstaden'",
            "'1084'",
            "of denmark",
        ),
    ),
    "target_unknown_region_synthetic": (
        HEAD
        + "[country]\nname = 'synthetic'\nn_regions = 3\n"
        + MANDATE
        + "[instruments.target]\nregions = ['R4']\n",
        ("instruments.0.target.regions", "'R4'", "['R1', 'R2', 'R3']", "'Region 3'"),
    ),
    "target_region_without_tier": (
        HEAD
        + "[country]\nname = 'synthetic'\nn_regions = 0\n"
        + MANDATE
        + "[instruments.target]\nregions = ['R1']\n",
        ("instruments.0.target.regions", "'R1'", "no regional tier"),
    ),
    "blocks_not_table": ("blocks = 3\n" + HEAD, ("blocks", "= 3", "a [blocks] table")),
    "blocks_unknown_block": (
        HEAD + "[blocks.fax]\nvisibility = 0.5\n",
        ("blocks.fax", "'fax'", "unknown block", "'digital_post'"),
    ),
    "blocks_unknown_field": (
        HEAD + "[blocks.eid]\nvisibilty = 0.5\n",
        ("blocks.eid.visibilty", "0.5", "unknown field", "'visibility'"),
    ),
    "blocks_bad_value": (
        HEAD + "[blocks.eid]\nvisibility = 1.5\n",
        ("blocks.eid.visibility", "1.5", "[0, 1]"),
    ),
    "blocks_override_not_table": (
        HEAD + "[blocks]\neid = 3\n",
        ("blocks.eid", "= 3", "a table of field = value"),
    ),
    "catalogue_missing": (
        HEAD + "[blocks]\ncatalogue = 'nope.toml'\n",
        (
            "blocks.catalogue",
            "'nope.toml'",
            "does not exist",
            "existing catalogue file",
            "nope.toml",
        ),
    ),
    "catalogue_not_string": (
        HEAD + "[blocks]\ncatalogue = 3\n",
        ("blocks.catalogue", "= 3", "a path to a catalogue"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_bad_scenario_files(tmp_path: Path, case: str) -> None:
    body, fragments = BAD_FILES[case]
    expect_error(write(tmp_path, body, name=case), *fragments)


def test_bad_catalogue_file_names_both_files(tmp_path: Path) -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace("visibility = ", "visibility = 7 #", 1)
    (tmp_path / "broken_blocks.toml").write_text(text, encoding="utf-8")
    path = write(tmp_path, HEAD + "[blocks]\ncatalogue = 'broken_blocks.toml'\n")
    expect_error(path, "broken_blocks.toml", "catalogue of", ".visibility", "= 7", "[0, 1]")


def test_duplicate_names_in_batch(tmp_path: Path) -> None:
    a = write(tmp_path, HEAD + 'name = "same"\n', name="a")
    b = write(tmp_path, HEAD + 'name = "same"\n', name="b")
    with pytest.raises(ScenarioError) as info:
        load_scenarios([a, b])
    message = str(info.value)
    for fragment in ("b.toml", "scenario.name", "'same'", "is a duplicate", "a.toml uses it too"):
        assert fragment in message


def test_synthetic_region_names_match_country_module() -> None:
    """The loader's region check must agree with what model init builds."""
    params = CountryParams(name="synthetic", n_municipalities=300, n_regions=12)
    built = build_country(params, np.random.default_rng(7))
    body = {
        "scenario": {"name": "r", "description": "regions"},
        "country": {"name": "synthetic", "n_municipalities": 300, "n_regions": 12},
        "instruments": [
            {
                "type": "legislation",
                "target": {"regions": [*built.region_codes, *built.region_names]},
            }
        ],
    }
    assert scenario_from_dict(body).instruments[0].params.target.regions[0] == built.region_codes[0]
    assert load_real("denmark").region_codes  # real presets do have regions to check against
