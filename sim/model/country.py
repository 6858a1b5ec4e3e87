"""Country presets: the municipalities, their sizes, regions and neighbours.

A :class:`Country` is the static map every model run starts from. Real presets are read
from the tables in ``sim/data/countries/`` (see PROVENANCE.md there); synthetic presets
(:mod:`sim.model.country_synthetic`) are drawn from the model's generator so that a
batch can explore countries of any size (up to 200,000 municipalities); a user's own
table is read by :mod:`sim.model.country_table`. Everything is plain numpy arrays plus
one ``scipy.sparse`` adjacency matrix, because the vectorised kernels work on arrays,
not on agent objects.
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from sim.model.fields import ParameterError

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "countries"
REAL_COUNTRIES = ("denmark", "estonia", "netherlands", "austria")
ISLAND_LINKS = ("nearest", "isolated")
_ID_COLUMNS = ("municipality_code", "municipality_name", "region_code", "region_name")
COLUMNS = (*_ID_COLUMNS, "population", "year", "lat", "lon")
ADJ_COLUMNS = ("code_a", "code_b")
SIZE_CLASS_BREAKS = (5_000, 20_000, 50_000, 100_000)
SIZE_CLASS_LABELS = ("<5k", "5k-20k", "20k-50k", "50k-100k", ">=100k")
EARTH_RADIUS_KM = 6371.0


class CountryDataError(ValueError):
    """A country table that breaks its format.

    The message names the file, the row (1 = header), the column, the value and what is
    allowed, so a user can fix the table without reading this module.
    """

    def __init__(self, file: str, row: int, column: str, value: object, allowed: str):
        self.file, self.row, self.column = file, row, column
        self.value, self.allowed = value, allowed
        shown = "missing" if value is None else f"{value!r} is not allowed"
        super().__init__(f"{file}: row {row}, column {column!r}: {shown}; expected {allowed}")


@dataclass(frozen=True, eq=False)
class Country:
    """The municipalities of one country, as read-only parallel arrays.

    Attributes:
        name: Preset name ("denmark", ..., "synthetic").
        codes: (M,) municipality codes as strings, leading zeros kept.
        names: (M,) municipality names.
        population: (M,) int64 inhabitants, all > 0.
        region: (M,) int64 index into ``region_names``; all -1 without a regional tier.
        region_codes: Region codes, sorted (so the index is deterministic).
        region_names: Region names, parallel to ``region_codes``.
        lat: (M,) latitude of a representative point, degrees.
        lon: (M,) longitude of a representative point, degrees.
        adjacency: (M, M) symmetric 0/1 float64 ``csr_array`` with zero diagonal.
        provenance: One line saying where the country came from.
    """

    name: str
    codes: np.ndarray
    names: np.ndarray
    population: np.ndarray
    region: np.ndarray
    region_codes: tuple[str, ...]
    region_names: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    adjacency: sp.csr_array
    provenance: str

    def __post_init__(self) -> None:
        """Check shapes once and freeze the arrays, since presets are shared via a cache."""
        m = len(self.codes)
        arrays = (self.codes, self.names, self.population, self.region, self.lat, self.lon)
        if any(a.shape != (m,) for a in arrays) or self.adjacency.shape != (m, m):
            raise ValueError(f"Country arrays disagree on the number of municipalities ({m})")
        adj = self.adjacency
        for arr in (*arrays, adj.data, adj.indices, adj.indptr):
            arr.setflags(write=False)

    @property
    def n_municipalities(self) -> int:
        """Number of municipalities M."""
        return len(self.codes)

    @property
    def n_regions(self) -> int:
        """Number of regions (0 = no regional tier)."""
        return len(self.region_codes)

    @property
    def total_population(self) -> int:
        """Inhabitants of the whole country."""
        return int(self.population.sum())

    @functools.cached_property
    def degree(self) -> np.ndarray:
        """(M,) number of neighbours of each municipality (read-only)."""
        deg = np.asarray(self.adjacency.sum(axis=1)).astype(np.int64).ravel()
        deg.setflags(write=False)
        return deg


def size_class(population: np.ndarray) -> np.ndarray:
    """Size class per municipality: 0 <5k, 1 5-20k, 2 20-50k, 3 50-100k, 4 >=100k.

    Instrument targets ("municipalities under 20k") and outputs group by these classes,
    so they are defined once here; labels are in ``SIZE_CLASS_LABELS``.
    """
    return np.searchsorted(SIZE_CLASS_BREAKS, np.asarray(population), side="right").astype(np.int64)


# --------------------------------------------------------------------- real presets


def load_real(name: str, island_links: str = "nearest", data_dir: Path | None = None) -> Country:
    """Load a real country from ``<name>.csv`` and ``<name>_adjacency.csv``.

    Island municipalities (no adjacency row) are, with ``island_links="nearest"``,
    linked to the nearest *mainland* municipality (one that has a land border) by
    great-circle distance: a "ferry link". Linking to the nearest municipality of any
    kind would let neighbouring islands pair off (Ærø-Langeland, Vlieland-Terschelling)
    and stay cut off from the mainland. ``"isolated"`` leaves islands with degree 0.

    Parsed countries are cached by file path and modification time, because a batch
    builds thousands of models; the returned arrays are read-only so the cache is safe.

    Raises:
        ParameterError: unknown preset name or island rule.
        CountryDataError: a table breaks the format (see :class:`CountryDataError`).
    """
    if name not in REAL_COUNTRIES:
        raise ParameterError("name", name, f"one of {list(REAL_COUNTRIES)}")
    if island_links not in ISLAND_LINKS:
        raise ParameterError("island_links", island_links, f"one of {list(ISLAND_LINKS)}")
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    table, adj = folder / f"{name}.csv", folder / f"{name}_adjacency.csv"
    for path in (table, adj):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: country table not found")
    stamps = (table.stat().st_mtime_ns, adj.stat().st_mtime_ns)
    return _load_real_cached(name, island_links, str(folder.resolve()), stamps)


@functools.lru_cache(maxsize=64)
def _load_real_cached(
    name: str, island_links: str, folder: str, stamps: tuple[int, int]
) -> Country:
    """Parse, validate and assemble a real country (cached; ``stamps`` invalidate it)."""
    table = _read_table(Path(folder) / f"{name}.csv")
    codes = table["municipality_code"]
    pairs = _read_adjacency(Path(folder) / f"{name}_adjacency.csv", codes)
    adjacency = _symmetric_adjacency(pairs[:, 0], pairs[:, 1], len(codes))
    lat = np.array(table["lat"], dtype=np.float64)
    lon = np.array(table["lon"], dtype=np.float64)
    islands = np.flatnonzero(np.diff(adjacency.indptr) == 0)
    if island_links == "nearest" and 0 < len(islands) < len(codes):
        adjacency = _link_islands(adjacency, islands, lat, lon)
    region_codes = tuple(sorted(set(table["region_code"])))
    region_name_of = dict(zip(table["region_code"], table["region_name"], strict=True))
    index = {c: i for i, c in enumerate(region_codes)}
    years = "-".join(sorted(set(table["year"])))
    rule = "ferry-linked to nearest mainland" if island_links == "nearest" else "isolated"
    return Country(
        name=name,
        codes=np.array(codes, dtype=str),
        names=np.array(table["municipality_name"], dtype=str),
        population=np.array(table["population"], dtype=np.int64),
        region=np.array([index[c] for c in table["region_code"]], dtype=np.int64),
        region_codes=region_codes,
        region_names=tuple(region_name_of[c] for c in region_codes),
        lat=lat,
        lon=lon,
        adjacency=adjacency,
        provenance=f"sim/data/countries/{name}.csv ({years}); {len(islands)} islands {rule}",
    )


def _read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV as (line number, row) pairs after checking the header."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        for col in required:
            if col not in header:
                raise CountryDataError(
                    path.name, 1, col, None, f"the columns {', '.join(required)}"
                )
        rows = []
        for row in reader:
            if None in row or any(row[c] is None for c in required):
                raise CountryDataError(
                    path.name, reader.line_num, "*", row.get(None), f"{len(header)} fields"
                )
            rows.append((reader.line_num, {c: row[c].strip() for c in required}))
    return rows


def _read_table(path: Path) -> dict[str, list]:
    """Read and validate a municipality table into columns (population int, lat/lon float)."""
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    seen: dict[str, int] = {}
    region_name: dict[str, str] = {}
    for line, row in _read_rows(path, COLUMNS):
        code = row["municipality_code"]
        if not code or code in seen:
            allowed = f"a non-empty code not already used (row {seen.get(code)})"
            raise CountryDataError(path.name, line, "municipality_code", code, allowed)
        seen[code] = line
        reg = row["region_code"]
        if not reg:
            raise CountryDataError(path.name, line, "region_code", reg, "a non-empty code")
        if region_name.setdefault(reg, row["region_name"]) != row["region_name"]:
            allowed = f"the same name as earlier rows of region {reg} ({region_name[reg]!r})"
            raise CountryDataError(path.name, line, "region_name", row["region_name"], allowed)
        row["population"] = _parse_int(path, line, "population", row["population"], 1)
        _parse_int(path, line, "year", row["year"], 1)
        row["lat"] = _parse_float(path, line, "lat", row["lat"], 90.0)
        row["lon"] = _parse_float(path, line, "lon", row["lon"], 180.0)
        for c in COLUMNS:
            cols[c].append(row[c])
    if not seen:
        raise CountryDataError(path.name, 2, "municipality_code", None, "at least one row")
    return cols


def _parse_int(path: Path, line: int, column: str, text: str, low: int) -> int:
    """Parse an integer >= ``low`` written in plain digits (no "1e5", no "12.0")."""
    if not text.isdigit() or int(text) < low:
        raise CountryDataError(path.name, line, column, text, f"a positive integer (>= {low})")
    return int(text)


def _parse_float(path: Path, line: int, column: str, text: str, bound: float) -> float:
    """Parse a finite number in [-bound, bound] (degrees)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        raise CountryDataError(
            path.name, line, column, text, f"a number in [-{bound:g}, {bound:g}]"
        )
    return value


