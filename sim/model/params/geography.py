"""Where and when: the country preset and the calendar.

Declared with :func:`sim.model.fields.param`: unit, bounds, default and source.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.fields import Validated, param


@dataclass(frozen=True)
class CountryParams(Validated):
    """Which country preset to build, and the shape of synthetic countries."""

    name: str = param(
        "denmark",
        unit="-",
        doc="country preset: real municipality tables or a synthetic country",
        choices=("synthetic", "denmark", "estonia", "netherlands", "austria"),
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
        doc="synthetic only: municipal size law (lognormal, or Zipf fitted to a real country)",
        choices=("lognormal", "zipf"),
    )
    size_fit: str = param(
        "denmark",
        unit="-",
        doc="synthetic only: real country whose municipal sizes the law is fitted to",
        choices=("denmark", "estonia", "netherlands", "austria"),
    )
    neighbours: float = param(
        5.0,
        unit="neighbours",
        bounds=(1.0, 30.0),
        doc="synthetic only: k nearest neighbours linked (symmetrised, mean degree ~1.2k)",
    )
    island_links: str = param(
        "nearest",
        unit="-",
        doc="real presets: ferry-link islands to the nearest mainland municipality or isolate them",
        choices=("nearest", "isolated"),
    )


@dataclass(frozen=True)
class TimeParams(Validated):
    """Horizon and election calendar."""

    n_quarters: int = param(
        60, unit="quarters", bounds=(1, 400), doc="simulated horizon (15 years)"
    )
    election_period: int = param(
        16, unit="quarters", bounds=(4, 40), doc="quarters between elections at each level"
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
