"""Legislation: an obligation to adopt with a deadline (OECD 2009, Figure 1: the most formal tool).

Mechanism: from announcement (``start``) the mandate adds pressure to the adoption
value of targeted cells, rising linearly over ``lead`` quarters towards the deadline
and staying at its peak after it. The obligation itself is recorded in
``effects.mandated``; the model's trust kernel then charges the *unfunded* part of
each mandated implementation to trust in the mandating level. Whether a mandate is
funded is therefore decided by what else is on the table (a financial incentive
covering the cells), never by a flag here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.instruments.base import Instrument, InstrumentParams, check_deadline, register
from sim.model.fields import param

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class LegislationParams(InstrumentParams):
    """Mandate settings."""

    deadline: int = param(
        24, unit="quarter", bounds=(0, 400), doc="quarter by which targeted blocks must be adopted"
    )
    lead: int = param(
        8, unit="quarters", bounds=(1, 400), doc="quarters over which pressure rises to its peak"
    )
    pressure: float = param(
        2.5,
        unit="index",
        bounds=(0.0, 20.0),
        source="assumption: at the deadline a mandate outweighs a typical benefit-cost gap",
        doc="peak pressure at intensity 1 (value-index units)",
    )
    announcement_pressure: float = param(
        0.25, unit="share", bounds=(0.0, 1.0), doc="share of the peak felt right at announcement"
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        check_deadline(self, self.deadline)


@register
class Legislation(Instrument[LegislationParams]):
    """Mandate with deadline."""

    name = "legislation"
    formality_rank = 1
    oecd_type = "Legislation / regulation (mandatory)"
    Params = LegislationParams

    def ramp(self, quarter: int) -> float:
        """Share of peak pressure felt this quarter (announcement → deadline)."""
        p = self.p
        to_go = p.deadline - quarter
        rise = 1.0 - to_go / p.lead
        return float(np.clip(max(rise, p.announcement_pressure), 0.0, 1.0))

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Add deadline pressure and record the obligation on targeted cells."""
        p = self.p
        level = p.intensity * p.pressure * self.ramp(model.quarter)
        if self.targets_municipal:
            cells = self.target_cells
            effects.pressure[cells] += level
            effects.impose(cells, p.run_by)
        # Only central can oblige regions; a region cannot mandate itself.
        if "regional" in p.target.levels and p.run_by == "central" and effects.n_regions:
            assert self.block_mask is not None
            effects.region_pressure[:, self.block_mask] += level
            effects.region_mandated[:, self.block_mask] = True

    def compliance(self, model: EGovModel) -> float:
        """Share of targeted municipal cells adopted (NaN before the deadline)."""
        p = self.p
        if model.quarter < p.deadline or not self.targets_municipal:
            return float("nan")
        cells = self.target_cells
        if not cells.any():
            return float("nan")
        return float(model.state.adopted[cells].mean())
