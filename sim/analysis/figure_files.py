"""Save a figure as PNG and SVG, atomically and reproducibly.

Reproducible files matter to researchers who keep results under version control: the
SVG carries no date and a fixed hash salt for element ids, the PNG no timestamp, so
the same numbers give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.experiments.outputs import write_atomic  # noqa: E402

DPI = 150
SALT = "egov-sim"


def save_figure(fig: Figure, stem: str | Path) -> list[Path]:
    """Write ``<stem>.png`` (150 dpi) and ``<stem>.svg``, then close the figure.

    Returns:
        The two paths written.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    try:
        write_atomic(
            png,
            lambda tmp: fig.savefig(tmp, dpi=DPI, format="png", metadata={"Software": None}),
        )
        with matplotlib.rc_context({"svg.hashsalt": SALT}):
            write_atomic(
                svg,
                lambda tmp: fig.savefig(tmp, format="svg", metadata={"Date": None}),
            )
    finally:
        plt.close(fig)
    return [png, svg]
