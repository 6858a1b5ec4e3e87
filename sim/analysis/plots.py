"""Figures drawn from summary tables (never from models: analysis sits above the store).

Figures are built with matplotlib's object-oriented API (``Figure`` objects, never
``pyplot``): they render the same on a headless server, in a worker process and in CI
without any backend being selected, nothing here opens a window, and importing this
module leaves a notebook user's backend and open figures alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

PANELS: dict[str, tuple[str, str]] = {
    "adoption_mun": ("Municipal adoption", "share of municipalities"),
    "adoption_pop": ("Population covered", "share of population"),
    "fragmentation": ("Local non-standard solutions", "share of municipality × block"),
    "trust_mc": ("Municipal trust in central", "trust (0–1)"),
}
DPI = 150


def adoption_figure(
    summary: pd.DataFrame, metrics: Sequence[str] = tuple(PANELS), title: str | None = None
) -> Figure:
    """Median line and p10–p90 band per scenario, one panel per metric (2 columns).

    Args:
        summary: Wide summary (:func:`sim.analysis.summary.summarise`).
        metrics: Metrics to draw, each needing ``_median``, ``_p10`` and ``_p90`` columns.
        title: Figure title; defaults to the number of runs behind each band.
    """
    ncols = 2 if len(metrics) > 1 else 1
    nrows = -(-len(metrics) // ncols)
    fig = Figure(figsize=(5.5 * ncols, 3.8 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        _panel(ax, summary, metric)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), frameon=False)
    n = int(summary["n_runs"].max()) if "n_runs" in summary and len(summary) else 0
    fig.suptitle(title or f"Median and p10–p90 band over {n} replicates per scenario")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def _panel(ax: Axes, summary: pd.DataFrame, metric: str) -> None:
    """One metric: a band and a median line per scenario, in a stable colour order."""
    heading, unit = PANELS.get(metric, (metric, "value"))
    for i, (scenario, group) in enumerate(summary.groupby("scenario", sort=False)):
        colour = f"C{i % 10}"
        q = group["quarter"].to_numpy()
        ax.fill_between(
            q, group[f"{metric}_p10"], group[f"{metric}_p90"], color=colour, alpha=0.2, lw=0
        )
        ax.plot(q, group[f"{metric}_median"], color=colour, lw=1.8, label=str(scenario))
    ax.set_title(heading)
    ax.set_xlabel("quarter")
    ax.set_ylabel(unit)
    ax.grid(alpha=0.3)


def plot_adoption(
    summary: pd.DataFrame,
    path: str | Path,
    metric: str | Sequence[str] | None = None,
    save: Callable[[Figure, Path], None] | None = None,
) -> Path:
    """Draw the adoption figure and write it as a 150 dpi PNG.

    Args:
        summary: Wide summary table by scenario × quarter.
        path: Output file.
        metric: One metric or several; default the four panels of :data:`PANELS`.
        save: Writer taking (figure, path); default ``Figure.savefig``. The CLI passes
            an atomic writer so a half-written PNG never appears under the final name.

    Returns:
        The path written.
    """
    metrics = tuple(PANELS) if metric is None else (metric,) if isinstance(metric, str) else metric
    path = Path(path)
    fig = adoption_figure(summary, metrics)
    if save is None:
        fig.savefig(path, dpi=DPI, format="png")
    else:
        save(fig, path)
    return path
