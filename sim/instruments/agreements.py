"""Negotiated and institutional co-ordination: agreements, task forces, a common vision.

OECD (2009, Figure 1 and paras. 472-478; [OECD2009]) places these tools between
legislation and the voluntary end of the ranking: they bind the levels politically or
organisationally rather than legally. In the model they act only through the
quarter's Effects: a commitment pressure and a cost split (agreement), implementation
support (task force), pushes on priority and beliefs (vision), and positive trust
experiences for the governments that take part. Participation is an experience with
the level that runs the tool (``run_by``): municipalities' trust in it, and, when the
regional level is targeted and central runs the tool, the regions' trust in central.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.instruments import devices
from sim.instruments.base import (
    Instrument,
    InstrumentParams,
    Target,
    register,
    resolve_municipalities,
)
from sim.instruments.financial import pool_per_capita
from sim.model.effects import GrantOffer, GrantPool
from sim.model.fields import param

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


def participating_regions(target: Target, model: EGovModel) -> np.ndarray:
    """(R,) bool: regions taking part (those named in the target; all when none named).

    Regions are found through their municipalities, so the check of region names is the
    one the base class already does for municipal targets.
    """
    n = model.rstate.n
    if n == 0:
        return np.zeros(0, dtype=bool)
    in_filter = resolve_municipalities(Target(regions=target.regions), model)
    return np.bincount(model.state.region[in_filter], minlength=n)[:n] > 0


class Participation[P: InstrumentParams](Instrument[P]):
    """Base for tools whose participants gain trust in the level running them.

    Taking part in negotiations, joint bodies or informal contacts is a repeated
    positive experience with the other level (docs/ODD.md §7.8: "participation in
    agreements and task forces, informal contacts"). Events are in the trust kernel's
    units (``trust.gain_rate`` per event, losses faster).
    """

    def initialize(self, model: EGovModel) -> None:
        """Resolve municipal targets and the participating regions."""
        super().initialize(model)
        self.region_mask = participating_regions(self.p.target, model)

    def participate(self, effects: Effects, events: float) -> None:
        """Add ``events`` positive experiences with ``run_by`` for every participant."""
        if events <= 0:
            return
        assert self.municipal_mask is not None
        if self.targets_municipal:
            central = self.p.run_by == "central"
            pos = effects.trust_central_pos if central else effects.trust_region_pos
            pos[self.municipal_mask] += events
        # Regions build trust only in central: a region does not take part in itself.
        if "regional" in self.p.target.levels and self.p.run_by == "central":
            effects.region_trust_pos[self.region_mask] += events


@dataclass(frozen=True)
class CooperationAgreementParams(InstrumentParams):
    """Agreement settings."""

    negotiation_quarters: int = param(
        4,
        unit="quarters",
        bounds=(0, 40),
        source="assumption: one year; docs/calibration-sources.md §5 'Governance delay' "
        "(OZG scope and order took about half of a 5-year period) is the upper reference",
        doc="quarters of negotiation after start before the agreement is signed",
    )
    participation_events: float = param(
        0.2,
        unit="events/quarter",
        bounds=(0.0, 5.0),
        source="assumption: under half a joint success (trust.joint_success_weight 0.5) a quarter",
        doc="trust experience of each participant per quarter of negotiation",
    )
    commitment_pressure: float = param(
        0.8,
        unit="index",
        bounds=(0.0, 20.0),
        source="assumption: about a third of a mandate's peak (legislation.pressure 2.5)",
        doc="value-index pressure on targeted cells after signature (times intensity)",
    )
    central_share: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption; docs/calibration-sources.md §2 'Local digital fund' co-finance "
        "0.5-0.75 as the upper reference of a grant programme",
        doc="share of integration cost paid by run_by after signature (times intensity)",
    )
    budget: float = param(
        float("inf"),
        unit="EUR",
        bounds=(0.0, None),
        source="docs/calibration-sources.md §2 'OZG money' for the scale of a negotiated programme",
        doc="pool for the cost split over the agreement's life (inf: open-ended)",
    )
    expectation_credibility: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: a political commitment, believed less than a law "
        "(legislation.credibility 0.7); Farrell & Saloner 1985 on coordination devices",
        doc="share of the signatories' population that others expect to connect, once "
        "signed (times intensity; expected-coverage signal, docs/ODD.md §7.11)",
    )
    budget_per_capita: float = param(
        0.0,
        unit="EUR/inhabitant",
        bounds=(0.0, None),
        source="assumption: a pool per inhabitant of the targeted municipalities scales "
        "with the country (EUR 10 per inhabitant is about Denmark's EUR 60 M)",
        doc="pool per inhabitant of the targeted municipalities, at Danish prices (times "
        "the country's price level); when > 0 it replaces budget",
    )
    commitment_events: float = param(
        0.1,
        unit="events/quarter",
        bounds=(0.0, 5.0),
        source="assumption: half the negotiation experience; docs/calibration-sources.md §5 "
        "'Municipal buy-in to joint strategy' (co-owned strategy, strong support)",
        doc="trust experience of each participant per quarter once signed",
    )


@register
class CooperationAgreement(Participation[CooperationAgreementParams]):
    """OECD (2009) "Co-operation agreements / contracts" (Figure 1; para. 473).

    Political agreements between levels that define areas of co-operation, budgetary
    goals and a setup to resolve conflicts (Belgium, Finland, Denmark). Mechanism: for
    ``negotiation_quarters`` after ``start`` only the talks act (a positive trust
    experience for participants); from signature, targeted cells that are not yet
    adopted feel a commitment pressure smaller than a mandate's and no legal
    obligation (so failures cost no mandate trust), ``run_by`` pays ``central_share``
    of the integration cost from a finite or open pool (a grant offer, so it enters
    value and budget as co-funding does), and participants keep a smaller trust
    experience per quarter ("raises trust and commitment", docs/ODD.md §8). The
    signed agreement is a coordination device: every municipality expects the
    signatories to connect, believed at ``expectation_credibility`` (§7.11).
    """

    name = "cooperation_agreement"
    formality_rank = 4
    oecd_type = "Co-operation agreements / contracts"
    Params = CooperationAgreementParams

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets and open the pool that pays the cost split."""
        super().initialize(model)
        p = self.p
        size = p.budget
        if p.budget_per_capita > 0:
            size = pool_per_capita(model, self.target_cells, p.budget_per_capita)
        self.pool = GrantPool(payer=p.run_by, remaining=size, label=self.name)

    @property
    def signed_at(self) -> int:
        """First quarter in which the agreement binds."""
        p = self.p
        return p.start + p.negotiation_quarters

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Negotiate, or, once signed, commit, co-fund and keep building trust."""
        p = self.p
        if model.quarter < self.signed_at:
            self.participate(effects, p.participation_events * p.intensity)
            return
        self.participate(effects, p.commitment_events * p.intensity)
        if not self.targets_municipal:
            return
        open_cells = self.target_cells & ~model.state.adopted
        effects.pressure[open_cells] += p.commitment_pressure * p.intensity
        cover = devices.committed_coverage(model, self.target_cells)
        devices.announce(effects, cover, p.expectation_credibility * p.intensity)
        share = self.target_cells * (p.central_share * p.intensity)
        effects.grant_offers.append(GrantOffer(share=share, pool=self.pool))


@dataclass(frozen=True)
class JointTaskForceParams(InstrumentParams):
    """Task force settings (``cost_per_quarter`` is its staff cost)."""

    cost_per_quarter: float = param(
        150_000.0,
        unit="EUR/quarter",
        bounds=(0.0, None),
        source="assumption: about 6 FTE at EUR 100k loaded cost a year",
        doc="staff cost of the task force, booked to run_by",
    )
    support: float = param(
        0.4,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: above a shared centre's regional.centre_support 0.3",
        doc="implementation support on targeted cells (times intensity)",
    )
    trust_events: float = param(
        0.15,
        unit="events/quarter",
        bounds=(0.0, 5.0),
        source="assumption: under a third of a joint success (trust.joint_success_weight 0.5)",
        doc="trust experience of each participant per quarter of joint work",
    )


@register
class JointTaskForce(Participation[JointTaskForceParams]):
    """OECD (2009) "Joint management / taskforces" (Figure 1; para. 478).

    A joint body staffed by the running level that works with municipalities on their
    implementations. Mechanism: targeted cells get implementation support
    (``support`` × intensity), which the model's implementation kernel turns into
    more effective capacity, a lower failure hazard and fewer quarters to finish
    (``implementation.support_*``); participants gain a trust experience every
    quarter; the staff cost (default EUR 150,000 a quarter) is booked to ``run_by``.
    Support does not enter the adoption decision: the task force helps whoever starts.
    """

    name = "joint_task_force"
    formality_rank = 7
    oecd_type = "Joint task force / management body"
    Params = JointTaskForceParams

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Support targeted implementations and build participants' trust."""
        p = self.p
        if self.targets_municipal:
            effects.support[self.target_cells] += p.support * p.intensity
        self.participate(effects, p.trust_events * p.intensity)


@dataclass(frozen=True)
class CommonVisionParams(InstrumentParams):
    """Vision settings."""

    priority_push: float = param(
        0.01,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        source="assumption: slow; half of leadership.entrepreneur_belief_push 0.02",
        doc="share of the gap to full e-government priority closed per quarter",
    )
    belief_push: float = param(
        0.005,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        source="assumption: a quarter of leadership.entrepreneur_belief_push 0.02",
        doc="share of the gap to full belief in the benefits closed per quarter",
    )
    committed_coverage: float = param(
        0.0,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption (off by default); Farrell & Saloner 1985: a credible commitment "
        "to a common standard ends the wait for others",
        doc="coverage the strategy commits the running level to reach; heard by every "
        "municipality times intensity and, when central runs it, central's delivery "
        "record (expected-coverage signal, docs/ODD.md §7.11)",
    )


@register
class CommonVision(Instrument[CommonVisionParams]):
    """OECD (2009) "Common visions and policies" (Figure 1; para. 468 "joint vision").

    A shared strategy that says why e-government matters to every level. Mechanism:
    targeted municipalities' e-government priority (hence the share of their budget
    free for projects, and their protection against competing needs) and their beliefs
    in the targeted blocks' benefits rise slowly every quarter; there is no
    obligation, no pressure, no money and no trust experience: a vision persuades, it
    does not bind. Costs only its ``cost_per_quarter``. With ``committed_coverage`` > 0
    it is also a credible commitment (a coordination device, §7.11): every municipality
    expects that coverage of the targeted blocks, discounted by central's delivery
    record when central runs it.
    """

    name = "common_vision"
    formality_rank = 5
    oecd_type = "Common vision / strategy"
    Params = CommonVisionParams

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Push priority and beliefs of the targeted municipalities."""
        p = self.p
        if not self.targets_municipal:
            return
        if p.committed_coverage > 0:
            blocks = self.target_cells.any(axis=0)
            credible = model.central.credibility if p.run_by == "central" else 1.0
            devices.announce(effects, blocks * p.committed_coverage, p.intensity * credible)
        assert self.municipal_mask is not None
        effects.priority_push[self.municipal_mask] += p.priority_push * p.intensity
        effects.belief_push[self.target_cells] += p.belief_push * p.intensity
