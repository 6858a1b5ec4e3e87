"""A country from the user's own municipality table (``country.name = "custom"``).

Real programmes run in countries the presets do not cover, or in a country as it will
be after a merger reform; a user then writes the municipalities down in a CSV file.
The format is deliberately small (docs/ODD.md §6.1, README "Scenario files"):

- ``municipality`` (required): a name, unique and non-empty.
- ``population`` (required): a positive integer written in plain digits.
- ``region`` (required column): the region's name on every row, or empty on every row
  for a country without a regional tier. A mix is an error: the model has no rule for
  municipalities outside every region of a country that has regions.
- ``code`` (optional): unique and non-empty; default: the name.
- ``lat``, ``lon`` (optional, both or neither): a representative point, degrees.

Any other column is an error, so a misspelt ``lat`` never silently drops coordinates.
The neighbour graph is, in this order of preference: the border pairs of
``country.adjacency`` (columns ``municipality_a, municipality_b``, each a code or a
name; islands ferry-linked by ``country.island_links`` when coordinates exist); else the
``country.neighbours`` nearest neighbours by great-circle distance; else, without
coordinates, the synthetic layout (uniform points from a fixed seed, so the map is the
same in every replicate) with the same k-nearest-neighbour rule.
"""

from __future__ import annotations

import csv
import functools
import hashlib
from pathlib import Path

import numpy as np

from sim.model.country import (
    Country,
    CountryDataError,
    _link_islands,
    _parse_float,
    _parse_int,
    _symmetric_adjacency,
)
from sim.model.country_synthetic import SYNTHETIC_LAT, SYNTHETIC_LON, knn_adjacency
from sim.model.fields import ParameterError
from sim.model.params import CountryParams

REQUIRED = ("municipality", "population", "region")
OPTIONAL = ("code", "lat", "lon")
ADJ_COLUMNS = ("municipality_a", "municipality_b")
LAYOUT_SEED = 20261206
"""Seed of the layout of a table without coordinates: fixed, so every replicate and
every scenario of a batch sees the same map."""


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), recorded so results name the exact table."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_custom(params: CountryParams) -> Country:
    """Build the country of ``params.table`` (and ``params.adjacency``), validated.

    Raises:
        ParameterError: a missing file, or a file whose hash differs from the pinned
            ``table_sha256`` / ``adjacency_sha256`` (the file changed after loading).
        CountryDataError: a table breaks the format (file, row, column, value, allowed).
    """
    paths = [Path(params.table)] + ([Path(params.adjacency)] if params.adjacency else [])
    stamps = []
    for key, path in zip(("table", "adjacency"), paths, strict=False):
        if not path.is_file():
            raise ParameterError(key, str(path), "an existing CSV file")
        stamps.append((str(path.resolve()), path.stat().st_mtime_ns, path.stat().st_size))
    country, hashes = _load_cached(tuple(stamps), params.neighbours, params.island_links)
    for key, pinned, actual in zip(
        ("table_sha256", "adjacency_sha256"),
        (params.table_sha256, params.adjacency_sha256),
        hashes,
        strict=False,
    ):
        if pinned and pinned != actual:
            allowed = f"the hash of the file as loaded ({actual[:16]}...): the file changed"
            raise ParameterError(key, pinned, allowed)
    return country


@functools.lru_cache(maxsize=16)
def _load_cached(
    stamps: tuple[tuple[str, int, int], ...], neighbours: float, island_links: str
) -> tuple[Country, tuple[str, ...]]:
    """Parse and assemble (cached by path, modification time and size)."""
    table = Path(stamps[0][0])
    cols = read_table(table)
    m = len(cols["municipality"])
    lat, lon = cols.get("lat"), cols.get("lon")
    hashes = [file_sha256(table)]
    if len(stamps) > 1:
        adj_path = Path(stamps[1][0])
        pairs = read_pairs(adj_path, cols["code"], cols["municipality"])
        adjacency = _symmetric_adjacency(pairs[:, 0], pairs[:, 1], m)
        islands = np.flatnonzero(np.diff(adjacency.indptr) == 0)
        if lat is not None and island_links == "nearest" and 0 < len(islands) < m:
            adjacency = _link_islands(adjacency, islands, lat, lon)
        hashes.append(file_sha256(adj_path))
        graph = f"borders from {adj_path.name}, {len(islands)} without a border"
        if lat is None:  # placed for maps only; the borders are the graph
            lat, lon = _layout(m)[1:]
    else:
        adjacency, lat, lon, graph = _spatial_graph(lat, lon, m, neighbours)
    regions = sorted({r for r in cols["region"] if r})
    index = {r: i for i, r in enumerate(regions)}
    country = Country(
        name="custom",
        codes=np.array(cols["code"], dtype=str),
        names=np.array(cols["municipality"], dtype=str),
        population=np.array(cols["population"], dtype=np.int64),
        region=np.array([index.get(r, -1) for r in cols["region"]], dtype=np.int64),
        region_codes=tuple(regions),
        region_names=tuple(regions),
        lat=lat,
        lon=lon,
        adjacency=adjacency,
        provenance=f"{table.name} (sha256 {hashes[0][:16]}); {graph}",
    )
    return country, tuple(hashes)


