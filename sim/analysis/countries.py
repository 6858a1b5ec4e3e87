"""Country presets side by side: size distribution, regions and shape of the network.

The model's real presets differ most in what a country's municipalities look like:
98 large Danish municipalities after the 2007 reform, 2,095 Austrian ones mostly under
5,000 inhabitants. Adoption differences between countries start there (capacity and
integration costs scale with size), so the countries notebook shows these tables
before any run.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.model.country import SIZE_CLASS_LABELS, Country, size_class

DPI = 100


def country_overview(countries: Mapping[str, Country]) -> pd.DataFrame:
    """One row per country: municipalities, regions, population, size quantiles, network.

    Args:
        countries: Label -> country (e.g. from :func:`sim.model.country.build_country`).
    """
    rows = []
    for label, c in countries.items():
        pop = c.population.astype(float)
        members = np.bincount(c.region[c.region >= 0], minlength=c.n_regions)
        rows.append({
            "country": label,
            "municipalities": c.n_municipalities,
            "regions": c.n_regions,
            "population_million": c.total_population / 1e6,
            "median_municipality": float(np.median(pop)),
            "largest_share": float(pop.max() / pop.sum()),
            "municipalities_per_region": float(np.median(members)) if c.n_regions else np.nan,
            "mean_neighbours": float(c.degree.mean()),
        })  # fmt: skip
    return pd.DataFrame(rows).set_index("country")


def size_class_table(countries: Mapping[str, Country]) -> pd.DataFrame:
    """Share of municipalities in each size class (the classes instruments target)."""
    data = {
        label: np.bincount(size_class(c.population), minlength=len(SIZE_CLASS_LABELS))
        / c.n_municipalities
        for label, c in countries.items()
    }
    return pd.DataFrame(data, index=pd.Index(SIZE_CLASS_LABELS, name="size class")).T


def size_distribution_figure(countries: Mapping[str, Country]) -> Figure:
    """Complementary CDF of municipal population per country, log-log.

    A straight tail is Zipf-like; the curve's left end shows how many very small
    municipalities a country has, which is what drives the size gap in adoption.
    """
    if not countries:
        raise ValueError("size_distribution_figure: no countries were given")
    fig = Figure(figsize=(6.4, 4.2), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    for k, (label, c) in enumerate(countries.items()):
        pop = np.sort(c.population.astype(float))[::-1]
        ccdf = np.arange(1, pop.size + 1) / pop.size
        ax.step(pop, ccdf, where="post", color=f"C{k % 10}", lw=1.6,
                label=f"{label} ({c.n_municipalities})")  # fmt: skip
    ax.set(xscale="log", yscale="log", xlabel="municipal population",
           ylabel="share of municipalities at least this large",
           title="Municipal size distribution")  # fmt: skip
    ax.grid(alpha=0.3, which="both")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8)
    return fig
