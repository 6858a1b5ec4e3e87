"""Publication figures built from result tables (never from models); none saves itself.

Style: one colour per scenario in a stable order (tab10, colour-blind safe), labelled
axes with units, light grids, no top/right spines, 150 dpi; :mod:`sim.analysis.figure_files`
writes PNG and SVG. Inputs are checked, and a missing column is an error naming it and
the columns present, since a figure silently drawn from the wrong column is worse than none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.plots import DPI, PANELS

MAX_POINTS = 500
TICK_SIZE = 9
FINAL_LABELS = {"t50_adoption_mun": ("Time to 50% adoption", "quarter")}
#: Applied while a figure is built, so every builder shares fonts, palette and spines.
STYLE: dict[str, Any] = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=matplotlib.colormaps["tab10"].colors),
}


def metric_label(metric: str) -> tuple[str, str]:
    """Panel title and unit of a metric name, readable even for per-block metrics."""
    if metric in PANELS:
        return PANELS[metric]
    if metric in FINAL_LABELS:
        return FINAL_LABELS[metric]
    base, _, block = metric.partition("__")
    if block and base == "adoption_mun":
        return f"Adoption: {block.replace('_', ' ')}", "share of municipalities"
    if block and base in PANELS:
        heading, unit = PANELS[base]
        return f"{heading}: {block.replace('_', ' ')}", unit
    if metric.startswith("t50_"):
        return f"Time to 50%: {metric[4:].replace('_', ' ')}", "quarter"
    return metric.replace("_", " "), "value"


def require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise a ValueError naming the first missing column and those present."""
    for c in columns:
        if c not in frame.columns:
            raise ValueError(
                f"{what}: column {c!r} is missing; the table has {list(frame.columns)}"
            )


