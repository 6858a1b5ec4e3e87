"""Which figures a report draws, from which tables, under which names (PNG and SVG).

Each figure is drawn only when its data exist: paired differences need two scenarios,
sensitivity bars a ``sensitivity.csv``, the map per-municipality finals of a real
country preset or of one user table (synthetic countries are drawn afresh from each
run's seed, so there is no single map to colour).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis import figures
from sim.analysis.figure_files import save_figure
from sim.analysis.plots import PANELS

if TYPE_CHECKING:
    from sim.experiments.store import ResultsStore

REAL_COUNTRIES = ("denmark", "estonia", "netherlands", "austria")
FINAL_PANELS = ("adoption_mun", "fragmentation", "trust_mc", "t50_adoption_mun")


def write_figures(store: ResultsStore, tables: dict[str, Any], folder: Path) -> list[str]:
    """Draw every applicable figure into ``folder``; return the names written (no suffix)."""
    summary: pd.DataFrame = tables["summary"]
    metrics: list[str] = tables["metrics"]
    written = []

    def save(fig: Any, name: str) -> None:
        save_figure(fig, folder / name)
        written.append(name)

    main = [m for m in PANELS if m in metrics]
    save(figures.bands_figure(summary, main), "adoption")
    blocks = [m for m in metrics if m.startswith("adoption_mun__")]
    if blocks:
        save(figures.bands_figure(summary, blocks, title="Municipal adoption by block"), "blocks")
    finals: pd.DataFrame = tables["finals"]
    present = [m for m in FINAL_PANELS if m in finals.columns]
    save(figures.distributions_figure(finals, present), "finals")
    if "paired" in tables:
        save(figures.forest_figure(tables["paired"], baseline=tables["baseline"]), "paired")
    if "sensitivity" in tables:
        save(figures.sensitivity_figure(tables["sensitivity"]), "sensitivity")
    values = map_values(store)
    if values is not None:
        country, by_scenario = values
        save(figures.map_figure(country, by_scenario), "map")
    return written


def _one_map(countries: list[dict[str, Any]]) -> Any:
    """The country all scenarios share: a real preset, or one user table (same hash).

    ``None`` when the scenarios differ, are synthetic, or the user's table is no longer
    where the manifest says (a moved results folder still reports, without its map).
    """
    from sim.model.country import load_real

    names = {c.get("name") for c in countries}
    if len(names) != 1:
        return None
    name = next(iter(names))
    if name in REAL_COUNTRIES:
        return load_real(name)
    if name != "custom" or len({c.get("table_sha256") for c in countries}) != 1:
        return None
    from sim.model.country_table import load_custom
    from sim.model.params import CountryParams

    try:
        return load_custom(CountryParams(**countries[0]))
    except (ValueError, TypeError):
        return None


def map_values(store: ResultsStore) -> tuple[Any, dict[str, np.ndarray]] | None:
    """Median final adoption per municipality and scenario, and the country to place it."""
    scenarios = store.manifest.get("scenarios", [])
    countries = [s.get("params", {}).get("country", {}) for s in scenarios]
    country = _one_map(countries)
    if country is None:
        return None
    mun = store.municipal()
    if mun is None or mun.empty:
        return None
    medians = mun.groupby(["scenario", "municipality"], sort=False)["adoption"].median()
    out = {}
    for scenario in store.scenario_order:
        if scenario in medians.index.get_level_values(0):
            series = medians.loc[scenario].sort_index()
            if len(series) == country.n_municipalities:
                out[scenario] = series.to_numpy(dtype=float)
    return (country, out) if out else None
