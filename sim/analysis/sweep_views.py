"""Two-factor sweeps as a grid: a table of a statistic per cell and a heat map.

A factorial sweep over two factors answers "where does the outcome change?"; a heat
map with one contour line (e.g. 50 % adoption) shows the frontier at a glance, which
a list of points or a line plot per level does not.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.figures import metric_label, require

DPI = 100
STATS: dict[str, Callable[[pd.Series], float]] = {
    "median": lambda s: float(s.median()),
    "mean": lambda s: float(s.mean()),
    "p10": lambda s: float(s.quantile(0.1)),
    "p90": lambda s: float(s.quantile(0.9)),
}


def grid_table(
    finals: pd.DataFrame, rows: str, columns: str, metric: str, stat: str = "median"
) -> pd.DataFrame:
    """A statistic of ``metric`` over the runs of each (rows, columns) design cell.

    Args:
        finals: A sweep's finals table; the factor key paths are columns.
        rows: Factor shown down the rows (its values sorted ascending).
        columns: Factor shown across the columns (ascending).
        metric: Final output to reduce.
        stat: One of :data:`STATS`.

    Raises:
        ValueError: A column is missing or ``stat`` is unknown.
    """
    require(finals, [rows, columns, metric], "grid_table")
    if stat not in STATS:
        raise ValueError(f"grid_table: stat {stat!r} is unknown; expected one of {list(STATS)}")
    grouped = finals.groupby([rows, columns])[metric].agg(STATS[stat])
    out = grouped.unstack(columns).sort_index().sort_index(axis=1)
    out.attrs["metric"] = metric
    return out


def heatmap_figure(
    grid: pd.DataFrame,
    label: str | None = None,
    contour: float | None = None,
    title: str | None = None,
    axis_labels: tuple[str, str] | None = None,
) -> Figure:
    """Cells coloured by value (0–1 scale for shares), values written in, one contour line.

    Args:
        grid: :func:`grid_table` output (index and columns are factor values).
        label: Colour-bar label (default: from the metric name if the grid has one).
        contour: Draw the line where the value crosses this level (e.g. 0.5).
        title: Figure title.
        axis_labels: (x, y) axis labels; default the grid's column and index names.
    """
    values = grid.to_numpy(dtype=float)
    share = np.nanmin(values) >= 0 and np.nanmax(values) <= 1
    fig = Figure(figsize=(6.4, 4.6), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    # Shares start at 0; the top is the next tenth above the largest value, so a grid
    # of small shares still shows its structure instead of one dark colour.
    top = min(1.0, np.ceil(np.nanmax(values) * 10) / 10) if share else None
    mesh = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis",
                     vmin=0 if share else None, vmax=top or None)  # fmt: skip
    for (i, j), v in np.ndenumerate(values):
        lo, hi = mesh.get_clim()
        colour = "white" if v < lo + 0.6 * (hi - lo) else "black"
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8, color=colour)
    if contour is not None and np.nanmin(values) < contour < np.nanmax(values):
        ax.contour(values, levels=[contour], colors="white", linewidths=2)
    ax.set_xticks(range(grid.shape[1]), [f"{c:g}" for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{r:g}" for r in grid.index])
    xlabel, ylabel = axis_labels or (str(grid.columns.name), str(grid.index.name))
    ax.set(xlabel=xlabel, ylabel=ylabel)
    metric = grid.attrs.get("metric")
    fig.colorbar(mesh, ax=ax, label=label or (metric_label(metric)[1] if metric else "value"))
    if title:
        ax.set_title(title)
    return fig
