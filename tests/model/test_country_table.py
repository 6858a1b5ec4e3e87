"""User country tables (country.name = "custom"): format, errors, graph rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.model.countries import build_country
from sim.model.country import CountryDataError, load_real
from sim.model.country_table import file_sha256, load_custom
from sim.model.fields import ParameterError
from sim.model.params import CountryParams

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "data" / "example_country.csv"
EXAMPLE_ADJ = ROOT / "scenarios" / "data" / "example_country_adjacency.csv"

TABLE = """\
code,municipality,population,region,lat,lon
01,Alpha,12000,North,55.0,10.0
02,Beta,3000,North,55.1,10.1
03,Gamma,45000,South,54.0,10.0
04,Delta,800,South,54.1,10.2
05,Isle,400,South,53.5,11.5
"""


def _params(tmp_path: Path, table: str, adjacency: str | None = None, **kw) -> CountryParams:
    path = tmp_path / "t.csv"
    path.write_text(table, encoding="utf-8")
    adj = ""
    if adjacency is not None:
        (tmp_path / "a.csv").write_text(adjacency, encoding="utf-8")
        adj = str(tmp_path / "a.csv")
    return CountryParams(name="custom", table=str(path), adjacency=adj, **kw)


def _edges(country) -> set[tuple[str, str]]:
    coo = country.adjacency.tocoo()
    return {
        (country.codes[a], country.codes[b]) for a, b in zip(coo.row, coo.col, strict=True) if a < b
    }


def test_table_with_regions_and_coordinates(tmp_path):
    c = load_custom(_params(tmp_path, TABLE, neighbours=1))
    assert c.name == "custom" and c.n_municipalities == 5
    assert c.codes.tolist() == ["01", "02", "03", "04", "05"]  # leading zeros kept
    assert c.population.tolist() == [12000, 3000, 45000, 800, 400]
    assert c.region_names == ("North", "South") and c.region.tolist() == [0, 0, 1, 1, 1]
    # 1 nearest neighbour by distance, symmetrised: the far island joins its nearest
    assert _edges(c) == {("01", "02"), ("03", "04"), ("04", "05")}
    assert "t.csv" in c.provenance and file_sha256(tmp_path / "t.csv")[:16] in c.provenance


def test_adjacency_by_code_or_name_and_island_links(tmp_path):
    adj = "municipality_a,municipality_b\n01,Beta\nGamma,04\n"
    near = load_custom(_params(tmp_path, TABLE, adj))
    # Alpha and Beta have borders, Gamma-Delta too; Isle has none and is ferry-linked
    # to the nearest municipality that has one (Delta).
    assert _edges(near) == {("01", "02"), ("03", "04"), ("04", "05")}
    alone = load_custom(_params(tmp_path, TABLE, adj, island_links="isolated"))
    assert _edges(alone) == {("01", "02"), ("03", "04")}


def test_minimal_table_without_regions_codes_or_coordinates(tmp_path):
    table = "municipality,population,region\nA,100,\nB,200,\nC,300,\nD,50,\n"
    c = load_custom(_params(tmp_path, table, neighbours=2))
    assert c.codes.tolist() == ["A", "B", "C", "D"]  # the name is the code
    assert c.n_regions == 0 and np.all(c.region == -1)
    assert c.degree.min() >= 2 and "synthetic layout" in c.provenance
    (tmp_path / "copy").mkdir()
    again = load_custom(_params(tmp_path / "copy", table, neighbours=2))  # not the cache
    assert again is not c and np.array_equal(c.lat, again.lat)  # fixed layout


def test_adjacency_without_coordinates(tmp_path):
    table = "municipality,population,region\nA,100,\nB,200,\nC,300,\n"
    c = load_custom(_params(tmp_path, table, "municipality_a,municipality_b\nA,B\n"))
    assert _edges(c) == {("A", "B")}  # C has no border and no coordinates: isolated
    assert c.lat.shape == (3,) and np.isfinite(c.lat).all()  # placed for maps


def test_build_country_dispatches_and_uses_no_randomness(tmp_path):
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    c = build_country(_params(tmp_path, TABLE), rng)
    assert c.name == "custom" and rng.bit_generator.state == state


def test_example_is_estonian_subset():
    params = CountryParams(name="custom", table=str(EXAMPLE), adjacency=str(EXAMPLE_ADJ))
    c = load_custom(params)
    ee = load_real("estonia")
    assert c.n_municipalities == 32 and c.total_population == 887_276
    assert set(c.codes) <= set(ee.codes) and c.n_regions == 3
    assert c.degree.min() >= 1


BAD = [
    ("municipality,population\nA,1\n", None, ["t.csv", "row 1", "'region'", "missing"]),
    (TABLE.replace("lat,lon", "lat,longitude"), None, ["row 1", "'longitude'", "each column"]),
    (TABLE.replace(",lat,lon", ",lat").replace(",10.0\n", "\n"), None, ["'lon'", "both lat"]),
    (TABLE.replace("02,Beta", "02,Alpha"), None, ["row 3", "'municipality'", "row 2 has it"]),
    (TABLE.replace("02,Beta", "01,Beta"), None, ["row 3", "'code'", "unique"]),
    (TABLE.replace("3000", "-3000"), None, ["row 3", "'population'", "'-3000'", "positive"]),
    (TABLE.replace("3000", "0"), None, ["row 3", "'population'", "'0'"]),
    (TABLE.replace("3000", "many"), None, ["row 3", "'many'", "positive integer"]),
    (TABLE.replace("3000", "3e3"), None, ["'3e3'", "positive integer"]),
    (TABLE.replace("Beta,3000,North", "Beta,3000,"), None, ["row 3", "'region'", "on none"]),
    (TABLE.replace("55.1", "95.1"), None, ["row 3", "'lat'", "'95.1'", "[-90, 90]"]),
    (TABLE.replace("55.1,10.1", "55.1"), None, ["row 3", "fields"]),
    ("municipality,population,region\n", None, ["row 2", "at least one row"]),
    (TABLE, "municipality_a,municipality_b\n01,Zeta\n", ["a.csv", "row 2", "'Zeta'", "listed"]),
    (TABLE, "municipality_a,municipality_b\n01,Alpha\n", ["a.csv", "self-loops"]),
    (TABLE, "from,to\n01,02\n", ["a.csv", "row 1", "exactly the columns"]),
]


@pytest.mark.parametrize(("table", "adjacency", "words"), BAD)
def test_bad_tables_name_file_row_column_value(tmp_path, table, adjacency, words):
    with pytest.raises(CountryDataError) as err:
        load_custom(_params(tmp_path, table, adjacency))
    for word in words:
        assert word in str(err.value), str(err.value)


def test_missing_file_and_changed_file(tmp_path):
    with pytest.raises(ParameterError, match="existing CSV"):
        load_custom(CountryParams(name="custom", table=str(tmp_path / "none.csv")))
    params = _params(tmp_path, TABLE)
    pinned = CountryParams(**{**params.__dict__, "table_sha256": "0" * 64})
    with pytest.raises(ParameterError, match="table_sha256.*file changed"):
        load_custom(pinned)


@pytest.mark.parametrize(("name", "recall"), [("denmark", 0.93), ("austria", 0.80)])
def test_distance_graph_recovers_real_borders(tmp_path, name, recall):
    """A user table without borders: k-NN by distance finds most real borders (ODD §5)."""
    real = load_real(name, "isolated")
    rows = ["code,municipality,population,region,lat,lon"]
    rows += [
        f"{c},{c},{p},{r},{la},{lo}"
        for c, p, r, la, lo in zip(real.codes, real.population, real.region, real.lat, real.lon,
                                   strict=True)
    ]  # fmt: skip
    built = load_custom(_params(tmp_path, "\n".join(rows) + "\n"))
    knn, borders = _edges(built), _edges(real)
    assert len(knn & borders) / len(borders) >= recall
    assert 5 <= 2 * len(knn) / built.n_municipalities <= 6.5
