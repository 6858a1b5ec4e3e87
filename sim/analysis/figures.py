"""Publication figures built from result tables (never from models); none saves itself.

Style: one colour per scenario in a stable order (tab10, colour-blind safe), labelled
axes with units, light grids, no chart junk; :mod:`sim.analysis.figure_files` writes
PNG and SVG. Inputs are checked, and a missing column is an error naming it and the
columns present, since a figure silently drawn from the wrong column is worse than none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.analysis.plots import PANELS  # noqa: E402

MAX_POINTS = 500
FINAL_LABELS = {"t50_adoption_mun": ("Time to 50% adoption", "quarter")}


def label(metric: str) -> tuple[str, str]:
    """Panel title and unit of a metric name."""
    if metric in PANELS:
        return PANELS[metric]
    if metric in FINAL_LABELS:
        return FINAL_LABELS[metric]
    if metric.startswith("adoption_mun__"):
        return f"Adoption: {metric.split('__', 1)[1].replace('_', ' ')}", "share of municipalities"
    return metric.replace("_", " "), "value"


def require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise a ValueError naming the first missing column and those present."""
    for c in columns:
        if c not in frame.columns:
            raise ValueError(
                f"{what}: column {c!r} is missing; the table has {list(frame.columns)}"
            )


def _grid(n: int, width: float = 5.0, height: float = 3.6) -> tuple[Figure, list[plt.Axes]]:
    ncols = 1 if n == 1 else 2 if n <= 4 else 3
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def bands_figure(summary: pd.DataFrame, metrics: Sequence[str], title: str | None = None) -> Figure:
    """Median line and p10–p90 band per scenario; dashed mean with its 95 % CI if present."""
    require(summary, ["scenario", "quarter"], "bands_figure")
    for m in metrics:
        require(summary, [f"{m}_median", f"{m}_p10", f"{m}_p90"], "bands_figure")
    fig, axes = _grid(len(metrics))
    scenarios = list(pd.unique(summary["scenario"]))
    for ax, metric in zip(axes, metrics, strict=True):
        for i, scenario in enumerate(scenarios):
            g = summary[summary["scenario"] == scenario]
            q, colour = g["quarter"].to_numpy(), f"C{i % 10}"
            ax.fill_between(
                q, g[f"{metric}_p10"], g[f"{metric}_p90"], color=colour, alpha=0.18, lw=0
            )
            ax.plot(q, g[f"{metric}_median"], color=colour, lw=1.8, label=str(scenario))
            if f"{metric}_mean" in g:
                ax.fill_between(
                    q, g[f"{metric}_ci_low"], g[f"{metric}_ci_high"], color=colour, alpha=0.35, lw=0
                )
                ax.plot(q, g[f"{metric}_mean"], color=colour, lw=0.8, ls="--")
        heading, unit = label(metric)
        ax.set(title=heading, xlabel="quarter", ylabel=unit)
        ax.grid(alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), frameon=False)
    n = int(summary["n_runs"].max()) if "n_runs" in summary and len(summary) else 0
    fig.suptitle(title or f"Median and p10–p90 band over {n} runs per scenario")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def forest_figure(
    paired: pd.DataFrame, metrics: Sequence[str] | None = None, baseline: str | None = None
) -> Figure:
    """Mean paired difference with its CI, one row per scenario, one panel per metric."""
    require(paired, ["scenario", "metric", "mean_diff", "ci_low", "ci_high"], "forest_figure")
    metrics = list(metrics or pd.unique(paired["metric"]))
    scenarios = list(pd.unique(paired["scenario"]))
    fig, axes = _grid(len(metrics), 4.2, 0.6 + 0.45 * len(scenarios) + 0.8)
    for ax, metric in zip(axes, metrics, strict=True):
        rows = paired[paired["metric"] == metric].set_index("scenario").reindex(scenarios)
        y = np.arange(len(scenarios))[::-1]
        x = rows["mean_diff"].to_numpy(dtype=float)
        err = np.vstack(
            [x - rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float) - x]
        )
        for k, (yk, xk) in enumerate(zip(y, x, strict=True)):
            ax.errorbar(
                xk, yk, xerr=err[:, k : k + 1], fmt="o", color=f"C{(k + 1) % 10}", capsize=3
            )
        ax.axvline(0, color="0.4", lw=0.8)
        ax.set_yticks(y, scenarios)
        heading, unit = label(metric)
        ax.set(title=heading, xlabel=f"difference ({unit})")
        ax.grid(axis="x", alpha=0.3)
    vs = f" vs {baseline}" if baseline else ""
    fig.suptitle(f"Paired differences{vs} (mean, 95% CI; common random numbers)")
    fig.tight_layout()
    return fig