def _read_adjacency(path: Path, codes: list[str]) -> np.ndarray:
    """Read border pairs as an (E, 2) array of municipality indices."""
    index = {c: i for i, c in enumerate(codes)}
    pairs = []
    for line, row in _read_rows(path, ADJ_COLUMNS):
        for col in ADJ_COLUMNS:
            if row[col] not in index:
                allowed = f"a municipality_code listed in {path.name.replace('_adjacency', '')}"
                raise CountryDataError(path.name, line, col, row[col], allowed)
        if row["code_a"] == row["code_b"]:
            allowed = "two different codes (no self-loops)"
            raise CountryDataError(path.name, line, "code_b", row["code_b"], allowed)
        pairs.append((index[row["code_a"]], index[row["code_b"]]))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _symmetric_adjacency(a: np.ndarray, b: np.ndarray, m: int) -> sp.csr_array:
    """Undirected 0/1 adjacency from edge lists (duplicates and both orders collapse)."""
    off = a != b
    rows = np.concatenate([a[off], b[off]])
    cols = np.concatenate([b[off], a[off]])
    adj = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(m, m))
    adj.sum_duplicates()
    adj.data[:] = 1.0
    adj.sort_indices()
    return adj


def _great_circle_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Haversine distance from one point to many, in km."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlam = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def _link_islands(
    adj: sp.csr_array, islands: np.ndarray, lat: np.ndarray, lon: np.ndarray
) -> sp.csr_array:
    """Add a ferry link from each island to its nearest mainland municipality."""
    mainland = np.setdiff1d(np.arange(adj.shape[0]), islands)
    near = [
        mainland[np.argmin(_great_circle_km(lat[i], lon[i], lat[mainland], lon[mainland]))]
        for i in islands
    ]
    coo = adj.tocoo()
    a = np.concatenate([coo.row, islands])
    b = np.concatenate([coo.col, np.array(near, dtype=np.int64)])
    return _symmetric_adjacency(a, b, adj.shape[0])
