"""Sanctions: transfers withheld from municipalities that miss a deadline (OECD 2009, Figure 1).

OECD (2009, para. 476, "Sanctions and rewards"; [OECD2009]) calls sanctions the
more formal follow-up of monitoring, "most incentives ... linked to economic
performance such as budget-cuts", and notes that no OECD country relies on sanctions
alone (docs/ODD.md §1, pattern P7). In the model a sanction is a budget cut with a trigger:
from a deadline on, every quarter, the running level withholds part of its transfers
to each targeted municipality for each targeted block it still lacks. The threat
enters the adoption value as an expected loss; the cut itself is booked in the ledger
and taken from the municipality's free envelope; being penalised is an experience
with the sanctioning level that costs trust, more when no money was offered to meet
the obligation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.instruments.base import Instrument, InstrumentParams, check_deadline, register
from sim.model.block_arrays import with_prerequisites
from sim.model.fields import param
from sim.model.rules.decision import annuity
from sim.model.state import IMPLEMENTING

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class SanctionsParams(InstrumentParams):
    """Sanction settings."""

    deadline: int = param(
        24,
        unit="quarter",
        bounds=(0, 400),
        doc="first quarter in which municipalities lacking a targeted block are penalised",
    )
    lead: int = param(
        8,
        unit="quarters",
        bounds=(0, 400),
        source="assumption: as legislation.lead (the sanction is announced with the mandate)",
        doc="quarters before the deadline at which the sanction is announced (not before start)",
    )
    penalty_per_capita: float = param(
        1.0,
        unit="EUR/inhabitant/year",
        bounds=(0.0, 100.0),
        source="assumption: about 1.5% of the municipal ICT budget of EUR 60-90 per "
        "inhabitant (docs/calibration-sources.md §4), a tenth of the free envelope, per "
        "missing block",
        doc="transfer withheld per inhabitant and year for each missing block (times intensity)",
    )
    max_pressure: float = param(
        5.0,
        unit="index",
        bounds=(0.0, 20.0),
        source="assumption: twice a mandate's peak (legislation.pressure 2.5)",
        doc="cap on the expected-sanction pressure of one cell (value-index units)",
    )
    form: str = param(
        "withhold_refund",
        unit="-",
        choices=("withhold_refund", "penalty"),
        source="OECD 2009 [OECD2009] para. 476 (sanctions as budget cuts linked to transfers); "
        "Oliver (1980) on sanctions for near-unanimity",
        doc="withhold_refund: the withheld transfer is held back from general transfers and "
        "refunded on compliance; penalty: a fine taken from the free project envelope (the "
        "money compliance needs: a poverty trap)",
    )
    credibility_signal: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: an announced sanction makes enforcement of the mandate expected",
        doc="enforcement credibility added to targeted cells (and their prerequisites) while "
        "announced",
    )
    unfair_events: float = param(
        0.3,
        unit="events/quarter",
        bounds=(0.0, 5.0),
        source="assumption: a third of an unfunded mandated start (1 event) per penalised quarter",
        doc="negative experience with run_by of a penalised municipality, obligation unfunded",
    )
    funded_relief: float = param(
        0.8,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: a penalty is felt fair when money to comply was on the table",
        doc="share of the trust cost removed when the missing blocks were fully co-funded",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        check_deadline(self, self.deadline)

    def first_action(self) -> tuple[str, int]:
        """Nothing happens before the announcement, ``deadline - lead`` (or ``start``)."""
        if self.deadline - self.lead > self.start:
            return "deadline", self.deadline - self.lead
        return "start", self.start


@register
class Sanctions(Instrument[SanctionsParams]):
    """OECD (2009) "Sanctions" (Figure 1; para. 476 "Sanctions and rewards").

    Mechanism: from ``deadline`` on, each quarter, every targeted municipality loses
    ``penalty_per_capita`` × intensity × population / 4 of transfers for each targeted
    block it lacks (not adopted; a local build counts where no interoperability standard
    is set; cells under implementation and blocks without a live platform are spared).
    The money is a transfer municipal → ``run_by``. In the common form (``form =
    "withhold_refund"``, default) it is held back from general transfers and refunded in
    full once the municipality complies; the older form (``"penalty"``) takes it from
    the free project envelope, which is the money compliance needs (a poverty trap:
    documented, kept as an option). While announced, the sanction also makes enforcement
    of the mandate credible (``credibility_signal``, added to the mandate's compulsory
    pull). From announcement (``lead`` quarters before the deadline) the expected
    sanction weighs in the adoption value of every open targeted cell as a value-index
    pressure: the present value over the appraisal horizon (``decision.horizon_years``,
    ``decision.discount_rate``, discounted to the deadline) of the yearly penalty,
    divided by the cell's gross integration cost, capped at ``max_pressure``. A
    penalised municipality books ``unfair_events`` × intensity × (1 − ``funded_relief``
    × co-funding share offered on its missing cells) negative experiences with
    ``run_by``: sanctions feel unfair when the obligation is unfunded. Co-funding is
    read from the offers of the quarter just ended, so the result does not depend on the
    order of the instruments.
    Source: OECD 2009 ([OECD2009]) para. 476; numbers are assumptions scaled to
    docs/calibration-sources.md §4 (municipal ICT budgets).
    """

    name = "sanctions"
    formality_rank = 2
    oecd_type = "Sanctions (withheld transfers)"
    Params = SanctionsParams

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets; open the per-municipality record of withheld money."""
        super().initialize(model)
        self.withheld = np.zeros(model.state.n)
        self.escrow = np.zeros(model.state.n)  # withheld and not yet refunded
        self.refunded = np.zeros(model.state.n)
        self.penalised_quarters = np.zeros(model.state.n, dtype=np.int64)
        self._last_effects: Effects | None = None

    def announced(self, quarter: int) -> bool:
        """Whether the sanction is known and weighs in decisions this quarter."""
        p = self.p
        return quarter >= max(p.start, p.deadline - p.lead)

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Penalise missing blocks after the deadline; add the expected-sanction pressure."""
        p = self.p
        settled = self._last_effects if self._last_effects is not None else effects
        self._last_effects = effects
        if not self.targets_municipal or not self.announced(model.quarter):
            return
        missing = self.missing(model, settled.standard_set)
        self.add_pressure(model, effects, missing)
        self.signal(model, effects)
        if model.quarter >= p.deadline:
            self.penalise(model, effects, settled, missing)
            self.refund(model, missing)

    def signal(self, model: EGovModel, effects: Effects) -> None:
        """An announced sanction makes the mandate's enforcement credible."""
        cells = self.target_cells
        needed = with_prerequisites(cells, model.blocks.prereq)
        effects.enforcement_signal[needed] += self.p.credibility_signal * self.p.intensity

    def refund(self, model: EGovModel, missing: np.ndarray) -> None:
        """Give back what was withheld from municipalities that now comply."""
        if self.p.form != "withhold_refund":
            return
        back = np.where(~missing.any(axis=1), self.escrow, 0.0)
        total = float(back.sum())
        if total > 0:
            model.ledger.transfer(self.p.run_by, "municipal", total, "sanction_refund")
            self.refunded += back
            self.escrow -= back

    def missing(self, model: EGovModel, standard_now: np.ndarray) -> np.ndarray:
        """(M, B) targeted cells that could comply but do not.

        Without a set standard any working solution complies (as for a mandate); with
        none live to connect to, compliance is impossible and is not punished.
        """
        st = model.state
        standard = model.central.standard_set | standard_now
        complied = st.adopted | (st.local & ~standard[None, :])
        possible = model.platform_live()[None, :] & (st.status != IMPLEMENTING)
        return self.target_cells & ~complied & possible

    def add_pressure(self, model: EGovModel, effects: Effects, missing: np.ndarray) -> None:
        """Expected sanction relative to the cell's own cost, as a value-index term."""
        p = self.p
        dp = model.params.decision
        to_go = max(p.deadline - model.quarter, 0) / 4.0
        pv = annuity(dp.horizon_years, dp.discount_rate) * (1.0 + dp.discount_rate) ** -to_go
        per_capita = p.penalty_per_capita * model.money.price_level * p.intensity * pv
        st = model.state
        index = per_capita * st.population[:, None] / np.maximum(st.gross_cost, 1.0)
        effects.pressure += np.where(missing, np.minimum(index, p.max_pressure), 0.0)

    def penalise(
        self, model: EGovModel, effects: Effects, settled: Effects, missing: np.ndarray
    ) -> None:
        """Withhold the quarter's transfers and book the trust cost of the penalty."""
        p = self.p
        st = model.state
        count = missing.sum(axis=1)
        rate = p.penalty_per_capita * model.money.price_level * p.intensity  # Danish prices
        amount = rate * st.population / 4.0 * count
        total = float(amount.sum())
        if total <= 0:
            return
        model.ledger.transfer("municipal", p.run_by, total, "sanction_withheld")
        self.withheld += amount
        hit = amount > 0
        self.penalised_quarters[hit] += 1
        if p.form == "penalty":  # a fine out of the money compliance needs
            st.free_budget[:] = np.maximum(st.free_budget - amount, 0.0)
        else:  # held back from general transfers, refunded on compliance
            self.escrow += amount
        offered = settled.offered_grant_share()
        funded = np.divide(
            (offered * missing).sum(axis=1), count, out=np.zeros(st.n), where=count > 0
        )
        events = p.unfair_events * p.intensity * (1.0 - p.funded_relief * funded) * hit
        neg = effects.trust_central_neg if p.run_by == "central" else effects.trust_region_neg
        neg += events

    def compliance(self, model: EGovModel) -> float:
        """Share of targeted municipal cells adopted (NaN before the deadline)."""
        p = self.p
        if model.quarter < p.deadline or not self.targets_municipal:
            return float("nan")
        cells = self.target_cells
        return float(model.state.adopted[cells].mean()) if cells.any() else float("nan")
