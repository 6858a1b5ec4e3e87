"""Obliging citizens: a mandatory digital channel with default enrolment and exemptions.

Denmark made Digital Post mandatory for citizens in 2014: every adult was enrolled
by default, and those who could not use it (no digital skills, disabilities) could
be exempted; the 80% digital-channel target was met in 2015
(docs/calibration-sources.md T1, pattern P4). This is the step on the citizens' side
that a municipal mandate alone does not produce: municipalities can be compelled to
connect, but take-up otherwise follows a slow Bass diffusion (docs/ODD.md §7.7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.instruments.base import Instrument, InstrumentParams, register
from sim.model.fields import param

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class MandatoryChannelParams(InstrumentParams):
    """Default-enrolment settings."""

    enrolment: float = param(
        0.9,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: default enrolment reaches nine in ten of the citizens with "
        "digital skills (opt-outs beyond the exempted); Denmark met its 80% digital-channel "
        "target a year after the mandate (docs/calibration-sources.md T1)",
        doc="share of citizens with digital skills enrolled by default (times intensity); "
        "citizens without skills are exempt",
    )
    phase_in: int = param(
        4,
        unit="quarters",
        bounds=(1, 40),
        source="assumption: enrolment letters and exemptions are processed over a year",
        doc="quarters over which enrolment rises to its full share",
    )


@register
class MandatoryDigitalChannel(Instrument[MandatoryChannelParams]):
    """A citizen-side obligation: default enrolment in the targeted digital services.

    Mechanism: from ``start``, in targeted municipalities where a targeted block is
    in operation, citizens' take-up of it is at least ``enrolment`` × intensity ×
    (quarters since start + 1) / ``phase_in`` (capped at full) of the share with
    digital skills; the rest are exempt (``rules.citizens.enrolled``). Take-up feeds
    the benefits booked to every level (docs/ODD.md §7.10). It obliges citizens,
    not municipalities: no pressure on the adoption decision, no trust accounting.
    """

    name = "mandatory_digital_channel"
    formality_rank = 1
    oecd_type = "Legislation / regulation (mandatory), aimed at citizens"
    Params = MandatoryChannelParams

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Enrol citizens by default in the targeted services."""
        p = self.p
        if not self.targets_municipal:
            return
        phase = min((model.quarter - p.start + 1) / p.phase_in, 1.0)
        level = min(p.enrolment * p.intensity * phase, 1.0)
        cells = self.target_cells
        effects.enrolment[cells] = np.maximum(effects.enrolment[cells], level)
