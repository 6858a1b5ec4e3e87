import os
import shutil

import numpy as np
import pytest
import scipy.sparse as sp

from sim.model.countries import build_country
from sim.model.country import (
    DATA_DIR,
    SIZE_CLASS_LABELS,
    Country,
    CountryDataError,
    load_real,
    size_class,
)
from sim.model.country_synthetic import fit_zipf, make_synthetic
from sim.model.fields import ParameterError
from sim.model.params import CountryParams

# name: (municipalities, regions, total population, islands)
EXPECTED = {
    "denmark": (98, 5, 5_932_561, 7),
    "estonia": (79, 15, 1_323_401, 4),
    "netherlands": (342, 12, 17_811_291, 5),
    "austria": (2_095, 9, 8_932_664, 1),
}


def _check_adjacency(c: Country) -> None:
    adj = c.adjacency
    assert isinstance(adj, sp.csr_array)
    assert adj.shape == (c.n_municipalities, c.n_municipalities)
    assert adj.dtype == np.float64
    assert (adj != adj.T).nnz == 0
    assert np.all(adj.diagonal() == 0)
    assert set(np.unique(adj.data)) <= {1.0}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_presets_load_with_documented_counts(name):
    m, r, total, n_islands = EXPECTED[name]
    c = load_real(name)
    assert (c.n_municipalities, c.n_regions, c.total_population) == (m, r, total)
    assert len(set(c.codes)) == m
    assert c.population.dtype == np.int64 and c.population.min() > 0
    assert c.region.min() == 0 and c.region.max() == r - 1
    assert list(c.region_codes) == sorted(c.region_codes)
    assert len(c.region_names) == r
    _check_adjacency(c)
    assert np.all(c.degree > 0)
    assert name in c.provenance and "csv" in c.provenance
    isolated = load_real(name, "isolated")
    _check_adjacency(isolated)
    assert int((isolated.degree == 0).sum()) == n_islands
    # "nearest" adds exactly one ferry link per island
    assert c.adjacency.nnz - isolated.adjacency.nnz == 2 * n_islands


def test_codes_keep_leading_zeros():
    c = load_real("denmark")
    assert c.codes[0] == "0101"
    assert load_real("estonia").region_codes[0].startswith("0")


def test_islands_link_to_mainland():
    c = load_real("denmark")
    names = list(c.names)
    for island, port in [("Bornholm", "Dragør"), ("Læsø", "Frederikshavn"), ("Fanø", "Esbjerg")]:
        i = names.index(island)
        nbrs = c.names[c.adjacency.indices[c.adjacency.indptr[i] : c.adjacency.indptr[i + 1]]]
        assert list(nbrs) == [port]


def test_real_is_cached_and_read_only():
    a, b = load_real("denmark"), load_real("denmark")
    assert a is b
    with pytest.raises(ValueError):
        a.population[0] = 1
    with pytest.raises(ValueError):
        a.adjacency.data[0] = 5.0
    assert (a.adjacency @ np.ones(a.n_municipalities)).sum() > 0


def test_build_country_dispatches():
    rng = np.random.default_rng(0)
    assert build_country(CountryParams(name="estonia"), rng).n_municipalities == 79
    c = build_country(CountryParams(name="synthetic", n_municipalities=30), rng)
    assert c.name == "synthetic" and c.n_municipalities == 30


def test_unknown_names_rejected():
    with pytest.raises(ParameterError, match="france"):
        load_real("france")
    with pytest.raises(ParameterError, match="bridge"):
        load_real("denmark", "bridge")


def _synthetic(seed, **kw):
    return make_synthetic(CountryParams(name="synthetic", **kw), np.random.default_rng(seed))


@pytest.mark.parametrize("law", ["lognormal", "zipf"])
def test_synthetic_is_deterministic(law):
    a = _synthetic(1, n_municipalities=300, size_distribution=law)
    b = _synthetic(1, n_municipalities=300, size_distribution=law)
    c = _synthetic(2, n_municipalities=300, size_distribution=law)
    for key in ("codes", "population", "region", "lat", "lon"):
        assert np.array_equal(getattr(a, key), getattr(b, key))
    assert (a.adjacency != b.adjacency).nnz == 0
    assert not np.array_equal(a.population, c.population)
    assert not np.array_equal(a.lat, c.lat)


