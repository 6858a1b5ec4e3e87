"""Country presets side by side: size distribution, regions and shape of the network.

The model's real presets differ most in what a country's municipalities look like:
98 large Danish municipalities after the 2007 reform, 2,095 Austrian ones mostly under
5,000 inhabitants. Adoption differences between countries start there (capacity and
integration costs scale with size), so the countries notebook shows these tables
before any run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.figures import metric_label, require
from sim.analysis.summary import summarise
from sim.model.country import SIZE_CLASS_LABELS, Country, size_class

if TYPE_CHECKING:
    from sim.experiments.store import ResultsStore

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


def stack_finals(stores: Mapping[str, ResultsStore], columns: Sequence[str]) -> pd.DataFrame:
    """The finals of one results store per country, stacked with a ``country`` column.

    Each country runs as its own experiment (a country preset is a scenario setting),
    so comparing countries means reading several stores side by side.
    """
    frames = []
    for label, store in stores.items():
        f = store.finals(["scenario", "point", "replicate", *columns])
        frames.append(f.assign(country=label, scenario=f["scenario"].astype(str)))
    return pd.concat(frames, ignore_index=True)


def stack_summaries(stores: Mapping[str, ResultsStore], metric: str) -> pd.DataFrame:
    """Median and p10–p90 of ``metric`` by country × scenario × quarter."""
    frames = [
        summarise(store.runs([metric]), metrics=[metric]).assign(country=label)
        for label, store in stores.items()
    ]
    return pd.concat(frames, ignore_index=True)


def paths_figure(summary: pd.DataFrame, metric: str, title: str | None = None) -> Figure:
    """One panel per country: median path and p10–p90 band of each scenario.

    Args:
        summary: :func:`stack_summaries` output.
        metric: The metric summarised.
        title: Figure title.
    """
    require(summary, ["country", "scenario", "quarter", f"{metric}_median", f"{metric}_p10",
                      f"{metric}_p90"], "paths_figure")  # fmt: skip
    countries = list(pd.unique(summary["country"]))
    ncols = min(len(countries), 3)
    nrows = -(-len(countries) // ncols)
    fig = Figure(figsize=(4.0 * ncols, 3.0 * nrows), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    for ax, label in zip(axes, countries, strict=False):
        g = summary[summary["country"] == label]
        for k, scenario in enumerate(pd.unique(g["scenario"])):
            s = g[g["scenario"] == scenario].sort_values("quarter")
            q = s["quarter"].to_numpy()
            ax.fill_between(q, s[f"{metric}_p10"], s[f"{metric}_p90"], color=f"C{k % 10}",
                            alpha=0.2, lw=0)  # fmt: skip
            ax.plot(q, s[f"{metric}_median"], color=f"C{k % 10}", lw=1.6, label=str(scenario))
        ax.set(title=str(label), xlabel="quarter", ylabel=metric_label(metric)[1])
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(countries) :]:
        ax.set_visible(False)
    axes[0].legend(frameon=False, fontsize=8)
    fig.suptitle(title or f"{metric_label(metric)[0]}: median and p10–p90 band over replicates")
    return fig