def _spatial_graph(lat: np.ndarray | None, lon: np.ndarray | None, m: int, k: float):
    """The k nearest neighbours on the sphere, or on the synthetic layout without coordinates.

    On the sphere the points are unit vectors: the straight-line (chord) distance
    between them grows with the great-circle distance, so the k nearest by chord are
    the k nearest on the Earth.
    """
    if lat is None:
        xy, lat, lon = _layout(m)
        return knn_adjacency(xy, k), lat, lon, f"no coordinates: synthetic layout, {k:g}-NN"
    phi, lam = np.radians(lat), np.radians(lon)
    xyz = np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
    return knn_adjacency(xyz, k), lat, lon, f"{k:g} nearest neighbours by distance"


def _layout(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-square points from the fixed ``LAYOUT_SEED``, and their lat/lon in the box."""
    xy = np.random.default_rng(LAYOUT_SEED).random((m, 2))
    lat = SYNTHETIC_LAT[0] + xy[:, 1] * (SYNTHETIC_LAT[1] - SYNTHETIC_LAT[0])
    lon = SYNTHETIC_LON[0] + xy[:, 0] * (SYNTHETIC_LON[1] - SYNTHETIC_LON[0])
    return xy, lat, lon


def _header(path: Path, reader: csv.DictReader) -> list[str]:
    """Check the header: required columns present, no unknown ones, lat and lon together."""
    header = [h.strip() for h in (reader.fieldnames or [])]
    known = (*REQUIRED, *OPTIONAL)
    for col in REQUIRED:
        if col not in header:
            raise CountryDataError(path.name, 1, col, None, f"the columns {', '.join(REQUIRED)}")
    for col in header:
        if col not in known or header.count(col) > 1:
            allowed = f"each column once, from {', '.join(known)}"
            raise CountryDataError(path.name, 1, col, col, allowed)
    if ("lat" in header) != ("lon" in header):
        missing = "lon" if "lat" in header else "lat"
        raise CountryDataError(path.name, 1, missing, None, "both lat and lon, or neither")
    return header


def read_table(path: Path) -> dict[str, list]:
    """Read and validate a user municipality table into columns.

    Returns columns ``municipality``, ``population`` (int), ``region``, ``code`` and,
    when given, ``lat`` and ``lon`` as float arrays.
    """
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = _header(path, reader)
        rows = []
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                allowed = f"{len(header)} fields, as in the header"
                raise CountryDataError(path.name, reader.line_num, "*", row.get(None), allowed)
            clean = {k.strip(): v.strip() for k, v in row.items()}
            rows.append((reader.line_num, clean))
    if not rows:
        raise CountryDataError(path.name, 2, "municipality", None, "at least one row")
    cols = _columns(path, rows, header)
    _check_regions(path, rows)
    return cols


def _columns(path: Path, rows: list[tuple[int, dict[str, str]]], header: list[str]) -> dict:
    """Parse the values row by row, checking names and codes are unique."""
    cols: dict[str, list] = {"municipality": [], "population": [], "region": [], "code": []}
    coords: dict[str, list[float]] = {"lat": [], "lon": []}
    seen: dict[str, dict[str, int]] = {"municipality": {}, "code": {}}
    for line, row in rows:
        row.setdefault("code", row["municipality"])
        for col in ("municipality", "code"):
            value, first = row[col], seen[col].get(row[col])
            if not value or first is not None:
                allowed = "a non-empty value" + (f" (row {first} has it too)" if first else "")
                raise CountryDataError(path.name, line, col, value, allowed + ", unique")
            seen[col][value] = line
        cols["population"].append(_parse_int(path, line, "population", row["population"], 1))
        for col in ("municipality", "region", "code"):
            cols[col].append(row[col])
        if "lat" in header:
            coords["lat"].append(_parse_float(path, line, "lat", row["lat"], 90.0))
            coords["lon"].append(_parse_float(path, line, "lon", row["lon"], 180.0))
    if "lat" in header:
        cols.update({k: np.array(v, dtype=np.float64) for k, v in coords.items()})
    return cols


def _check_regions(path: Path, rows: list[tuple[int, dict[str, str]]]) -> None:
    """A region on every row or on none: the first row decides which."""
    first_line, first = rows[0]
    for line, row in rows[1:]:
        if bool(row["region"]) != bool(first["region"]):
            allowed = (
                f"a region on every row or on none (row {first_line} "
                f"{'has one' if first['region'] else 'has none'})"
            )
            raise CountryDataError(path.name, line, "region", row["region"], allowed)


def read_pairs(path: Path, codes: list[str], names: list[str]) -> np.ndarray:
    """Read border pairs (each cell a code or a name) as an (E, 2) index array."""
    index = {n: i for i, n in enumerate(names)}
    index.update({c: i for i, c in enumerate(codes)})  # a code wins over an equal name
    pairs = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        allowed = f"exactly the columns {', '.join(ADJ_COLUMNS)}"
        for col in ADJ_COLUMNS:
            if col not in header:
                raise CountryDataError(path.name, 1, col, None, allowed)
        for col in header:
            if col not in ADJ_COLUMNS or header.count(col) > 1:
                raise CountryDataError(path.name, 1, col, col, allowed)
        for row in reader:
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            for col in ADJ_COLUMNS:
                if row.get(col, "") not in index:
                    allowed = "a code or municipality name listed in the municipality table"
                    raise CountryDataError(path.name, reader.line_num, col, row.get(col), allowed)
            a, b = index[row["municipality_a"]], index[row["municipality_b"]]
            if a == b:
                allowed = "two different municipalities (no self-loops)"
                value = row["municipality_b"]
                raise CountryDataError(path.name, reader.line_num, ADJ_COLUMNS[1], value, allowed)
            pairs.append((a, b))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