@pytest.mark.parametrize("law", ["lognormal", "zipf"])
@pytest.mark.parametrize("fit", ["denmark", "austria"])
def test_synthetic_sizes_and_degrees_plausible(law, fit):
    c = _synthetic(3, n_municipalities=2_000, size_distribution=law, size_fit=fit, neighbours=5)
    real = load_real(fit).population
    assert c.population.dtype == np.int64 and c.population.min() >= 100
    ratio = np.median(c.population) / np.median(real)
    assert 0.7 < ratio < 1.4
    _check_adjacency(c)
    assert c.degree.min() >= 5
    assert 5 <= c.degree.mean() <= 8
    assert np.all((c.lat >= 54) & (c.lat <= 58) & (c.lon >= 8) & (c.lon <= 13))
    assert c.n_regions == 5 and set(c.region) == set(range(5))
    assert law in c.provenance and fit in c.provenance


def test_zipf_fit_recovers_exponent():
    pop = 1e6 * np.arange(1, 500, dtype=float) ** -0.8
    assert fit_zipf(pop) == pytest.approx(0.8, abs=1e-9)


def test_synthetic_regions_are_spatial():
    c = _synthetic(4, n_municipalities=1_000, n_regions=4)
    # neighbours mostly share a region when regions are Voronoi cells
    coo = c.adjacency.tocoo()
    assert np.mean(c.region[coo.row] == c.region[coo.col]) > 0.8


def test_synthetic_without_regional_tier():
    c = _synthetic(5, n_municipalities=50, n_regions=0)
    assert c.n_regions == 0 and c.region_codes == () and c.region_names == ()
    assert np.all(c.region == -1)


def test_synthetic_too_many_regions_rejected():
    with pytest.raises(ParameterError, match="n_regions"):
        _synthetic(0, n_municipalities=3, n_regions=4)


def test_synthetic_tiny_and_large():
    tiny = _synthetic(6, n_municipalities=2, n_regions=2, neighbours=10)
    assert tiny.adjacency.nnz == 2
    big = _synthetic(7, n_municipalities=50_000, n_regions=100)
    assert big.n_municipalities == 50_000 and len(set(big.codes)) == 50_000
    assert np.bincount(big.region).min() > 0


def test_size_class():
    pop = np.array([100, 4_999, 5_000, 19_999, 20_000, 50_000, 99_999, 100_000, 700_000])
    assert size_class(pop).tolist() == [0, 0, 1, 1, 2, 3, 3, 4, 4]
    assert len(SIZE_CLASS_LABELS) == 5


# ------------------------------------------------------------------ bad tables


@pytest.fixture
def data_dir(tmp_path):
    for f in ("denmark.csv", "denmark_adjacency.csv"):
        shutil.copy(DATA_DIR / f, tmp_path / f)
    return tmp_path


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_copied_table_loads(data_dir):
    assert load_real("denmark", data_dir=data_dir).n_municipalities == 98


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("denmark.csv", "0147,Frederiksberg", "0101,Frederiksberg", ["0101", "not already used"]),
        ("denmark.csv", ",104664,", ",-104664,", ["-104664", "positive integer"]),
        ("denmark.csv", ",104664,", ",10.5e4,", ["10.5e4", "positive integer"]),
        ("denmark.csv", "55.68000", "north", ["'north'", "lat", "number in"]),
        ("denmark.csv", "55.68000", "95.0", ["'95.0'", "number in"]),
        ("denmark.csv", ",population,", ",inhabitants,", ["population", "columns"]),
        ("denmark_adjacency.csv", "0101,0147", "0101,9999", ["9999", "municipality_code listed"]),
        ("denmark_adjacency.csv", "0101,0147", "0101,0101", ["0101", "different codes"]),
        ("denmark_adjacency.csv", "code_b", "code_c", ["code_b", "columns"]),
    ],
)
def test_bad_tables_are_reported(data_dir, file, old, new, expected):
    _edit(data_dir / file, old, new)
    with pytest.raises(CountryDataError) as err:
        load_real("denmark", data_dir=data_dir)
    msg = str(err.value)
    assert file in msg and "row " in msg
    for word in expected:
        assert word in msg


def test_bad_row_number_is_reported(data_dir):
    _edit(data_dir / "denmark.csv", ",104664,", ",0,")
    with pytest.raises(CountryDataError) as err:
        load_real("denmark", data_dir=data_dir)
    assert err.value.row == 3 and err.value.column == "population" and err.value.value == "0"


def test_cache_sees_edited_file(data_dir):
    assert load_real("denmark", data_dir=data_dir).population[1] == 104_664
    path = data_dir / "denmark.csv"
    _edit(path, ",104664,", ",104665,")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert load_real("denmark", data_dir=data_dir).population[1] == 104_665
