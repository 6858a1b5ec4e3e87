"""Where and when: the country preset and the calendar.

Declared with :func:`sim.model.fields.param`: unit, bounds, default and source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sim.model.fields import ParameterError, Validated, param


@dataclass(frozen=True)
class CountryParams(Validated):
    """Which country preset to build, and the shape of synthetic and user countries.

    A key that the chosen preset cannot use (a size law on a real preset, a table on a
    synthetic one) is rejected by the scenario loader (``PRESET_KEYS``), so a value
    that would be ignored never looks as if it had been applied.
    """

    name: str = param(
        "denmark",
        unit="-",
        doc="country preset: real municipality tables, a synthetic country, or custom "
        "(the user's own table)",
        choices=("synthetic", "denmark", "estonia", "netherlands", "austria", "custom"),
    )
    table: str = param(
        "",
        source="user input (the scenario file)",
        unit="path",
        doc="custom only: municipality table (CSV: municipality, population, region; "
        "optional code, lat, lon), relative to the scenario file",
    )
    adjacency: str = param(
        "",
        source="user input (the scenario file)",
        unit="path",
        doc="custom only: optional border pairs (CSV: municipality_a, municipality_b; "
        "codes or names); without it, k nearest neighbours by lat/lon",
    )
    table_sha256: str = param(
        "",
        source="user input (the scenario file)",
        unit="hex",
        doc="custom only: SHA-256 of the table file, filled in by the scenario loader "
        "(if written, the file must match) and checked when the model is built",
    )
    adjacency_sha256: str = param(
        "",
        source="user input (the scenario file)",
        unit="hex",
        doc="custom only: SHA-256 of the adjacency file, as table_sha256",
    )
    n_municipalities: int = param(
        200,
        unit="municipalities",
        bounds=(2, 200_000),
        doc="synthetic only: number of municipalities",
    )
    n_regions: int = param(
        5, unit="regions", bounds=(0, 1000), doc="synthetic only: regions (0 = no regional tier)"
    )
    size_distribution: str = param(
        "lognormal",
        unit="-",
        doc="synthetic only: municipal size law; each of its parameters left unset is "
        "fitted to size_fit",
        choices=("lognormal", "zipf"),
    )
    size_fit: str = param(
        "denmark",
        unit="-",
        doc="synthetic only: real country whose fit fills the size parameters left unset",
        choices=("denmark", "estonia", "netherlands", "austria"),
    )
    size_median: float | None = param(
        None,
        unit="inhabitants",
        bounds=(1.0, 1e8),
        source="unset: fitted to size_fit (sim/data/countries: Denmark 43,431, Estonia "
        "8,206, Netherlands 35,180, Austria 1,942 as exp of the log mean)",
        doc="synthetic only: median municipal size (log-normal: exp of the log mean; "
        "Zipf: median of the rank-size curve)",
    )
    size_sigma: float | None = param(
        None,
        unit="log inhabitants",
        bounds=(0.0, 5.0),
        source="unset: fitted to size_fit (Denmark 0.81, Estonia 1.02, Netherlands 0.83, "
        "Austria 0.91)",
        doc="synthetic, log-normal only: standard deviation of log population (the tail)",
    )
    zipf_exponent: float | None = param(
        None,
        unit="-",
        bounds=(0.05, 3.0),
        source="unset: fitted to size_fit (Denmark 0.74, Estonia 0.97, Netherlands 0.78, "
        "Austria 0.86)",
        doc="synthetic, Zipf only: exponent alpha of size = scale x rank^-alpha",
    )
    size_min: int = param(
        100,
        unit="inhabitants",
        bounds=(1, 1_000_000),
        doc="synthetic only: floor of every drawn size (every municipality has inhabitants)",
    )
    largest: int | None = param(
        None,
        unit="inhabitants",
        bounds=(1, 100_000_000),
        doc="synthetic only: cap on every drawn size (unset: no cap)",
    )
    neighbours: float = param(
        5.0,
        unit="neighbours",
        bounds=(1.0, 30.0),
        doc="synthetic, and custom without adjacency: k nearest neighbours linked "
        "(symmetrised, mean degree ~1.2k)",
    )
    price_level: float | None = param(
        None,
        unit="x Denmark",
        bounds=(0.05, 5.0),
        source="unset: the preset's level (sim/model/country_money.py: Eurostat price "
        "level index of household consumption, 2020-2022 mean, relative to Denmark: "
        "Estonia 0.63, Netherlands 0.81, Austria 0.76); synthetic and custom 1.0",
        doc="prices relative to Denmark; multiplies every euro amount of the model",
    )
    island_links: str = param(
        "nearest",
        unit="-",
        doc="real presets, and custom with adjacency and lat/lon: ferry-link islands to "
        "the nearest mainland municipality or isolate them",
        choices=("nearest", "isolated"),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.largest is not None and self.largest < self.size_min:
            allowed = f"at least size_min ({self.size_min})"
            raise ParameterError("largest", self.largest, allowed)
        median = self.size_median
        if median is not None and not self.size_min <= median <= (self.largest or median):
            allowed = f"between size_min ({self.size_min}) and largest ({self.largest})"
            raise ParameterError("size_median", median, allowed)


_SYNTHETIC_KEYS = ("n_municipalities", "n_regions", "size_distribution", "size_fit")
_SIZE_KEYS = ("size_median", "size_min", "largest", "neighbours")
#: Keys of ``country`` each preset uses, besides ``name``; any other key written in a
#: scenario is an error (see :func:`unused_country_key`).
PRESET_KEYS: dict[str, tuple[str, ...]] = {
    "synthetic": (*_SYNTHETIC_KEYS, *_SIZE_KEYS, "size_sigma", "zipf_exponent"),
    "custom": ("table", "adjacency", "table_sha256", "adjacency_sha256", "neighbours"),
    **{real: ("island_links",) for real in ("denmark", "estonia", "netherlands", "austria")},
}
PRESET_KEYS["custom"] += ("island_links",)
for _keys in PRESET_KEYS:
    PRESET_KEYS[_keys] += ("price_level",)
_LAW_ONLY = {"size_sigma": "lognormal", "zipf_exponent": "zipf"}


def unused_country_key(params: CountryParams, keys: Iterable[str]) -> tuple[str, str] | None:
    """The first written key the preset (or the size law) ignores, with what is allowed.

    Returns ``None`` when every key is used. The allowed text lists the keys that do
    apply, so the message tells the user what to write instead.
    """
    usable = PRESET_KEYS[params.name]
    for key in keys:
        if key == "name":
            continue
        if key not in usable:
            allowed = f"for country.name = {params.name!r} only the keys {['name', *usable]}"
            return key, allowed
        law = _LAW_ONLY.get(key)
        if law is not None and params.size_distribution != law:
            return key, f"only with country.size_distribution = {law!r}"
    return None


@dataclass(frozen=True)
class TimeParams(Validated):
    """Horizon and election calendar."""

    n_quarters: int = param(
        60, unit="quarters", bounds=(1, 400), doc="simulated horizon (15 years)"
    )
    election_period: int = param(
        16,
        unit="quarters",
        bounds=(0, 40),
        doc="quarters between elections at each level (0: no elections)",
    )
    election_offset_central: int = param(
        6, unit="quarters", bounds=(0, 39), doc="quarter of the first central election"
    )
    election_offset_regional: int = param(
        11, unit="quarters", bounds=(0, 39), doc="quarter of the first regional election"
    )
    election_offset_municipal: int = param(
        11, unit="quarters", bounds=(0, 39), doc="quarter of the first municipal election"
    )
