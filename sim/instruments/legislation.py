"""Legislation: an obligation to adopt with a deadline (OECD 2009, Figure 1: the most formal tool).

Mechanism: from announcement (``start``) the mandate adds pressure to the adoption
value of targeted cells, rising linearly over ``lead`` quarters towards the deadline
and staying at its peak after it. It also compels: each quarter a municipality that
would wait starts a mandated block with the *compulsory pull* = how far the deadline
has come × the credibility of enforcement (``rules.decision.compulsory_pull``), and
mandated work is obligatory spending, found beyond the voluntary envelope up to what
the municipality can reallocate in a year (``budget.mandate_reallocation_share``).
Credibility is the mandate's own (``credibility``), lowered by every announced
extension and raised while sanctions are announced or monitoring publishes. The
obligation is recorded in ``effects.mandator``; the model's trust kernel charges the
*unfunded* part of each mandated implementation to trust in the mandating level.
Whether a mandate is funded is decided by what else is on the table (a financial
incentive covering the cells), never by a flag here. The announcement is also a
coordination device (``devices.announce``): every municipality expects the mandated
population share to connect, times the mandate's credibility, which lifts the
network benefit it expects (docs/ODD.md §7.11).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.instruments import devices
from sim.instruments.base import Instrument, InstrumentParams, check_deadline, register
from sim.model.block_arrays import with_prerequisites
from sim.model.fields import param
from sim.model.metrics import in_use

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
    credibility: float = param(
        0.7,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: the share of laggards a deadline moves each quarter once it has "
        "passed; Denmark's Digital Post mandate was met near its deadline "
        "(docs/calibration-sources.md T1, pattern P4)",
        doc="credibility of enforcement: compulsory pull at and after the deadline",
    )
    extensions: tuple[int, ...] = param(
        (),
        unit="quarter",
        bounds=(0, 400),
        doc="quarters at which an extension of the deadline is announced",
    )
    extension_length: int = param(
        8, unit="quarters", bounds=(1, 400), doc="quarters each announced extension adds"
    )
    planning_margin: float = param(
        2.0,
        unit="-",
        bounds=(1.0, 5.0),
        source="derived: a municipality that must meet a deadline plans for the slow case, "
        "the 90th percentile of an integration's duration at the model's slip probability "
        "(0.35 a quarter with no spare capacity; negative binomial): 2.0-2.5 x the nominal "
        "2-5 quarters; projects slip (docs/calibration-sources.md §5)",
        doc="factor on integration times when a municipality plans back from the deadline",
    )
    extension_credibility_loss: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: a deadline once moved is expected to move again",
        doc="share of enforcement credibility lost with each announced extension",
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

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets; plan, per block, how long before the deadline work must start."""
        super().initialize(model)
        self.lead_time = self.planning(model)

    def planning(self, model: EGovModel) -> np.ndarray:
        """(B,) quarters before the deadline by which each block must be started.

        A mandated block must start ``planning_margin`` x its integration time before
        the deadline; each prerequisite must be done before the blocks needing it
        start, so it must start that much earlier again (longest chain).
        """
        p, bl = self.p, model.blocks
        need = np.ceil(bl.quarters * p.planning_margin)
        mandated = self.block_mask if self.block_mask is not None else np.ones(len(need), bool)
        lead = np.where(mandated, need, -np.inf)
        for _ in range(len(need)):  # relax along the prerequisite chains
            deeper = np.where(bl.prereq, lead[:, None] + need[None, :], -np.inf).max(axis=0)
            lead = np.maximum(lead, deeper)
        return np.where(np.isfinite(lead), lead, 0.0)

    def extended(self, quarter: int) -> int:
        """Extensions announced by ``quarter``."""
        return sum(1 for q in self.p.extensions if q <= quarter)

    def deadline_at(self, quarter: int) -> int:
        """The deadline as known in ``quarter`` (moved by announced extensions)."""
        return self.p.deadline + self.p.extension_length * self.extended(quarter)

    def credibility_at(self, quarter: int) -> float:
        """Enforcement credibility the mandate carries in ``quarter``."""
        p = self.p
        return p.credibility * (1.0 - p.extension_credibility_loss) ** self.extended(quarter)

    def ramp(self, quarter: int) -> float:
        """Share of peak pressure felt this quarter (announcement → deadline)."""
        p = self.p
        to_go = self.deadline_at(quarter) - quarter
        rise = 1.0 - to_go / p.lead
        return float(np.clip(max(rise, p.announcement_pressure), 0.0, 1.0))

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Add deadline pressure and the compulsory pull; record the obligation."""
        p = self.p
        ramp = self.ramp(model.quarter)
        level = p.intensity * p.pressure * ramp
        if self.targets_municipal:
            cells = self.target_cells
            effects.pressure[cells] += level
            effects.impose(cells, p.run_by)
            self.compel(model, effects, cells)
            # The announcement is a coordination device: everyone expects the mandated
            # coverage at the deadline, as far as the mandate is believed (§7.11).
            cover = devices.committed_coverage(model, cells)
            devices.announce(effects, cover, self.credibility_at(model.quarter))
        # Only central can oblige regions; a region cannot mandate itself.
        if "regional" in p.target.levels and p.run_by == "central" and effects.n_regions:
            assert self.block_mask is not None
            effects.region_pressure[:, self.block_mask] += level
            effects.region_mandated[:, self.block_mask] = True

    def compel(self, model: EGovModel, effects: Effects, cells: np.ndarray) -> None:
        """The compulsory pull on mandated cells and on their prerequisites.

        Each block is pulled on its own schedule: fully from the quarter it must be
        started to be done by the deadline (``planning``), ``announcement_pressure``
        of that before, rising over ``lead`` quarters. Complying needs the mandated
        blocks' prerequisites too: they are pulled (not mandated: no pressure and no
        trust accounting of their own).
        """
        p, q = self.p, model.quarter
        to_go = self.deadline_at(q) - self.lead_time - q
        rise = np.clip(np.maximum(1.0 - to_go / p.lead, p.announcement_pressure), 0.0, 1.0)
        pull = np.minimum(p.intensity * rise, 1.0)
        needed = with_prerequisites(cells, model.blocks.prereq)
        cols = np.broadcast_to(pull[None, :], needed.shape)
        effects.obligation[needed] = np.maximum(effects.obligation[needed], cols[needed])
        cred = self.credibility_at(q)
        effects.enforcement[needed] = np.maximum(effects.enforcement[needed], cred)

    def compliance(self, model: EGovModel) -> float:
        """Share of targeted municipal cells adopted (NaN before the deadline)."""
        return self._share(model, model.state.adopted)

    def compliance_in_use(self, model: EGovModel) -> float:
        """Share of targeted municipal cells adopted and in working use (NaN before the deadline).

        Joined on paper (``compliance``) and used by citizens are different states: a
        register of joined municipalities can run years ahead of real use.
        """
        return self._share(model, in_use(model))

    def _share(self, model: EGovModel, done: np.ndarray) -> float:
        """Mean of ``done`` over the targeted municipal cells, once the deadline has come."""
        if model.quarter < self.deadline_at(model.quarter) or not self.targets_municipal:
            return float("nan")
        cells = self.target_cells
        return float(done[cells].mean()) if cells.any() else float("nan")
