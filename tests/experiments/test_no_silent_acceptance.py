"""Nothing silently ignored: preset-unused country keys and instruments that never act."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import HEAD, MANDATE, expect_error, write

from sim.cli import main
from sim.experiments.scenario import load_scenario
from sim.model.params.geography import PRESET_KEYS

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("key", ["n_municipalities", "n_regions", "neighbours"])
@pytest.mark.parametrize("preset", ["denmark", "estonia"])
def test_synthetic_only_key_on_real_preset(tmp_path, preset, key):
    value = 4.0 if key == "neighbours" else 7
    path = write(tmp_path, HEAD + f'[country]\nname = "{preset}"\n{key} = {value}\n')
    expect_error(path, f"country.{key}", f"= {value!r} is not used by this preset", preset)


def test_synthetic_only_key_by_set_on_default_preset(capsys):
    base = str(REPO / "scenarios" / "baseline.toml")
    assert main(["validate", base, "--set", "country.n_municipalities=5000"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"error {base} (--set country.n_municipalities=5000): country.n_municipalities = 5000 "
        "is not used by this preset; expected for country.name = 'denmark' only the keys "
        "['name', 'island_links', 'price_level']"
    )


def test_preset_key_lists():
    assert set(PRESET_KEYS["synthetic"]) >= {"n_municipalities", "n_regions", "size_distribution"}
    assert PRESET_KEYS["denmark"] == ("island_links", "price_level")


def test_real_only_key_on_synthetic(tmp_path):
    body = HEAD + '[country]\nname = "synthetic"\nisland_links = "isolated"\n'
    expect_error(write(tmp_path, body), "country.island_links", "not used by this preset")


def test_synthetic_keys_on_synthetic_are_fine(tmp_path):
    body = HEAD + '[country]\nname = "synthetic"\nn_municipalities = 40\nn_regions = 3\n'
    sc = load_scenario(write(tmp_path, body))
    assert sc.params.country.n_municipalities == 40


@pytest.mark.parametrize(
    ("start", "quarters", "ok"), [(59, 60, True), (60, 60, False), (80, 60, False)]
)
def test_instrument_starting_after_the_horizon(tmp_path, start, quarters, ok):
    body = (
        HEAD
        + f"[time]\nn_quarters = {quarters}\n"
        + MANDATE.replace("start = 8", f"start = {start}")
    )
    body = body.replace("deadline = 24", f"deadline = {max(start, 24)}")
    path = write(tmp_path, body)
    if ok:
        assert load_scenario(path).instruments[0].params.start == start
    else:
        expect_error(path, "instruments.0.start", f"= {start} means it never acts",
                     f"before the horizon's end (time.n_quarters = {quarters})")  # fmt: skip


def test_instrument_ended_before_it_could_act_is_caught_by_end(tmp_path):
    body = HEAD + "[time]\nn_quarters = 20\n" + MANDATE.replace("start = 8", "start = 30\nend = 40")
    expect_error(write(tmp_path, body.replace("deadline = 24", "deadline = 30")),
                 "instruments.0.start", "never acts", "time.n_quarters = 20")  # fmt: skip


def test_sanction_announced_after_the_horizon(tmp_path):
    sanction = '[[instruments]]\ntype = "sanctions"\nstart = 0\ndeadline = 70\nlead = 8\n'
    path = write(tmp_path, HEAD + sanction)
    expect_error(path, "instruments.0.deadline", "= 70 means it never acts", "deadline - lead = 62")
    assert load_scenario(write(tmp_path, HEAD + sanction.replace("70", "67"), "ok")).instruments


def test_short_horizon_by_set_names_the_override(capsys):
    path = str(REPO / "scenarios" / "funded_mandate.toml")
    assert main(["validate", path, "--quarters", "8"]) == 1
    err = capsys.readouterr().err
    assert "(--set time.n_quarters=8): instruments.0.start = 8 means it never acts" in err
