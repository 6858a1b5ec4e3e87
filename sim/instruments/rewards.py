"""Rewards and praise: a bonus and public recognition for adopters (OECD 2009, Figure 1).

OECD (2009, para. 476, "Sanctions and rewards"; [OECD2009]): monitoring works
when followed up by mechanisms acting on its results, from judicial sanctions to
"naming and shaming/praising"; "most OECD countries have a 'reward' structure". In
the model a reward is paid after the fact: a bonus transfer when a targeted block is
adopted, with public praise that raises the adopter's e-government priority and is a
positive experience with the level that praises. Praise is read in each municipality's
benchmarking club (``sim.model.peers``): one whose club-mates were praised and which
was not feels pressure in proportion to that lead. Municipalities that have not yet
adopted see the bonus coming, relative to what the block costs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.instruments.base import Instrument, InstrumentParams, register
from sim.model.fields import param
from sim.model.peers import club_lead
from sim.model.state import IMPLEMENTING

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class RewardsPraiseParams(InstrumentParams):
    """Bonus and praise settings."""

    bonus: float = param(
        5000.0,
        unit="EUR/adoption",
        bounds=(0.0, 1e8),
        source="docs/calibration-sources.md §2 'FranceConnect cost and subsidy': EUR 5,000 "
        "per local authority that connects (France Relance)",
        doc="flat bonus per adopted targeted block (times intensity)",
    )
    bonus_per_capita: float = param(
        0.0,
        unit="EUR/inhabitant",
        bounds=(0.0, 1000.0),
        source="assumption: off by default (the French bonus was flat)",
        doc="bonus per inhabitant per adopted targeted block, on top of the flat bonus",
    )
    until: int = param(
        400,
        unit="quarter",
        bounds=(0, 400),
        doc="only adoptions completed before this quarter are rewarded and praised",
    )
    budget: float = param(
        float("inf"),
        unit="EUR",
        bounds=(0.0, None),
        source="docs/calibration-sources.md §2: EUR 935k paid to 165 French authorities",
        doc="money for bonuses over the instrument's life (inf: open-ended)",
    )
    praise_priority: float = param(
        0.05,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: about a co-production boost (citizens.coproduction_boost)",
        doc="share of the gap to full priority closed when a municipality is praised",
    )
    praise_events: float = param(
        0.2,
        unit="events/adoption",
        bounds=(0.0, 5.0),
        source="assumption: under half a joint success (trust.joint_success_weight 0.5)",
        doc="positive experience with run_by per praised adoption (times intensity)",
    )
    peer_pressure: float = param(
        1.0,
        unit="index",
        bounds=(0.0, 20.0),
        source="assumption: half of monitoring_benchmarking.peer_pressure (praise is "
        "less visible than a ranking, as praise_priority)",
        doc="pressure on open targeted cells per unit of the club's lead in praised "
        "municipalities (times intensity; 0 without clubs)",
    )


@register
class RewardsPraise(Instrument[RewardsPraiseParams]):
    """OECD (2009) "Rewards and praise" (Figure 1; para. 476 "Sanctions and rewards").

    Mechanism: every quarter the instrument looks at targeted cells adopted since the
    previous quarter (cells adopted before it started do not count). For each, while
    the adoption came before ``until``, the running level pays ``bonus`` +
    ``bonus_per_capita`` × population (times intensity) to the municipality from a
    pool of ``budget`` (transfer ``run_by`` → municipal, added to the municipality's
    free envelope; when money is short, adopters are paid in a random order drawn
    from the instrument stream), and praises it publicly: its priority closes
    ``praise_priority`` × intensity of the gap to 1 and it books ``praise_events`` ×
    intensity positive experiences with ``run_by`` per praised block. While bonuses
    are on offer, open targeted cells whose standard is live feel an expected-bonus
    pressure equal to the bonus divided by the cell's gross integration cost (the
    bonus counts like a grant, but only on completion): flat bonuses weigh most for
    small municipalities. Praise is public within each municipality's benchmarking
    club (docs/ODD.md §7.5 "Peers"): those open cells also feel ``peer_pressure`` ×
    intensity × the club's lead in praised members (the share of the club praised so
    far minus 1 if the municipality itself was praised, floored at 0).
    Source: OECD 2009 ([OECD2009]) para. 476; docs/calibration-sources.md §2 (FranceConnect).
    """

    name = "rewards_praise"
    formality_rank = 3
    oecd_type = "Rewards and praise (bonus, public recognition)"
    Params = RewardsPraiseParams

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets; open the bonus pool and the record of rewarded cells."""
        super().initialize(model)
        p = self.p
        self.remaining = p.budget
        self.paid = np.zeros(model.state.n)
        self.praised = np.zeros(model.state.n, dtype=np.int64)
        self.counted: np.ndarray | None = None  # cells already adopted when last seen

    def bonus_per_cell(self, model: EGovModel) -> np.ndarray:
        """(M,) bonus one adopted block earns each municipality (EUR)."""
        p = self.p
        return p.intensity * (p.bonus + p.bonus_per_capita * model.state.population)

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Reward and praise new adopters; signal the bonus to those yet to adopt."""
        p = self.p
        order = model.streams.instruments.permutation(model.state.n)  # drawn every quarter
        adopted = model.state.adopted & self.target_cells
        if self.counted is None:
            self.counted = adopted.copy()
        new = adopted & ~self.counted
        self.counted |= adopted
        if not self.targets_municipal or model.quarter > p.until:
            return
        count = new.sum(axis=1)
        if count.any():
            self.reward(model, count, order)
            self.praise(effects, count)
        if model.quarter < p.until and self.remaining > 0:
            st = model.state
            # Only a live standard can earn a bonus; this also keeps central's build
            # decisions (which read pressure as a commitment) out of it.
            live = model.platform_live()[None, :]
            open_cells = self.target_cells & live & ~st.adopted & (st.status != IMPLEMENTING)
            index = self.bonus_per_cell(model)[:, None] / np.maximum(st.gross_cost, 1.0)
            effects.pressure += np.where(open_cells, index, 0.0)
            self.shame(model, effects, open_cells)

    def shame(self, model: EGovModel, effects: Effects, open_cells: np.ndarray) -> None:
        """Praise seen in the benchmarking club: the unpraised feel their club's lead."""
        p = self.p
        if p.peer_pressure <= 0 or not self.praised.any():
            return
        lead = club_lead(model, (self.praised > 0).astype(float))
        if lead.any():
            push = p.peer_pressure * p.intensity * lead[:, None]
            effects.pressure += np.where(open_cells, push, 0.0)

    def reward(self, model: EGovModel, count: np.ndarray, order: np.ndarray) -> None:
        """Pay the bonuses due, in random order while the pool lasts."""
        p = self.p
        due = (self.bonus_per_cell(model) * count)[order]
        before = np.concatenate(([0.0], np.cumsum(due)[:-1]))
        pay = np.zeros(model.state.n)
        pay[order] = np.clip(self.remaining - before, 0.0, due)
        total = float(pay.sum())
        if total <= 0:
            return
        self.remaining -= total
        self.paid += pay
        model.ledger.transfer(p.run_by, "municipal", total, "reward_bonus")
        model.state.free_budget[:] += pay  # workaround: no Effects field for cash to municipalities

    def praise(self, effects: Effects, count: np.ndarray) -> None:
        """Public praise: a priority push and a positive experience with the praising level."""
        p = self.p
        praised = count > 0
        self.praised += praised
        effects.priority_push[praised] += p.praise_priority * p.intensity
        pos = effects.trust_central_pos if p.run_by == "central" else effects.trust_region_pos
        pos += p.praise_events * p.intensity * count
