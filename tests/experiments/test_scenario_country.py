"""Scenario [country] checks: keys a preset cannot use, user tables, settable size laws."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from scenario_helpers import HEAD, SCENARIOS_DIR, expect_error, write

from sim.experiments.scenario import load_scenario
from sim.experiments.specs import content_hash, scenario_content
from sim.model.countries import build_country
from sim.model.country_table import file_sha256
from sim.model.params import CountryParams

EXAMPLE = SCENARIOS_DIR / "examples" / "custom_country_example.toml"
TABLE = "municipality,population,region\nA,1000,R\nB,2000,R\nC,30000,S\n"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("name = 'denmark'\nn_municipalities = 50\n", ["country.n_municipalities", "= 50"]),
        ("name = 'austria'\nsize_median = 3000\n", ["country.size_median", "'island_links'"]),
        ("name = 'synthetic'\nisland_links = 'isolated'\n", ["country.island_links"]),
        ("name = 'synthetic'\ntable = 'x.csv'\n", ["country.table", "'n_municipalities'"]),
        ("name = 'custom'\ntable = 't.csv'\nsize_fit = 'estonia'\n", ["country.size_fit"]),
    ],
)
def test_keys_the_preset_cannot_use_are_errors(tmp_path, body, words):
    (tmp_path / "t.csv").write_text(TABLE)
    path = write(tmp_path, HEAD + "[country]\n" + body)
    expect_error(path, *words, "is not used by this preset")


def test_law_specific_keys(tmp_path):
    body = HEAD + "[country]\nname = 'synthetic'\nsize_distribution = 'zipf'\nsize_sigma = 1\n"
    expect_error(write(tmp_path, body), "country.size_sigma", "size_distribution = 'lognormal'")
    body = HEAD + "[country]\nname = 'synthetic'\nzipf_exponent = 1\n"
    expect_error(write(tmp_path, body), "country.zipf_exponent", "'zipf'")


def test_unused_key_through_set_is_located_at_the_override(tmp_path):
    path = write(tmp_path, HEAD + "[country]\nname = 'denmark'\n")
    expect_error(
        path, "--set country.n_municipalities=9", overrides=("country.n_municipalities=9",)
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("largest = 50\nsize_min = 100\n", ["country.largest", "= 50", "at least size_min"]),
        ("size_median = 50\n", ["country.size_median", "between size_min"]),
        ("size_sigma = -1\n", ["country.size_sigma", "[0, 5]"]),
        ("size_distribution = 'pareto'\n", ["country.size_distribution", "'zipf'"]),
    ],
)
def test_bad_size_law_values(tmp_path, body, words):
    path = write(tmp_path, HEAD + "[country]\nname = 'synthetic'\n" + body)
    expect_error(path, *words)


@pytest.mark.parametrize("law", ["lognormal", "zipf"])
def test_settable_size_law(law):
    extra = {"size_sigma": 0.5} if law == "lognormal" else {"zipf_exponent": 1.2}
    params = CountryParams(
        name="synthetic", n_municipalities=3000, size_distribution=law,
        size_median=5000, size_min=500, largest=200_000, **extra,
    )  # fmt: skip
    pop = build_country(params, np.random.default_rng(1)).population
    assert pop.min() >= 500 and pop.max() <= 200_000
    assert 0.9 < np.median(pop) / 5000 < 1.1
    if law == "lognormal":
        assert np.log(pop).std() == pytest.approx(0.5, abs=0.03)
    else:  # capped top, so fit the exponent on the uncapped middle of the curve
        sizes = np.sort(pop)[::-1][99:2000].astype(float)  # the cap binds above rank 70
        slope = np.polyfit(np.log(np.arange(100, 2001)), np.log(sizes), 1)[0]
        assert -slope == pytest.approx(1.2, abs=0.02)


def test_unset_size_parameters_keep_the_preset_fit():
    fitted = CountryParams(name="synthetic", n_municipalities=400)
    explicit = CountryParams(
        name="synthetic", n_municipalities=400, size_median=float(np.exp(np.log(43431.2)))
    )
    a = build_country(fitted, np.random.default_rng(4)).population
    b = build_country(explicit, np.random.default_rng(4)).population
    assert np.allclose(a, b, rtol=1e-3)  # Denmark's fitted log-median is 43,431


def test_custom_table_is_resolved_hashed_and_validated(tmp_path):
    sc = load_scenario(EXAMPLE)
    country = sc.params.country
    assert Path(country.table).is_absolute() and Path(country.table).is_file()
    assert country.table_sha256 == file_sha256(Path(country.table))
    assert len(country.adjacency_sha256) == 64
    record = sc.to_dict()["params"]["country"]
    assert record["table_sha256"] == country.table_sha256  # in every manifest
    # moving the folder keeps the run key; editing a value in the table changes it
    copy = tmp_path / "moved"
    shutil.copytree(SCENARIOS_DIR / "data", copy / "data")
    (copy / "examples").mkdir()
    shutil.copy(EXAMPLE, copy / "examples" / EXAMPLE.name)
    moved = load_scenario(copy / "examples" / EXAMPLE.name)
    key = content_hash(scenario_content(sc))
    assert content_hash(scenario_content(moved)) == key
    table = copy / "data" / "example_country.csv"
    table.write_text(table.read_text().replace("4714", "4715"))
    assert content_hash(scenario_content(load_scenario(copy / "examples" / EXAMPLE.name))) != key


def test_custom_table_errors_name_scenario_key_row_and_column(tmp_path):
    (tmp_path / "t.csv").write_text(TABLE.replace("2000", "2k"))
    body = HEAD + "[country]\nname = 'custom'\ntable = 't.csv'\n"
    expect_error(write(tmp_path, body), "country.table (t.csv row 3, column 'population')",
                 "'2k'", "positive integer")  # fmt: skip
    expect_error(write(tmp_path, HEAD + "[country]\nname = 'custom'\n"), "country.table",
                 "is missing", "CSV file")  # fmt: skip
    body = HEAD + "[country]\nname = 'custom'\ntable = 'none.csv'\n"
    expect_error(write(tmp_path, body), "country.table", "'none.csv'", "does not exist")
    (tmp_path / "t.csv").write_text(TABLE)
    (tmp_path / "a.csv").write_text("municipality_a,municipality_b\nA,Q\n")
    body = HEAD + "[country]\nname = 'custom'\ntable = 't.csv'\nadjacency = 'a.csv'\n"
    expect_error(write(tmp_path, body), "country.adjacency (a.csv row 2", "'Q'")
    body = HEAD + "[country]\nname = 'custom'\ntable = 't.csv'\ntable_sha256 = 'abc'\n"
    expect_error(
        write(tmp_path, body), "country.table_sha256", "'abc'", file_sha256(tmp_path / "t.csv")
    )


def test_custom_regions_are_targetable(tmp_path):
    (tmp_path / "t.csv").write_text(TABLE)
    body = (
        HEAD
        + "[country]\nname = 'custom'\ntable = 't.csv'\n"
        + (
            "[[instruments]]\ntype = 'legislation'\nstart = 1\ndeadline = 4\n"
            "[instruments.target]\nregions = ['S']\n"
        )
    )
    assert load_scenario(write(tmp_path, body)).instruments[0].params.target.regions == ("S",)
    expect_error(write(tmp_path, body.replace("['S']", "['T']")), "regions", "'T'", "'S'")