def distributions_figure(finals: pd.DataFrame, metrics: Sequence[str]) -> Figure:
    """Box plots with jittered runs per scenario, one panel per final metric."""
    require(finals, ["scenario", *metrics], "distributions_figure")
    scenarios = list(pd.unique(finals["scenario"]))
    rng = np.random.default_rng(0)  # jitter only; fixed so the figure is reproducible
    fig, axes = _grid(len(metrics), 5.0, 3.8)
    for ax, metric in zip(axes, metrics, strict=True):
        data, missing = [], 0
        for scenario in scenarios:
            v = finals.loc[finals["scenario"] == scenario, metric].to_numpy(dtype=float)
            missing += int(np.isnan(v).sum())
            data.append(v[~np.isnan(v)])
        pos = np.arange(1, len(scenarios) + 1)
        ax.boxplot(data, positions=pos, widths=0.5, showfliers=False, medianprops={"color": "k"})
        for i, v in enumerate(data):
            # A fixed-size sample of runs keeps the SVG small at 10^5 runs; the box
            # is drawn from all of them.
            shown = v if len(v) <= MAX_POINTS else rng.choice(v, MAX_POINTS, replace=False)
            jitter = rng.uniform(-0.15, 0.15, len(shown))
            ax.scatter(pos[i] + jitter, shown, s=6, alpha=0.45, color=f"C{i % 10}")
        heading, unit = label(metric)
        ax.set_xticks(pos, scenarios, rotation=20, ha="right")
        ax.set(title=heading, ylabel=unit)
        if missing:
            ax.set_title(f"{heading}\n(never reached in {missing} runs)", fontsize="medium")
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Final state per run")
    fig.tight_layout()
    return fig


def sensitivity_figure(table: pd.DataFrame) -> Figure:
    """Horizontal bars per factor (μ* for Morris; S1 and ST for Sobol'), with CIs."""
    require(table, ["output", "method", "factor"], "sensitivity_figure")
    groups = list(
        table.groupby(["output", *(["scenario"] if "scenario" in table else [])], sort=False)
    )
    fig, axes = _grid(len(groups), 5.5, 0.9 + 0.4 * table["factor"].nunique())
    for ax, (key, g) in zip(axes, groups, strict=True):
        morris = g["method"].iloc[0] == "morris"
        if morris:
            require(g, ["mu_star", "mu_star_conf"], "sensitivity_figure")
        else:
            require(g, ["S1", "S1_conf", "ST", "ST_conf"], "sensitivity_figure")
        g = g.sort_values("mu_star" if morris else "ST")
        y = np.arange(len(g))
        if morris:
            ax.barh(y, g["mu_star"], xerr=g["mu_star_conf"], color="C0", capsize=3, label="μ*")
            ax.set_xlabel("μ* (mean |elementary effect| per unit range)")
        else:
            ax.barh(y - 0.2, g["S1"], 0.4, xerr=g["S1_conf"], color="C0", capsize=3, label="S1")
            ax.barh(y + 0.2, g["ST"], 0.4, xerr=g["ST_conf"], color="C1", capsize=3, label="ST")
            ax.set_xlabel("Sobol' index (share of variance)")
        ax.set_yticks(y, g["factor"])
        key = key if isinstance(key, tuple) else (key,)
        ax.set_title(" on ".join(str(k) for k in key))
        ax.legend(frameon=False, loc="lower right")
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def map_figure(
    country: Any,
    values: np.ndarray | Mapping[str, np.ndarray],
    title: str | None = None,
    label: str = "final adoption (median over runs)",
) -> Figure:
    """Municipalities at (lon, lat), coloured by ``values``; one panel per scenario."""
    panels = dict(values) if isinstance(values, Mapping) else {"": np.asarray(values)}
    n = country.n_municipalities
    for name, v in panels.items():
        if len(v) != n:
            raise ValueError(
                f"map_figure: {len(v)} values for {name or 'the map'}; "
                f"the country has {n} municipalities"
            )
    fig, axes = plt.subplots(
        1, len(panels), figsize=(3.6 * len(panels) + 1.2, 4.2), squeeze=False,
        sharey=True, layout="constrained",
    )  # fmt: skip
    size = 6 + 120 * np.sqrt(country.population / country.population.max())
    aspect = 1 / np.cos(np.radians(float(np.mean(country.lat))))
    for k, (ax, (name, v)) in enumerate(zip(axes.flat, panels.items(), strict=True)):
        points = ax.scatter(country.lon, country.lat, c=v, s=size, cmap="viridis", vmin=0, vmax=1,
                            edgecolors="0.3", linewidths=0.3)  # fmt: skip
        ax.set_aspect(aspect)
        ax.set(title=name, xlabel="longitude (°)", ylabel="latitude (°)" if k == 0 else "")
    fig.colorbar(points, ax=list(axes.flat), label=label, shrink=0.85)
    fig.suptitle(title or "Final municipal adoption (marker area ~ population)")
    return fig
