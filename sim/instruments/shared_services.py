"""Shared resource centre: a national or regional centre pooling ICT capacity for members.

OECD (2009, Figure 1 and §478, "Shared resource centres") describes joint ICT
centres and joint skills and competencies centres, "increasingly used on sub-national
level to achieve economy of scale or share scarce or very expensive resources". The
Danish virtual town hall and the Kansas/Missouri software hand-over in
shared/seeds/003 are the pooling idea carried across jurisdictions. Norwegian data
(CALIBRATION.md §3) show small municipalities pool far more than large ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.instruments.base import Instrument, InstrumentParams, register
from sim.model.fields import ParameterError, param

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
            "CALIBRATION.md §3: NO inter-municipal IT co-operation 65.7% (<15k) vs 40.3% "
            "(>15k); assumption: municipalities of 50k+ run their own ICT department"
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
class SharedResourceCentre(Instrument):
    """Shared resource centre with voluntary membership and pooled capacity.

    OECD tool type: "Shared resource centres" (OECD 2009 = shared/seeds/000, Figure 1
    and §478; MODEL.md §7 row "shared resource centre"); the Danish virtual town hall
    and the Kansas/Missouri reuse of shared/seeds/003.

    Mechanism: a centre run by ``run_by`` (central: a national centre; regional: the
    regional tier's centres, restricted with ``target.regions``). Every active quarter
    each targeted municipality of size class at most ``max_size_class`` that is not
    yet a member of any centre joins with probability ``join_probability ×
    intensity × trust`` in the running level (one uniform per municipality drawn from
    ``model.streams.instruments`` every active quarter, whatever the state, to keep
    common random numbers aligned). Membership is the instrument's effect and is
    written to ``state.centre_member`` directly, so members receive exactly the
    model's centre benefits (MODEL.md §6): the cost cut ``regional.centre_cost_cut``
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

    Known limitation: the model's regional stage charges each region
    ``regional.centre_cost_per_member`` for every ``centre_member`` in its territory,
    including this instrument's members, so in a country with a regional tier the
    fee is also booked to ``regional`` ("shared centre"). Clean accounting needs the
    model to tell instrument membership apart (see the toolbox issue).

    Sources: OECD 2009 (shared/seeds/000, Figure 1, §478, §481); shared/seeds/003;
    CALIBRATION.md §3 (Norwegian pooling by size); joining odds and the fee are the
    model's own regional-centre defaults (``RegionalParams``).
    """

    name = "shared_resource_centre"
    formality_rank = 8
    oecd_type = "Shared resource centres"
    Params = SharedResourceCentreParams

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets, check a regional centre has regions, start with no members."""
        super().initialize(model)
        p: SharedResourceCentreParams = self.p  # type: ignore[assignment]
        if p.run_by == "regional" and model.rstate.n == 0:
            allowed = f"'central': {model.country.name} has no regional tier"
            raise ParameterError("run_by", p.run_by, allowed)
        assert self.municipal_mask is not None
        small = model.state.size_class <= p.max_size_class
        self.eligible = self.municipal_mask & small & self.targets_municipal
        self.members = np.zeros(model.state.n, dtype=bool)

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Enrol, book trust and fees; release everyone in the closing quarter."""
        p: SharedResourceCentreParams = self.p  # type: ignore[assignment]
        st = model.state
        u = model.streams.instruments.random(st.n)
        if model.quarter >= p.end - 1:
            st.centre_member[self.members] = False
            self.members[:] = False
            return
        trust = st.trust_central if p.run_by == "central" else st.trust_region
        odds = p.join_probability * p.intensity * trust
        join = self.eligible & ~st.centre_member & (u < odds)
        st.centre_member |= join
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
