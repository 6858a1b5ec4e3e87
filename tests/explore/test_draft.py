"""Scenario editing in the explorer: every edit returns a new draft, validation is the loader's."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.experiments.overrides import ScenarioError
from sim.explore import draft as d

ROOT = Path(__file__).resolve().parents[2]
FUNDED = ROOT / "scenarios" / "funded_mandate.toml"


@pytest.fixture
def funded() -> d.Draft:
    return d.load_draft(FUNDED)


def test_load_names_the_draft_after_the_file_and_validates(funded):
    assert funded.name == "funded_mandate"
    assert funded.origin == str(FUNDED)
    sc = d.validate(funded)
    assert [s.type for s in sc.instruments] == ["legislation", "financial_incentive", "standards"]


def test_load_refuses_an_invalid_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\ndescription = "x"\n[decision]\npeer_weight = -1\n')
    with pytest.raises(ScenarioError, match="decision.peer_weight"):
        d.load_draft(bad)


def test_edits_return_new_drafts_and_leave_the_old_one(funded):
    before = funded.doc["instruments"][0].get("deadline")
    edited = d.set_instrument_value(funded, 0, "deadline", 12)
    assert funded.doc["instruments"][0].get("deadline") == before == 24
    assert d.validate(edited).instruments[0].params.deadline == 12
    assert d.validate(funded).instruments[0].params.deadline == 24


def test_none_returns_a_setting_to_its_default(funded):
    edited = d.set_instrument_value(funded, 1, "budget", None)
    assert "budget" not in edited.doc["instruments"][1]
    assert math.isinf(d.validate(edited).instruments[1].params.budget)
    assert d.instrument_value(edited, 1, "budget") == math.inf


def test_invalid_values_are_kept_but_fail_with_the_loaders_message(funded):
    edited = d.set_instrument_value(funded, 0, "deadline", 4)  # before start = 8
    with pytest.raises(ScenarioError) as err:
        d.validate(edited)
    text = str(err.value)
    assert "instruments.0.deadline" in text and "4" in text and "start (8)" in text


def test_unknown_setting_and_index_are_refused(funded):
    with pytest.raises(ScenarioError, match="instruments.1.deadline .*unknown key"):
        d.set_instrument_value(funded, 1, "deadline", 3)  # co-funding has no deadline
    with pytest.raises(ScenarioError, match="instruments.5 .*out of range"):
        d.set_instrument_value(funded, 5, "start", 3)


def test_add_and_remove_instruments(funded):
    added = d.add_instrument(funded, "soft_measures")
    assert [i["type"] for i in added.instruments] == [
        "legislation", "financial_incentive", "standards", "soft_measures",
    ]  # fmt: skip
    assert d.validate(added).instruments[3].type == "soft_measures"
    removed = d.remove_instrument(added, 0)
    assert [i["type"] for i in removed.instruments] == [
        "financial_incentive", "standards", "soft_measures",
    ]  # fmt: skip
    with pytest.raises(ScenarioError, match="one of"):
        d.add_instrument(funded, "bribery")


def test_target_blocks_all_when_empty(funded):
    one = d.set_target_blocks(funded, 0, ["eid"])
    assert d.target_blocks(one, 0) == ["eid"]
    assert d.validate(one).instruments[0].params.target.blocks == ("eid",)
    everything = d.set_target_blocks(one, 0, [])
    assert "target" not in everything.doc["instruments"][0]
    assert d.validate(everything).instruments[0].params.target.blocks == ()
    unknown = d.set_target_blocks(funded, 0, ["teleport"])
    with pytest.raises(ScenarioError, match="instruments.0.target.blocks"):
        d.validate(unknown)


def test_country_switches_and_synthetic_sizes(funded):
    synth = d.set_country(funded, "synthetic", n_municipalities=60, n_regions=3)
    sc = d.validate(synth)
    assert (sc.params.country.name, sc.params.country.n_municipalities) == ("synthetic", 60)
    back = d.set_country(synth, "estonia")
    assert back.country == {"name": "estonia"}  # synthetic-only keys dropped
    assert d.validate(back).params.country.name == "estonia"
    with pytest.raises(ScenarioError, match="country.name"):
        d.set_country(funded, "atlantis")


def test_blank_draft_is_valid():
    sc = d.validate(d.blank_draft("austria"))
    assert sc.params.country.name == "austria" and sc.instruments == ()


def test_instrument_fields_follow_the_type():
    names = [f.name for f in d.instrument_fields("legislation")]
    assert names == ["start", "end", "deadline", "intensity"]
    fields = {f.name: f for f in d.instrument_fields("financial_incentive")}
    assert {"share", "budget", "until"} <= set(fields)
    assert fields["share"].kind is float and fields["start"].kind is int
    assert fields["share"].bounds == (0.0, 1.0)
    assert d.instrument_types()[0] == "legislation"  # most formal first


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [("12", int, 12), ("12.0", int, 12), ("", int, None), ("1e8", float, 1e8),
     ("inf", float, math.inf), ("100_000", float, 100000.0), (" 0.5 ", float, 0.5)],
)  # fmt: skip
def test_parse_number(text, kind, value):
    assert d.parse_number(text, kind, "k") == value


@pytest.mark.parametrize(("text", "kind"), [("12.5", int), ("soon", int), ("x", float)])
def test_parse_number_errors_name_the_key(text, kind):
    with pytest.raises(ScenarioError, match=r"instruments.0.deadline = '.*' is not allowed"):
        d.parse_number(text, kind, "instruments.0.deadline")
