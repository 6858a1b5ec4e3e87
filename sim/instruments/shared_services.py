"""Shared resource centre: a national or regional centre pooling ICT capacity for members.

OECD (2009, Figure 1 and §478, "Shared resource centres") describes joint ICT
centres and joint skills and competencies centres, "increasingly used on sub-national
level to achieve economy of scale or share scarce or very expensive resources". The
Danish virtual town hall and the Kansas/Missouri software hand-over in
[JoinedUp] are the pooling idea carried across jurisdictions. Norwegian data
(docs/calibration-sources.md §3) show small municipalities pool far more than large ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.instruments.base import Instrument, InstrumentParams, register
from sim.model.fields import ParameterError, param
from sim.model.state import IMPLEMENTING

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class SharedResourceCentreParams(InstrumentParams):
    """Shared-centre settings."""

    max_size_class: int = param(
        2,
        unit="class",
        bounds=(0, 4),
        source=(
            "docs/calibration-sources.md §3: NO inter-municipal IT co-operation 65.7% (<15k) "
            "vs 40.3% (>15k); assumption: municipalities of 50k+ run their own ICT department"
        ),
        doc="largest size class (2: <50k inhabitants) admitted as member, within the target",
    )
    join_probability: float = param(
        0.15,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        source="as the model's regional centres (regional.centre_join_probability)",
        doc="quarterly chance an eligible municipality joins, times trust in the running level",
    )
    cost_per_member: float = param(
        20_000.0,
        unit="EUR/member/year",
        bounds=(0.0, None),
        source="as the model's regional centres (regional.centre_cost_per_member)",
        doc="running cost of the centre per member, paid by the running level",
    )
    join_trust: float = param(
        1.0,
        unit="events",
        bounds=(0.0, 10.0),
        source="as the model's regional centres (one positive experience on joining)",
        doc="positive experiences with the running level when a municipality joins",
    )
    member_trust: float = param(
        0.1,
        unit="events/quarter",
        bounds=(0.0, 10.0),
        source=(
            "assumption; OECD 2009 §481: trust is built gradually in day-to-day "
            "collaboration, and trust in partners' IT knowledge drives it"
        ),
        doc="positive experiences with the running level per member per quarter",
    )


@register
class SharedResourceCentre(Instrument[SharedResourceCentreParams]):
    """Shared resource centre with voluntary membership and pooled capacity.

    OECD tool type: "Shared resource centres" (OECD 2009 = [OECD2009], Figure 1
    and §478; docs/ODD.md §8 `shared_resource_centre`); the Danish virtual town hall
    and the Kansas/Missouri reuse of [JoinedUp].

    Mechanism: a centre run by ``run_by`` (central: a national centre; regional: the
    regional tier's centres, restricted with ``target.regions``). Every active quarter
    each targeted municipality of size class at most ``max_size_class`` that is not
    yet a member of any centre joins with probability ``join_probability ×
    intensity × trust`` in the running level (one uniform per municipality drawn from
    ``model.streams.instruments`` every active quarter, whatever the state, to keep
    common random numbers aligned). Membership is the instrument's effect and is
    written to ``state.centre_member`` directly, so members receive exactly the
    model's centre benefits (docs/ODD.md §7.4): the cost cut ``regional.centre_cost_cut``
    in the adoption value and the project cost, the pooled staff
    ``regional.centre_capacity`` in the capacity index (faster, more successful
    implementations) and the support ``regional.centre_support`` (shorter duration,
    lower failure hazard). Small municipalities gain most because their own capacity
    is lowest and their integration cost per inhabitant highest, which is pattern P8.
    Joining is a positive experience with the running level (``join_trust``), and so
    is every quarter of membership (``member_trust``). The running level pays
    ``cost_per_member`` per member and year, booked quarterly as
    ``instrument:shared_resource_centre`` (plus any ``cost_per_quarter``). The centre
    closes in its last active quarter (``end - 1``, the last quarter the instrument
    runs): its members leave, no one joins and no fee is booked for that quarter.
    Municipalities already in a region's own centre are left there and never charged.

    Members are flagged ``state.instrument_member`` as well, so regions charge only
    the members of their own centres and the fee is booked once, here.

    Sources: OECD 2009 ([OECD2009], Figure 1, §478, §481); [JoinedUp];
    docs/calibration-sources.md §3 (Norwegian pooling by size); joining odds and the fee are the
    model's own regional-centre defaults (``RegionalParams``).
    """

    name = "shared_resource_centre"
    formality_rank = 8
    oecd_type = "Shared resource centres"
    Params = SharedResourceCentreParams

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets, check a regional centre has regions, start with no members."""
        super().initialize(model)
        p = self.p
        if p.run_by == "regional" and model.rstate.n == 0:
            allowed = f"'central': {model.country.name} has no regional tier"
            raise ParameterError("run_by", p.run_by, allowed)
        assert self.municipal_mask is not None
        small = model.state.size_class <= p.max_size_class
        self.eligible = self.municipal_mask & small & self.targets_municipal
        self.members = np.zeros(model.state.n, dtype=bool)

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Enrol, book trust and fees; release everyone in the closing quarter."""
        p = self.p
        st = model.state
        u = model.streams.instruments.random(st.n)
        if model.quarter >= p.end - 1:
            st.centre_member[self.members] = False
            st.instrument_member[self.members] = False
            self.members[:] = False
            return
        trust = st.trust_central if p.run_by == "central" else st.trust_region
        odds = p.join_probability * p.intensity * trust
        join = self.eligible & ~st.centre_member & (u < odds)
        st.centre_member |= join
        st.instrument_member |= join
        self.members |= join
        pos = effects.trust_central_pos if p.run_by == "central" else effects.trust_region_pos
        pos += p.join_trust * join + p.member_trust * self.members
        fee = p.cost_per_member / 4.0 * int(self.members.sum())
        if fee > 0:
            model.ledger.spend(p.run_by, fee, f"instrument:{self.name}")
            self.cost_booked += fee

    @property
    def n_members(self) -> int:
        """Municipalities currently in this centre."""
        return int(self.members.sum())


@dataclass(frozen=True)
class SoftwareReuseParams(InstrumentParams):
    """Reuse, outsourcing and PPP settings."""

    cost_cut: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 0.9),
        source=(
            "assumption: reused code ([JoinedUp]: Missouri gave Kansas its software "
            "for free) removes development but not configuration, data migration and "
            "local integration; below the 0.35 of a shared centre"
        ),
        doc="share of the integration cost saved on targeted cells (times intensity)",
    )
    support: float = param(
        0.1,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: the supplier does part of the work (OECD 2009 §478, outsourcing)",
        doc="implementation support on targeted cells (shorter, less failure-prone)",
    )
    extra_failure: float = param(
        0.05,
        unit="probability",
        bounds=(0.0, 0.5),
        source=(
            "assumption: a fifth of the ~0.25 'red' rate of public IT projects "
            "(docs/calibration-sources.md §5); OECD 2009 §478: PPP results 'only partially emerged'"
        ),
        doc="failure probability added to reuse implementations finishing (lock-in)",
    )
    vendor_failure_probability: float = param(
        0.0,
        unit="1/year",
        bounds=(0.0, 1.0),
        source="assumption: off by default; set it for vendor-failure stress tests",
        doc="yearly chance the supplier or reused solution collapses for good",
    )
    vendor_failure_trust: float = param(
        1.0,
        unit="events",
        bounds=(0.0, 10.0),
        source="docs/ODD.md §7.8: failed projects of another level lower trust in it",
        doc="negative experiences with the running level per municipality hit by a collapse",
    )


@register
class SoftwareReuse(Instrument[SoftwareReuseParams]):
    """Software reuse, outsourcing or a public-private partnership.

    OECD tool type: "Outsourcing" and "Public Private Partnerships" (OECD 2009 =
    [OECD2009], Figure 1 and §478; docs/ODD.md §8
    `software_reuse`); the Kansas/Missouri code hand-over of [JoinedUp].

    Mechanism: while the arrangement lives, targeted cells whose platform is live get
    a cheaper integration (``effects.cost_cut += cost_cut × intensity``) and all
    targeted cells implementation support (``effects.support += support × intensity``:
    shorter duration, more capacity, lower failure hazard in the model's
    implementation rules). What is reused is an integration with the shared platform, so there is no
    cut where no platform is live; but the model's cut lowers the cost of a local
    build too, so where no standard is set reuse also cheapens fragmentation (as
    voluntary reuse without binding standards did in Germany, docs/calibration-sources.md T3).
    The price is lock-in: every targeted implementation begun while the arrangement
    lived carries ``extra_failure × intensity`` added to its failure
    probability when it finishes (``effects.extra_failure``). With
    ``vendor_failure_probability`` > 0, one uniform drawn from
    ``model.streams.instruments`` every active quarter decides whether the supplier
    collapses (quarterly chance ``1 - (1 - p)^(1/4)``): from then on no cut and no
    support, the lock-in risk stays on the implementations begun under the
    arrangement, and every municipality with one under way has
    ``vendor_failure_trust`` negative experiences with the running level, which chose
    the supplier. Licences or contract management are ``cost_per_quarter``, booked to
    ``run_by``.

    Sources: OECD 2009 ([OECD2009], Figure 1, §478 "Outsourcing", "Public
    Private Partnerships"); [JoinedUp] (reuse across jurisdictions);
    docs/calibration-sources.md §5 (failure rates of public IT projects) and T3 (German EfA reuse:
    14 of 306 solutions used nationwide); the sizes of the cut, support and risk are
    assumptions (see each parameter's ``source``).
    """

    name = "software_reuse"
    formality_rank = 12
    oecd_type = "Software reuse / outsourcing / PPP"
    Params = SoftwareReuseParams

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets; the supplier starts alive."""
        super().initialize(model)
        self.failed_at: int | None = None

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Cheaper, supported integration with a lock-in risk; maybe a vendor collapse."""
        p = self.p
        u = model.streams.instruments.random()
        if not self.targets_municipal:
            return
        st, cells = model.state, self.target_cells
        until = self.failed_at if self.failed_at is not None else model.quarter + 1
        under_reuse = cells & (st.status == IMPLEMENTING) & (st.since >= p.start)
        under_reuse &= st.since < until
        effects.extra_failure[under_reuse] += p.extra_failure * p.intensity
        if self.failed_at is None and u < 1.0 - (1.0 - p.vendor_failure_probability) ** 0.25:
            self.failed_at = model.quarter
            hit = under_reuse.any(axis=1)
            neg = effects.trust_central_neg if p.run_by == "central" else effects.trust_region_neg
            neg += p.vendor_failure_trust * hit
        if self.failed_at is None:
            live = cells & model.platform_live()[None, :]
            effects.cost_cut[live] += p.cost_cut * p.intensity
            effects.support[cells] += p.support * p.intensity
