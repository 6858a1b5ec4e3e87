"""Shared figure constants: the headline panels and the resolution of saved figures.

The figures themselves are built in :mod:`sim.analysis.figures` with matplotlib's
object-oriented API (``Figure`` objects, never ``pyplot``), so they render the same on
a headless server, in a worker process and in CI without any backend being selected,
and importing the analysis modules leaves a notebook user's backend alone.
"""

from __future__ import annotations

PANELS: dict[str, tuple[str, str]] = {
    "adoption_mun": ("Municipal adoption", "share of municipalities"),
    "adoption_pop": ("Population covered", "share of population"),
    "fragmentation": ("Local non-standard solutions", "share of municipality × block"),
    "trust_mc": ("Municipal trust in central", "trust (0–1)"),
}
DPI = 150
