"""Scenario loading: every error path names the file, the key, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scenario_helpers import HEAD, MANDATE, expect_error, write

from sim.experiments.scenario import (
    ScenarioError,
    load_scenarios,
    scenario_from_dict,
)
from sim.model.blocks import DEFAULT_PATH
from sim.model.countries import build_country
from sim.model.country import load_real
from sim.model.params import CountryParams

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
        ("instruments.0.type is missing", "'financial_incentive'", "'legislation'"),
    ),
    "instrument_unknown_type": (
        HEAD + '[[instruments]]\ntype = "bribery"\n',
        ("instruments.0.type", "'bribery'", "'financial_incentive'", "'legislation'"),
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
