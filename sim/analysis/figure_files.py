"""Save a figure as PNG and SVG, atomically and reproducibly.

Reproducible files matter to researchers who keep results under version control: the
SVG carries no date and a fixed hash salt for element ids, the PNG no software stamp
(Agg writes no timestamp), so the same numbers give the same bytes and a diff of two
result folders shows only figures whose data changed. Both go through
:func:`sim.experiments.outputs.write_atomic`, so a killed run never leaves a
half-written figure under its final name.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from sim.analysis.plots import DPI
from sim.experiments.outputs import write_atomic

SALT = "egov-sim"


def save_figure(fig: Figure, stem: str | Path) -> list[Path]:
    """Write ``<stem>.png`` (150 dpi) and ``<stem>.svg``; pyplot figures are closed.

    Args:
        fig: The figure. One made with ``pyplot`` is closed even if writing fails, so
            a long report does not accumulate open figures; the module's own figures
            are plain ``Figure`` objects, freed when the last reference goes.
        stem: Output path without suffix; its folder is created. The suffixes are
            appended, not substituted, so a stem such as ``fig.v2`` keeps its dot.

    Returns:
        The PNG and SVG paths, in that order.
    """
    stem = Path(stem)
    png, svg = stem.with_name(f"{stem.name}.png"), stem.with_name(f"{stem.name}.svg")
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        # The temporary name has no suffix, so the format must be explicit.
        write_atomic(
            png,
            lambda tmp: fig.savefig(tmp, dpi=DPI, format="png", metadata={"Software": None}),
        )
        with matplotlib.rc_context({"svg.hashsalt": SALT}):
            write_atomic(svg, lambda tmp: fig.savefig(tmp, format="svg", metadata={"Date": None}))
    finally:
        _forget(fig)
    return [png, svg]


def _forget(fig: Figure) -> None:
    """Close a figure that ``pyplot`` tracks (one a caller made with it).

    The figures of :mod:`sim.analysis` are plain ``Figure`` objects that pyplot never
    sees, so this imports nothing: pyplot is only asked if the caller already loaded it.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
