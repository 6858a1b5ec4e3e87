"""The voluntary end of the ranking: soft measures and informal co-ordination.

OECD (2009, Figure 1 and paras. 471, 477; [OECD2009]) finds that most countries
enforce e-government co-operation with soft measures ("arguing positively about
benefits", quick wins) and that operational staff co-operate through informal
channels (Belgium's "grey zone"). Neither tool obliges, pressures or pays anyone:
in the model they act only on beliefs, integration cost and trust.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.instruments.agreements import Participation
from sim.instruments.base import Instrument, InstrumentParams, register
from sim.model.fields import param

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class SoftMeasuresParams(InstrumentParams):
    """Guidance and toolkit settings."""

    belief_push: float = param(
        0.01,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        source="assumption: half of leadership.entrepreneur_belief_push 0.02 (a champion next "
        "door persuades more than a brochure)",
        doc="share of the gap to full belief in targeted blocks' benefits closed per quarter",
    )
    cost_cut: float = param(
        0.05,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: guidance and toolkits save a small part of integration work, "
        "far below a shared centre's regional.centre_cost_cut 0.35",
        doc="share of the integration cost of targeted cells saved by toolkits",
    )


@register
class SoftMeasures(Instrument[SoftMeasuresParams]):
    """OECD (2009) "Soft measures / voluntary arrangements" (Figure 1; para. 477).

    Guidance, toolkits and showcased quick wins that argue the benefits to every
    participant. Mechanism: beliefs in the targeted blocks' benefits rise by
    ``belief_push`` × intensity of the gap per quarter (a belief push, on top of
    what municipalities learn from neighbours), and toolkits cut ``cost_cut`` ×
    intensity of the integration cost of targeted cells (capped with all other cuts
    by ``implementation.cost_cut_cap``). No obligation, pressure, money or trust
    experience.
    """

    name = "soft_measures"
    formality_rank = 11
    oecd_type = "Soft measures: guidance, toolkits, quick wins"
    Params = SoftMeasuresParams

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Push beliefs and cut integration cost on targeted cells."""
        p = self.p
        if not self.targets_municipal:
            return
        cells = self.target_cells
        effects.belief_push[cells] += p.belief_push * p.intensity
        effects.cost_cut[cells] += p.cost_cut * p.intensity


@dataclass(frozen=True)
class InformalCoordinationParams(InstrumentParams):
    """Informal contact settings."""

    trust_events: float = param(
        0.2,
        unit="events/quarter",
        bounds=(0.0, 5.0),
        source="assumption: more than a task force's 0.15 (docs/ODD.md §8: 'faster trust "
        "building'); OECD 2009 para. 471 (Belgian 'grey zone')",
        doc="trust experience of each participant per quarter of informal contact",
    )


@register
class InformalCoordination(Participation[InformalCoordinationParams]):
    """OECD (2009) "Informal co-ordination" (para. 471: the Belgian "grey zone").

    Actors meet informally and ad hoc, results-based, without a binding commitment.
    Mechanism: targeted municipalities (and, when the regional level is targeted and
    central runs it, the regions) gain ``trust_events`` × intensity positive
    experiences with the running level every quarter; nothing else: no pressure, no
    obligation, no money beyond its ``cost_per_quarter``. Adoption moves only as far
    as trust does (credibility-weighted benefits, risk perception, and fewer local
    builds out of distrust).
    """

    name = "informal_coordination"
    formality_rank = 13
    oecd_type = "Informal co-ordination (grey zone)"
    Params = InformalCoordinationParams

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Add the quarter's informal-contact trust experiences."""
        p = self.p
        self.participate(effects, p.trust_events * p.intensity)