def _styled(build: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build a figure under :data:`STYLE`, leaving the caller's rcParams untouched."""

    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with matplotlib.rc_context(STYLE):
            return build(*args, **kwargs)

    return wrapper


def _grid(n: int, width: float = 5.0, height: float = 3.6) -> tuple[Figure, list[Axes]]:
    """``n`` visible panels in 1, 2 (up to 4 panels) or 3 columns; the rest hidden."""
    if n < 1:
        raise ValueError("nothing to draw: no metrics or outputs were given")
    ncols = 1 if n == 1 else 2 if n <= 4 else 3
    nrows = -(-n // ncols)
    fig = Figure(figsize=(width * ncols, height * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_visible(False)
    for ax in flat[:n]:
        # Ticks are created lazily at draw time, outside the style context.
        ax.tick_params(labelsize=TICK_SIZE)
    return fig, flat[:n]


@_styled
def bands_figure(summary: pd.DataFrame, metrics: Sequence[str], title: str | None = None) -> Figure:
    """Median line and p10–p90 band per scenario; dashed mean with its 95 % CI if present.

    The median band shows where typical runs lie; the mean's CI (when the summary has
    one) shows how precisely the replicates pin the mean down. Both answer different
    questions, so both are drawn when available.

    Args:
        summary: Wide summary by scenario × quarter with ``<m>_median``, ``_p10`` and
            ``_p90`` per metric, optionally ``_mean``, ``_ci_low`` and ``_ci_high``.
        metrics: Metrics to draw, one panel each (3 columns beyond 4 panels).
        title: Figure title; defaults to the number of runs behind each band.

    Raises:
        ValueError: A required column is missing, or ``metrics`` is empty.
    """
    require(summary, ["scenario", "quarter"], "bands_figure")
    for m in metrics:
        require(summary, [f"{m}_median", f"{m}_p10", f"{m}_p90"], "bands_figure")
        if f"{m}_ci_low" in summary or f"{m}_ci_high" in summary:
            require(summary, [f"{m}_ci_low", f"{m}_ci_high"], "bands_figure")
    fig, axes = _grid(len(metrics))
    scenarios = list(pd.unique(summary["scenario"]))
    for ax, metric in zip(axes, metrics, strict=True):
        _bands_panel(ax, summary, metric, scenarios)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), frameon=False)
    n = int(summary["n_runs"].max()) if "n_runs" in summary and len(summary) else 0
    fig.suptitle(title or f"Median and p10–p90 band over {n} runs per scenario")
    legend_rows = -(-len(labels) // 4)
    fig.tight_layout(rect=(0, (0.15 + 0.25 * legend_rows) / fig.get_figheight(), 1, 1))
    return fig


def _bands_panel(ax: Axes, summary: pd.DataFrame, metric: str, scenarios: list) -> None:
    """One metric: per scenario a p10–p90 band, median, and (if present) mean with CI."""
    for i, scenario in enumerate(scenarios):
        g = summary[summary["scenario"] == scenario].sort_values("quarter")
        q, colour = g["quarter"].to_numpy(), f"C{i % 10}"
        ax.fill_between(q, g[f"{metric}_p10"], g[f"{metric}_p90"], color=colour, alpha=0.18, lw=0)
        ax.plot(q, g[f"{metric}_median"], color=colour, lw=1.8, label=str(scenario))
        if f"{metric}_ci_low" in g:
            low, high = g[f"{metric}_ci_low"], g[f"{metric}_ci_high"]
            ax.fill_between(q, low, high, color=colour, alpha=0.35, lw=0)
        if f"{metric}_mean" in g:
            ax.plot(q, g[f"{metric}_mean"], color=colour, lw=0.8, ls="--")
    heading, unit = metric_label(metric)
    ax.set(title=heading, xlabel="quarter", ylabel=unit)
    ax.grid(alpha=0.3)


@_styled
def forest_figure(
    paired: pd.DataFrame, metrics: Sequence[str] | None = None, baseline: str | None = None
) -> Figure:
    """Mean paired difference with its CI, one row per scenario, one panel per metric.

    Scenario ``k`` of ``paired`` gets colour ``C(k+1)``: the baseline is the first
    scenario of an experiment and takes ``C0`` in the band figures, so each scenario
    keeps its colour across figures.

    Args:
        paired: :func:`sim.analysis.paired` table with ``scenario``, ``metric``,
            ``mean_diff``, ``ci_low`` and ``ci_high``.
        metrics: Metrics to draw; default every metric of ``paired`` in order.
        baseline: Name of the reference scenario, shown in each panel title.

    Raises:
        ValueError: A column or a requested metric is missing, or nothing is left.
    """
    require(paired, ["scenario", "metric", "mean_diff", "ci_low", "ci_high"], "forest_figure")
    present = list(pd.unique(paired["metric"]))
    metrics = list(present if metrics is None else metrics)
    for m in metrics:
        if m not in present:
            raise ValueError(f"forest_figure: metric {m!r} is not in the table; it has {present}")
    scenarios = list(pd.unique(paired["scenario"]))
    fig, axes = _grid(len(metrics), 4.4, 1.4 + 0.45 * len(scenarios))
    for ax, metric in zip(axes, metrics, strict=True):
        rows = paired[paired["metric"] == metric].drop_duplicates("scenario")
        _forest_panel(ax, rows.set_index("scenario").reindex(scenarios), scenarios)
        heading, unit = metric_label(metric)
        ax.set(title=f"{heading} vs {baseline}" if baseline else heading)
        ax.set_xlabel(f"difference ({unit})")
    fig.suptitle("Paired differences (mean and 95% CI; common random numbers)")
    fig.tight_layout()
    return fig


def _forest_panel(ax: Axes, rows: pd.DataFrame, scenarios: list) -> None:
    """One point and CI whisker per scenario (top to bottom in scenario order)."""
    y = np.arange(len(scenarios))[::-1]
    x = rows["mean_diff"].to_numpy(dtype=float)
    low, high = rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float)
    # Clip at 0: a rounding-level inversion must not stop the figure (NaN stays NaN).
    err = np.maximum(np.vstack([x - low, high - x]), 0)
    for k in range(len(scenarios)):
        ax.errorbar(
            x[k], y[k], xerr=err[:, k : k + 1], fmt="o", ms=5, color=f"C{(k + 1) % 10}", capsize=3
        )
        if not np.isfinite(x[k]):  # say so, rather than leave a silent empty row
            ax.text(0.02, y[k], "not estimable", transform=ax.get_yaxis_transform(),
                    va="center", color="0.4", fontsize=TICK_SIZE)  # fmt: skip
    ax.axvline(0, color="0.4", lw=0.8)
    ax.set_yticks(y, [str(s) for s in scenarios])
    ax.set_ylim(-0.7, len(scenarios) - 0.3)
    ax.grid(axis="x", alpha=0.3)


@_styled
def distributions_figure(finals: pd.DataFrame, metrics: Sequence[str]) -> Figure:
    """Box plots with jittered runs per scenario, one panel per final metric.

    NaN values (a time to 50 % never reached) are dropped and counted in the panel
    title, because a box drawn from the runs that did reach it alone would flatter a
    scenario that often fails.

    Args:
        finals: One row per run with ``scenario`` and each metric.
        metrics: Columns to draw.

    Raises:
        ValueError: A column is missing, or ``metrics`` is empty.
    """
    require(finals, ["scenario", *metrics], "distributions_figure")
    scenarios = list(pd.unique(finals["scenario"]))
    rng = np.random.default_rng(0)  # jitter only; fixed so the figure is reproducible
    fig, axes = _grid(len(metrics), 5.0, 3.8)
    for ax, metric in zip(axes, metrics, strict=True):
        _distribution_panel(ax, finals, metric, scenarios, rng)
    fig.suptitle("Final state per run")
    fig.tight_layout()
    return fig


def _distribution_panel(
    ax: Axes, finals: pd.DataFrame, metric: str, scenarios: list, rng: np.random.Generator
) -> None:
    """Box (all runs) plus a jittered sample of at most :data:`MAX_POINTS` runs."""
    data, missing = [], 0
    for scenario in scenarios:
        v = finals.loc[finals["scenario"] == scenario, metric].to_numpy(dtype=float)
        missing += int(np.isnan(v).sum())
        data.append(v[~np.isnan(v)])
    pos = np.arange(1, len(scenarios) + 1)
    ax.boxplot(data, positions=pos, widths=0.5, showfliers=False, medianprops={"color": "k"})
    for i, v in enumerate(data):
        # A fixed-size sample keeps the SVG small at 10^5 runs; the box uses all runs.
        shown = v if len(v) <= MAX_POINTS else rng.choice(v, MAX_POINTS, replace=False)
        jitter = rng.uniform(-0.15, 0.15, len(shown))
        ax.scatter(pos[i] + jitter, shown, s=6, alpha=0.45, color=f"C{i % 10}", lw=0)
    heading, unit = metric_label(metric)
    if missing:
        what = "never reached" if metric.startswith("t50_") else "missing (NaN)"
        heading = f"{heading}\n({what} in {missing} runs)"
    ax.set_xticks(pos, [str(s) for s in scenarios], rotation=20, ha="right")
    ax.set(title=heading, ylabel=unit)
    ax.grid(axis="y", alpha=0.3)


@_styled
def sensitivity_figure(table: pd.DataFrame) -> Figure:
    """Horizontal bars per factor (μ* for Morris; S1 and ST for Sobol'), with CIs.

    Factors are sorted so the most influential is on top: the reader's question is
    which inputs matter, and bars answer it faster than a table.

    Args:
        table: Rows per output × factor (and ``scenario`` if present) with ``method``
            ``morris`` (``mu_star``, ``mu_star_conf``) or ``sobol`` (``S1``, ``S1_conf``,
            ``ST``, ``ST_conf``).

    Raises:
        ValueError: A column is missing, a method is unknown, or the table is empty.
    """
    require(table, ["output", "method", "factor"], "sensitivity_figure")
    unknown = sorted(set(table["method"]) - {"morris", "sobol"})
    if unknown:
        raise ValueError(f"sensitivity_figure: unknown method {unknown}; expected morris or sobol")
    keys = ["output", *(["scenario"] if "scenario" in table else []), "method"]
    groups = list(table.groupby(keys, sort=False))
    n_factors = max((len(g) for _, g in groups), default=0)
    fig, axes = _grid(len(groups), 5.5, 1.2 + 0.4 * n_factors)
    for ax, (key, g) in zip(axes, groups, strict=True):
        *names, method = key
        if method == "morris":
            require(g, ["mu_star", "mu_star_conf"], "sensitivity_figure")
            _morris_panel(ax, g.sort_values("mu_star"))
        else:
            require(g, ["S1", "S1_conf", "ST", "ST_conf"], "sensitivity_figure")
            _sobol_panel(ax, g.sort_values("ST"))
        label = "Morris" if method == "morris" else "Sobol'"
        ax.set_title(f"{' on '.join(str(k) for k in names)} ({label})")
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def _morris_panel(ax: Axes, g: pd.DataFrame) -> None:
    """μ* bars with their bootstrap CI, largest on top."""
    y = np.arange(len(g))
    ax.barh(y, g["mu_star"], xerr=g["mu_star_conf"], color="C0", capsize=3, label="μ*")
    ax.set_yticks(y, g["factor"].astype(str))
    ax.set_xlabel("μ* (mean |elementary effect| per unit range)")


def _sobol_panel(ax: Axes, g: pd.DataFrame) -> None:
    """S1 and ST bars side by side per factor: ST − S1 is the share due to interactions."""
    y = np.arange(len(g))
    ax.barh(y - 0.2, g["S1"], 0.4, xerr=g["S1_conf"], color="C0", capsize=3, label="S1")
    ax.barh(y + 0.2, g["ST"], 0.4, xerr=g["ST_conf"], color="C1", capsize=3, label="ST")
    ax.set_yticks(y, g["factor"].astype(str))
    ax.set_xlabel("Sobol' index (share of output variance)")
    ax.legend(frameon=False, loc="lower right")


@_styled
def map_figure(
    country: Any,
    values: np.ndarray | Mapping[str, np.ndarray],
    title: str | None = None,
    label: str = "final adoption (median over runs)",
) -> Figure:
    """Municipalities at (lon, lat), coloured by ``values``; one panel per scenario.

    The colour scale is fixed to 0–1 and shared so panels compare at a glance; marker
    area follows the square root of population so large cities stand out without
    hiding their neighbours; municipalities without a value (NaN) are grey.

    Args:
        country: A :class:`sim.model.country.Country` (``lon``, ``lat``, ``population``).
        values: (M,) values in 0..1 in the country's municipality order, or a dict
            scenario → such an array for one panel per scenario side by side.
        title: Figure title.
        label: Colour bar label.

    Raises:
        ValueError: An array's length differs from the number of municipalities.
    """
    panels = dict(values) if isinstance(values, Mapping) else {"": np.asarray(values)}
    n = country.n_municipalities
    for name, v in panels.items():
        if len(v) != n:
            raise ValueError(
                f"map_figure: {len(v)} values for {name or 'the map'}; "
                f"the country has {n} municipalities"
            )
    if not panels:
        raise ValueError("map_figure: no scenario values to draw")
    aspect = 1 / np.cos(np.radians(float(np.mean(country.lat))))
    # Panel width follows the country's shape, so the figure has no empty margins.
    spans = np.ptp(country.lon) + 0.4, (np.ptp(country.lat) + 0.4) * aspect
    width = float(np.clip(3.2 * spans[0] / spans[1], 2.2, 6.0))
    fig = Figure(figsize=(max(width * len(panels) + 1.3, 6.0), 4.0), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False, sharey=True)
    size = 6 + 120 * np.sqrt(country.population / country.population.max())
    cmap = matplotlib.colormaps["viridis"].with_extremes(bad="0.8")
    for k, (ax, (name, v)) in enumerate(zip(axes.flat, panels.items(), strict=True)):
        points = ax.scatter(country.lon, country.lat, c=np.asarray(v, dtype=float), s=size,
                            cmap=cmap, vmin=0, vmax=1, edgecolors="0.3", linewidths=0.3,
                            plotnonfinite=True)  # fmt: skip
        ax.set_aspect(aspect)
        ax.set(title=str(name), xlabel="longitude (°E)", ylabel="latitude (°N)" if k == 0 else "")
        ax.tick_params(labelsize=TICK_SIZE)
    fig.colorbar(points, ax=list(axes.flat), label=label, shrink=0.85)
    fig.suptitle(title or "Final municipal adoption (marker area ~ population)")
    return fig
