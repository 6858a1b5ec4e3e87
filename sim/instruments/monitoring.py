"""Monitoring, evaluation and benchmarking: published rankings (OECD 2009, Figure 1).

OECD (2009, para. 476, "Monitoring" and "Sanctions and rewards"; [OECD2009]):
"monitoring through the use of indicators is a powerful leveraging tool for keeping
progress on track", and it works when followed up by "softer forms such as 'naming
and shaming/praising'". In the model the running level publishes, every ``period``
quarters, a ranking of targeted municipalities by their adoption share of the
targeted blocks. The bottom of the table is named and shamed, the top praised, and
the published evaluation tells everybody how often the blocks actually delivered.
The table is also read against each municipality's benchmarking club of similar-size
municipalities (``sim.model.peers``): one ranked below its club feels pressure in
proportion to the club's lead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.instruments.base import Instrument, InstrumentParams, register
from sim.model.block_arrays import with_prerequisites
from sim.model.fields import param
from sim.model.peers import club_lead
from sim.model.state import FAILED, IMPLEMENTING

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class MonitoringBenchmarkingParams(InstrumentParams):
    """Ranking settings."""

    period: int = param(
        4,
        unit="quarters",
        bounds=(1, 40),
        source="assumption: a yearly benchmark (e.g. the EU eGovernment Benchmark, "
        "docs/calibration-sources.md §8)",
        doc="quarters between published rankings (the first at start)",
    )
    laggard_share: float = param(
        0.25, unit="share", bounds=(0.0, 1.0), doc="bottom share of the ranking named as laggards"
    )
    leader_share: float = param(
        0.25, unit="share", bounds=(0.0, 1.0), doc="top share of the ranking praised as leaders"
    )
    shame_pressure: float = param(
        0.5,
        unit="index",
        bounds=(0.0, 20.0),
        source="assumption: a fifth of a mandate's peak (legislation.pressure 2.5), below a "
        "signed agreement's commitment (0.8)",
        doc="pressure on laggards' open targeted cells until the next ranking (times intensity)",
    )
    shame_events: float = param(
        0.3,
        unit="events",
        bounds=(0.0, 5.0),
        source="assumption: a third of an unfunded mandated start (1 event)",
        doc="negative experience with run_by of a laggard at each ranking (times intensity)",
    )
    praise_priority: float = param(
        0.1,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: twice rewards_praise.praise_priority (a ranking is more visible)",
        doc="share of the gap to full priority closed for a praised leader (times intensity)",
    )
    evaluation_weight: float = param(
        0.25,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: a published evaluation counts as much as a year of neighbours' "
        "evidence (decision.belief_learning per quarter)",
        doc="share of the gap between belief and the realised success share closed per ranking",
    )
    credibility_signal: float = param(
        0.15,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: published monitoring makes a mandate's enforcement more "
        "expected, half as much as an announced sanction",
        doc="enforcement credibility added to targeted cells (and prerequisites) while active",
    )
    peer_pressure: float = param(
        2.0,
        unit="index",
        bounds=(0.0, 20.0),
        source="assumption: a club a quarter of the score ahead presses as much as being "
        "named a laggard (shame_pressure 0.5); the design outline's benchmark clubs",
        doc="pressure on open targeted cells per unit of the club's lead in the ranking "
        "score, until the next ranking (times intensity; 0 without clubs)",
    )


@dataclass
class Ranking:
    """One published ranking: who was named, who praised, and on what scores."""

    quarter: int
    score: np.ndarray  # (M,) adoption share of targeted blocks (NaN: not ranked)
    laggards: np.ndarray = field(repr=False)  # (M,) bool
    leaders: np.ndarray = field(repr=False)  # (M,) bool


@register
class MonitoringBenchmarking(Instrument[MonitoringBenchmarkingParams]):
    """OECD (2009) "Monitoring, evaluation, benchmarking" (Figure 1; para. 476).

    Mechanism: at ``start`` and every ``period`` quarters after, the running level
    ranks targeted municipalities by the share of targeted blocks they have adopted
    (ties broken by a draw from the instrument stream, made every active quarter).
    The bottom ``laggard_share`` (only those behind the best score) are named and
    shamed: until the next ranking their open targeted cells with a live standard
    feel ``shame_pressure`` × intensity, and at publication they book
    ``shame_events`` × intensity negative experiences with ``run_by``. The top
    ``leader_share`` (only those with a positive score) are praised: their priority
    closes ``praise_priority`` × intensity of its gap to 1. The evaluation publishes
    the realised success share of each targeted block (adopted / (adopted + failed)
    nationwide); every targeted municipality's belief moves ``evaluation_weight`` ×
    intensity of the way towards it (beliefs can only be pushed up through Effects,
    so beliefs above the evidence are left alone). Each ranked municipality is also
    compared with its benchmarking club (``peers.club_size`` nearest in population,
    docs/ODD.md §7.5 "Peers"): until the next ranking its open targeted cells with a
    live standard feel ``peer_pressure`` × intensity × the club's lead (the club's
    mean score minus its own, 0 when not behind). Source: OECD 2009
    ([OECD2009]) para. 476; all numbers are assumptions.
    """

    name = "monitoring_benchmarking"
    formality_rank = 10
    oecd_type = "Monitoring, evaluation, benchmarking (rankings)"
    Params = MonitoringBenchmarkingParams

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets; no ranking published yet."""
        super().initialize(model)
        self.rankings: list[Ranking] = []
        self.shamed = np.zeros(model.state.n, dtype=bool)
        self.lead = np.zeros(model.state.n)  # club's lead at the last ranking

    def publishes(self, quarter: int) -> bool:
        """Whether a ranking is published this quarter."""
        p = self.p
        return (quarter - p.start) % p.period == 0

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Publish when due; keep the pressure on the last ranking's laggards."""
        p = self.p
        tie_break = model.streams.instruments.random(model.state.n)  # drawn every quarter
        if not self.targets_municipal:
            return
        if self.publishes(model.quarter):
            ranking = self.rank(model, tie_break)
            self.rankings.append(ranking)
            self.shamed = ranking.laggards
            self.publish(model, effects, ranking)
            self.lead = self.club_lead(model, ranking)
        st = model.state
        live = model.platform_live()[None, :]
        open_cells = self.target_cells & live & ~st.adopted & (st.status != IMPLEMENTING)
        effects.pressure[self.shamed[:, None] & open_cells] += p.shame_pressure * p.intensity
        if p.peer_pressure > 0 and self.lead.any():
            push = p.peer_pressure * p.intensity * self.lead[:, None]
            effects.pressure += np.where(open_cells, push, 0.0)
        cells = self.target_cells
        needed = with_prerequisites(cells, model.blocks.prereq)
        effects.enforcement_signal[needed] += p.credibility_signal * p.intensity

    def rank(self, model: EGovModel, tie_break: np.ndarray) -> Ranking:
        """Score targeted municipalities and mark the bottom and top of the table."""
        p = self.p
        assert self.municipal_mask is not None and self.block_mask is not None
        n = model.state.n
        score = np.full(n, np.nan)
        ranked = np.flatnonzero(self.municipal_mask)
        laggards, leaders = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        if ranked.size == 0 or not self.block_mask.any():
            return Ranking(model.quarter, score, laggards, leaders)
        share = model.state.adopted[np.ix_(ranked, np.flatnonzero(self.block_mask))].mean(axis=1)
        score[ranked] = share
        order = ranked[np.lexsort((tie_break[ranked], share))]  # worst first
        n_lag = int(np.floor(p.laggard_share * ranked.size))
        n_lead = int(np.floor(p.leader_share * ranked.size))
        laggards[order[:n_lag]] = True
        leaders[order[ranked.size - n_lead :]] = True
        laggards &= score < share.max()  # no shame when everybody is level
        leaders &= score > 0.0  # no praise for nothing
        return Ranking(model.quarter, score, laggards, leaders)

    def club_lead(self, model: EGovModel, ranking: Ranking) -> np.ndarray:
        """(M,) lead of each ranked municipality's benchmarking club on the ranking score.

        Club members are scored like the ranked (adoption share of the targeted
        blocks) whether or not they are targeted: the comparison table is national.
        """
        assert self.block_mask is not None
        lead = np.zeros(model.state.n)
        if not self.block_mask.any():
            return lead
        share = model.state.adopted[:, self.block_mask].mean(axis=1)
        ranked = ~np.isnan(ranking.score)
        lead[ranked] = club_lead(model, share)[ranked]
        return lead

    def publish(self, model: EGovModel, effects: Effects, ranking: Ranking) -> None:
        """Name and shame, praise, and publish the evaluation of realised benefits."""
        p = self.p
        neg = effects.trust_central_neg if p.run_by == "central" else effects.trust_region_neg
        neg[ranking.laggards] += p.shame_events * p.intensity
        effects.priority_push[ranking.leaders] += p.praise_priority * p.intensity
        st = model.state
        done = st.adopted.sum(axis=0)
        finished = done + (st.status == FAILED).sum(axis=0)
        evidence = np.divide(done, finished, out=np.zeros(done.shape), where=finished > 0)
        gap = np.where(finished[None, :] > 0, evidence[None, :] - st.belief, 0.0)
        room = np.maximum(1.0 - st.belief, 1e-9)
        push = np.clip(p.evaluation_weight * p.intensity * gap / room, 0.0, 1.0)
        effects.belief_push += np.where(self.target_cells, push, 0.0)
