"""Peer networks beyond adjacency: benchmarking clubs of similar-size municipalities.

Declared with :func:`sim.model.fields.param`: unit, bounds, default and source.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.fields import Validated, param


@dataclass(frozen=True)
class PeerParams(Validated):
    """The benchmarking club of each municipality (docs/ODD.md §7.5 "Peers")."""

    club_size: int = param(
        10,
        unit="municipalities",
        bounds=(0, 100),
        source="assumption: the design outline's benchmark clubs of similar-size "
        "municipalities; ten peers is a size class's comparison table in a small country",
        doc="peers in each municipality's benchmarking club: the nearest in population "
        "(0: no club network)",
    )
    club_weight: float = param(
        0.0,
        unit="-",
        bounds=(0.0, 10.0),
        source="assumption: 0 keeps imitation to neighbours (the calibrated default); "
        "[OECD2009] §476 on benchmarking as a lever",
        doc="weight of the club's adoption share in peer imitation, relative to the "
        "neighbours' share (0: clubs act only through monitoring and praise)",
    )
