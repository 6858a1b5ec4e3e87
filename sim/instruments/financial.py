"""Financial incentives and target setting: co-funding grants (OECD 2009, Figure 1).

Mechanism: while active, the running level offers to pay ``share`` of the
integration cost of targeted cells, from a finite (or open) pool. The offer lowers
the net cost in the adoption value and in the budget constraint; the grant is paid
as a transfer when the implementation starts, in the quarter's random order, until
the pool is empty. Applicants refused by an empty pool suffer a "broken funding
promise" trust loss, handled by the model's grant settlement.

The conditional variant (``until``) pays only implementations started before a
target quarter, which is how co-funding is tied to a target date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.instruments.base import Instrument, InstrumentParams, register
from sim.model.effects import GrantOffer, GrantPool
from sim.model.fields import param

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class FinancialIncentiveParams(InstrumentParams):
    """Co-funding settings."""

    share: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        source="docs/calibration-sources.md §2: FR local digital fund co-finance 50% -> 75%",
        doc="share of the integration cost paid by the grant (times intensity)",
    )
    budget: float = param(
        float("inf"),
        unit="EUR",
        bounds=(0.0, None),
        source="docs/calibration-sources.md §2: OZG EUR 3-3.5 bn; FranceConnect EUR 5,000 "
        "per authority",
        doc="total grant pool over the instrument's life (inf: open-ended)",
    )
    until: int = param(
        400,
        unit="quarter",
        bounds=(0, 400),
        doc="target date: only implementations started before it are co-funded",
    )


@register
class FinancialIncentive(Instrument[FinancialIncentiveParams]):
    """Co-funding grants, optionally capped and tied to a target date."""

    name = "financial_incentive"
    formality_rank = 9
    oecd_type = "Financial incentives / target setting"
    Params = FinancialIncentiveParams

    def initialize(self, model: EGovModel) -> None:
        """Resolve targets and open the grant pool."""
        super().initialize(model)
        p = self.p
        self.pool = GrantPool(payer=p.run_by, remaining=p.budget, label=self.name)

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Offer the co-funding share on targeted cells while the target date holds."""
        p = self.p
        if model.quarter >= p.until or not self.targets_municipal:
            return
        share = self.target_cells * (p.share * p.intensity)
        effects.grant_offers.append(GrantOffer(share=share, pool=self.pool))
