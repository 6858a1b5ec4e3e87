"""Save a figure as PNG and SVG, atomically and reproducibly.

Reproducible files matter to researchers who keep results under version control: the
SVG carries no date and a fixed hash salt for element ids, the PNG no software stamp
(Agg writes no timestamp), so the same numbers give the same bytes and a diff of two
result folders shows only figures whose data changed. Both go through
:func:`sim.experiments.outputs.write_atomic`, so a killed run never leaves a
half-written figure under its final name.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.analysis.plots import DPI  # noqa: E402
from sim.experiments.outputs import write_atomic  # noqa: E402

SALT = "egov-sim"


def save_figure(fig: Figure, stem: str | Path) -> list[Path]:
    """Write ``<stem>.png`` (150 dpi) and ``<stem>.svg``, then close the figure.

    Args:
        fig: The figure; it is closed even if writing fails, so a long report does
            not accumulate open figures.
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
        plt.close(fig)
    return [png, svg]
