"""Figures of the explorer, drawn from tables the model and the engine already produce.

Live plots read one run's DataCollector table (one row per quarter, the outputs of
``sim.model.metrics``); the compare and batch figures read the tables of
:mod:`sim.explore.comparison`. Figures are built with ``matplotlib.figure.Figure``,
not pyplot: pyplot keeps every figure in a global registry until closed, which a
long-running server drawing a figure per step would fill, and no backend needs to be
chosen (library code changes no process-wide state).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

LEVEL_LABELS = {"central": "central", "regional": "regional", "municipal": "municipal"}
SIZE = (5.4, 3.3)
DPI = 100
EMPTY_NOTE = "press Step or ▶ to run quarters"


def png_bytes(fig: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG (what the download buttons hand out)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def _axes(title: str, ylabel: str, share: bool = False) -> tuple[Figure, object]:
    # Fixed margins and legend place: a layout engine or loc="best" would double the
    # time each live plot takes to draw, and they are redrawn at every step.
    fig = Figure(figsize=SIZE, dpi=DPI)
    fig.subplots_adjust(left=0.13, right=0.97, top=0.9, bottom=0.15)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=11)
    ax.set_xlabel("quarter")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if share:
        ax.set_ylim(-0.02, 1.02)
    return fig, ax


def _lines(ax: object, df: pd.DataFrame, columns: dict[str, str], **style: object) -> None:
    """One line per column present (label from ``columns``); markers while runs are short."""
    quarters = np.arange(1, len(df) + 1)
    marker = "o" if len(df) < 3 else None
    for col, label in columns.items():
        if col in df and not df[col].isna().all():
            ax.plot(quarters, df[col].to_numpy(dtype=float), label=label, marker=marker, **style)


def _finish(fig: Figure, ax: object, df: pd.DataFrame, ncol: int = 1) -> Figure:
    if df.empty:
        ax.text(0.5, 0.5, EMPTY_NOTE, transform=ax.transAxes, ha="center", color="grey")
    elif ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, ncol=ncol, frameon=False, loc="upper left")
    return fig


def adoption_by_block(df: pd.DataFrame, blocks: Sequence[str]) -> Figure:
    """Share of municipalities that adopted each standard block."""
    fig, ax = _axes("Adoption by block", "share of municipalities", share=True)
    _lines(ax, df, {f"adoption_mun__{b}": b.replace("_", " ") for b in blocks})
    return _finish(fig, ax, df, ncol=2)


def adoption_by_level(df: pd.DataFrame, blocks: Sequence[str]) -> Figure:
    """Adoption at each level: national platforms live, regions, municipalities."""
    fig, ax = _axes("Adoption by level", "share", share=True)
    columns = {
        "platforms_live": "central: platforms live",
        "adoption_regional": "regional: blocks adopted",
        "adoption_mun": "municipal: blocks adopted",
    }
    _lines(ax, df, columns)
    return _finish(fig, ax, df)


def coverage(df: pd.DataFrame, blocks: Sequence[str]) -> Figure:
    """Share of the population whose municipality is connected, overall and per block."""
    fig, ax = _axes("Population coverage", "share of population", share=True)
    _lines(ax, df, {f"adoption_pop__{b}": b.replace("_", " ") for b in blocks}, alpha=0.6)
    _lines(ax, df, {"adoption_pop": "all blocks"}, color="black", linewidth=2.2)
    return _finish(fig, ax, df, ncol=2)


def fragmentation(df: pd.DataFrame, blocks: Sequence[str]) -> Figure:
    """Local non-standard solutions: the fragmentation shared blocks are meant to prevent."""
    fig, ax = _axes("Fragmentation (local solutions)", "share of municipalities")
    _lines(ax, df, {f"local__{b}": b.replace("_", " ") for b in blocks}, alpha=0.6)
    _lines(ax, df, {"fragmentation": "all blocks"}, color="black", linewidth=2.2)
    return _finish(fig, ax, df, ncol=2)


def trust(df: pd.DataFrame, blocks: Sequence[str]) -> Figure:
    """Trust between each pair of levels."""
    fig, ax = _axes("Trust by level pair", "trust (0–1)", share=True)
    columns = {
        "trust_mc": "municipal → central",
        "trust_mr": "municipal → regional",
        "trust_rc": "regional → central",
    }
    _lines(ax, df, columns)
    return _finish(fig, ax, df)


def money(df: pd.DataFrame, blocks: Sequence[str]) -> Figure:
    """Cumulative spending (solid) and benefit (dashed) by level: who sows, who harvests."""
    fig, ax = _axes("Spending and benefit by level", "EUR million (cumulative)")
    quarters = np.arange(1, len(df) + 1)
    marker = "o" if len(df) < 3 else None
    for i, level in enumerate(LEVEL_LABELS):
        for kind, dash in (("spend", "-"), ("benefit", "--")):
            col = f"{kind}_{level}"
            if col in df:
                values = df[col].to_numpy(dtype=float) / 1e6
                label = f"{level} {kind}"
                ax.plot(quarters, values, dash, color=f"C{i}", label=label, marker=marker)
    return _finish(fig, ax, df, ncol=2)


#: The live plots, in page order: (title, builder).
LIVE_PLOTS: tuple[tuple[str, Callable[[pd.DataFrame, Sequence[str]], Figure]], ...] = (
    ("Adoption by block", adoption_by_block),
    ("Adoption by level", adoption_by_level),
    ("Population coverage", coverage),
    ("Fragmentation", fragmentation),
    ("Trust by level pair", trust),
    ("Spending and benefit", money),
)


def compare_figure(series: pd.DataFrame, metric: str, label: str) -> Figure:
    """Two scenarios on one seed: both series, and their difference (second minus first)."""
    fig = Figure(figsize=(9.5, 3.4), dpi=DPI, layout="constrained")
    left, right = fig.subplots(1, 2)
    names = list(pd.unique(series["scenario"]))
    for i, name in enumerate(names):
        run = series[series["scenario"] == name]
        left.plot(run["quarter"] + 1, run[metric], color=f"C{i}", label=name)
    left.set_title(label, fontsize=11)
    left.legend(fontsize=8, frameon=False)
    if len(names) == 2:
        a, b = (series[series["scenario"] == n].set_index("quarter")[metric] for n in names)
        diff = (b - a).dropna()
        right.plot(diff.index + 1, diff.to_numpy(), color="black")
        right.axhline(0, color="grey", linewidth=0.8)
        right.set_title(f"{names[1]} − {names[0]} (same seed)", fontsize=11)
    for ax in (left, right):
        ax.set_xlabel("quarter")
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def batch_figure(summary: pd.DataFrame, paired: pd.DataFrame, metric: str, label: str) -> Figure:
    """Median and p10–p90 band per scenario, and the mean paired difference with its 95% CI."""
    fig = Figure(figsize=(9.5, 3.4), dpi=DPI, layout="constrained")
    left, right = fig.subplots(1, 2)
    for i, (name, group) in enumerate(summary.groupby("scenario", sort=False)):
        q = group["quarter"].to_numpy() + 1
        colour = f"C{i}"
        left.fill_between(q, group[f"{metric}_p10"], group[f"{metric}_p90"], color=colour,
                          alpha=0.2, linewidth=0)  # fmt: skip
        left.plot(q, group[f"{metric}_median"], color=colour, label=f"{name} (median, p10–p90)")
    n = int(summary["n_runs"].max()) if len(summary) else 0
    left.set_title(f"{label}: {n} replicates each", fontsize=11)
    left.legend(fontsize=8, frameon=False)
    for name, group in paired.groupby("scenario", sort=False):
        q = group["quarter"].to_numpy() + 1
        right.fill_between(q, group["ci_low"], group["ci_high"], color="grey", alpha=0.3,
                           linewidth=0)  # fmt: skip
        right.plot(q, group["mean_diff"], color="black", label=f"{name} − baseline")
    right.axhline(0, color="grey", linewidth=0.8)
    right.set_title("Paired difference (mean, 95% CI)", fontsize=11)
    for ax in (left, right):
        ax.set_xlabel("quarter")
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig
