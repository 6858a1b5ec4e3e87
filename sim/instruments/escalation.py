"""Escalation ladder: an adaptive policy that climbs the formality ranking when needed.

OECD (2009, Figure 1) orders the co-ordination tools from the most formal
(legislation, sanctions) to the least (soft measures, informal co-ordination), and
observes that countries start soft and harden their tools when voluntary progress
stalls. The ladder encodes that policy: it starts with its softest rung, monitors
adoption of the targeted blocks every ``review_every`` quarters against a rising
target, adds the next more formal rung when the target is missed and removes the
top rung when the target is met. Rungs are ordinary registered instruments, built
with their default settings, the ladder's target and window; any rung with a
``deadline`` gets one ``deadline_lead`` quarters after it is switched on. The ladder
adds no mechanism of its own: everything it does, its rungs do. The review rule
(target path, climb or descend) is ``sim.model.adaptive``, shared with central's own
adaptive policy.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.instruments.base import Instrument, InstrumentParams, instrument_class, register
from sim.model.adaptive import Ladder, next_level
from sim.model.fields import ParameterError, param

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel

DEFAULT_RUNGS = ("soft_measures", "monitoring_benchmarking", "financial_incentive", "legislation")


@dataclass(frozen=True)
class EscalationLadderParams(InstrumentParams):
    """Ladder settings."""

    rungs: tuple[str, ...] = param(
        DEFAULT_RUNGS,
        unit="-",
        doc="instrument types, climbed from the least to the most formal (sorted by rank)",
    )
    review_every: int = param(
        8, unit="quarters", bounds=(1, 100), doc="quarters between monitored reviews"
    )
    first_target: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 1.0),
        doc="expected adoption of targeted cells at the first review",
    )
    target_step: float = param(
        0.15, unit="share", bounds=(0.0, 1.0), doc="rise of the expected adoption at each review"
    )
    deadline_lead: int = param(
        12, unit="quarters", bounds=(0, 200), doc="deadline of a rung with one, after switch-on"
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.rungs:
            raise ParameterError("rungs", self.rungs, "at least one instrument type")
        for name in self.rungs:
            try:
                known = name != "escalation_ladder" and instrument_class(name)
            except ParameterError:
                known = False
            if not known:
                from sim.instruments.base import REGISTRY

                allowed = sorted(set(REGISTRY) - {"escalation_ladder"})
                raise ParameterError("rungs", name, f"instrument types from {allowed}")
        ranks = [instrument_class(n).formality_rank for n in self.rungs]
        ordered = tuple(n for _, n in sorted(zip(ranks, self.rungs, strict=True), reverse=True))
        object.__setattr__(self, "rungs", ordered)


@register
class EscalationLadder(Instrument[EscalationLadderParams]):
    """Start soft; climb the formality ladder when monitored targets are missed."""

    name = "escalation_ladder"
    formality_rank = 13
    oecd_type = "Adaptive mix along the formality ranking (OECD 2009, Figure 1)"
    Params = EscalationLadderParams

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets; no rung is built until it is switched on."""
        super().initialize(model)
        self.rungs: list[Instrument] = []
        self.history: list[int] = []

    def expected(self, quarter: int) -> float:
        """Adoption share the policy expects of targeted cells at a review."""
        return self.ladder.expected(quarter)

    @property
    def ladder(self) -> Ladder:
        """The review schedule and target path of these settings."""
        p = self.p
        return Ladder(p.start, p.review_every, p.first_target, p.target_step)

    def achieved(self, model: EGovModel) -> float:
        """Adoption share of the targeted municipal cells now."""
        cells = self.target_cells
        return float(model.state.adopted[cells].mean()) if cells.any() else 1.0

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Review when due, climb or descend, then let every active rung act."""
        p = self.p
        q = model.quarter
        if not self.rungs:
            self._switch_on(model, 0)
        elif self.ladder.is_review(q):
            level = len(self.rungs)
            new = next_level(level, self.achieved(model), self.expected(q), 1, len(p.rungs))
            if new > level:
                self._switch_on(model, level)
            elif new < level:
                self.rungs.pop()
        self.history.append(len(self.rungs))
        for rung in self.rungs:
            if rung.is_active(q):
                rung.step(model, effects)

    def _switch_on(self, model: EGovModel, level: int) -> None:
        p = self.p
        cls = instrument_class(p.rungs[level])
        q = model.quarter
        settings: dict[str, Any] = {"start": q, "end": max(p.end, q + 1), "target": p.target}
        settings["run_by"] = p.run_by
        names = {f.name for f in dataclasses.fields(cls.Params)}
        if "deadline" in names:
            settings["deadline"] = q + p.deadline_lead
        rung = cls(cls.Params(**settings))
        rung.initialize(model)
        self.rungs.append(rung)

    def compliance(self, model: EGovModel) -> float:
        """Compliance of an active deadline-bearing rung (NaN when there is none)."""
        values = [r.compliance(model) for r in self.rungs if hasattr(r, "compliance")]
        values = [v for v in values if not np.isnan(v)]
        return float(np.mean(values)) if values else float("nan")

    @property
    def level(self) -> int:
        """Number of rungs currently switched on."""
        return len(self.rungs)
