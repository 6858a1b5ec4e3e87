"""Financial incentives and target setting: co-funding grants (OECD 2009, Figure 1).

Mechanism: while active, the running level offers to pay ``share`` of the
integration cost of targeted cells, from a finite (or open) pool. The offer lowers
the net cost in the adoption value and in the budget constraint; the grant is paid
as a transfer when the implementation starts, in the quarter's random order, until
the pool is empty. Applicants refused by an empty pool suffer a "broken funding
promise" trust loss, handled by the model's grant settlement.

The conditional variant (``until``) pays only implementations started before a
target quarter, which is how co-funding is tied to a target date. Grants graded by size
(``share_by_population``) replace the flat ``share`` with a share per population tier,
so a programme can pay small municipalities, whose fixed integration costs weigh most
per inhabitant, a higher rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from sim.instruments.base import Instrument, InstrumentParams, register
from sim.model.effects import GrantOffer, GrantPool
from sim.model.fields import ParameterError, param

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
    budget_per_capita: float = param(
        0.0,
        unit="EUR/inhabitant",
        bounds=(0.0, None),
        source="assumption: a pool sized per inhabitant of the targeted municipalities "
        "scales with the country (EUR 17 per inhabitant is Denmark's EUR 100 M)",
        doc="grant pool per inhabitant of the targeted municipalities; when > 0 it replaces "
        "budget, so the same scenario funds any country alike",
    )
    budget_cover: float = param(
        0.0,
        unit="share",
        bounds=(0.0, 10.0),
        source="OECD 2009 [OECD2009] on funded mandates: the obliging level pays its share "
        "of what it obliges; assumption: sized at the integration costs before overruns",
        doc="grant pool as a multiple of the co-funded share of every targeted cell's gross "
        "integration cost (1: each obliged integration funded once); when > 0 it replaces "
        "budget and budget_per_capita",
    )
    until: int = param(
        400,
        unit="quarter",
        bounds=(0, 400),
        doc="target date: only implementations started before it are co-funded",
    )
    share_by_population: tuple[tuple[float, float], ...] = param(
        (),
        unit="[inhabitants, share]",
        doc="grant graded by size instead of share: [[upto, share], ...] with strictly "
        "ascending upto; a municipality with population < upto (first tier that fits) "
        "gets that share; above the last upto, none (end with inf to cover all); "
        "written instead of share, not with it",
    )

    #: Keys that must not be written together (the scenario loader checks the file).
    EXCLUSIVE: ClassVar[tuple[tuple[str, str], ...]] = (("share", "share_by_population"),)

    def __post_init__(self) -> None:
        check_tiers(self.share_by_population)  # before coercion, for a clear message
        super().__post_init__()


def pool_per_capita(model: EGovModel, target_cells: np.ndarray, per_capita: float) -> float:
    """EUR in a pool sized per inhabitant of the targeted municipalities.

    ``per_capita`` is written at Danish prices and scaled by the country's price level
    (``sim.model.country_money``), so one scenario funds every country alike.
    """
    rows = target_cells.any(axis=1)
    return per_capita * model.money.price_level * float(model.state.population[rows].sum())


def check_tiers(tiers: object) -> None:
    """Tiers are [upto, share] pairs, upto > 0 strictly ascending, share in [0, 1]."""
    allowed = "a list of [upto, share] pairs, upto > 0 strictly ascending, share in [0, 1]"
    if not isinstance(tiers, list | tuple):
        raise ParameterError("share_by_population", tiers, allowed)
    previous = 0.0
    for tier in tiers:
        pair = isinstance(tier, list | tuple) and len(tier) == 2
        if not pair or not all(_number(v) for v in tier):
            raise ParameterError("share_by_population", tiers, allowed)
        if math.isnan(tier[0]) or tier[0] <= previous or not 0.0 <= tier[1] <= 1.0:
            raise ParameterError("share_by_population", tiers, allowed)
        previous = tier[0]


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def tier_shares(tiers: tuple[tuple[float, float], ...], population: np.ndarray) -> np.ndarray:
    """(M,) share per municipality: the first tier whose ``upto`` exceeds its population."""
    upto = np.array([t[0] for t in tiers] + [math.inf])
    shares = np.array([t[1] for t in tiers] + [0.0])
    return shares[np.searchsorted(upto, population, side="right")]


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
        if p.share_by_population:
            self.share = tier_shares(p.share_by_population, model.state.population)[:, None]
        else:
            self.share = np.full((model.state.n, 1), p.share)
        self.pool = GrantPool(payer=p.run_by, remaining=self.pool_size(model), label=self.name)

    def pool_size(self, model: EGovModel) -> float:
        """EUR in the pool: sized to the obligation, per inhabitant, or as given."""
        p = self.p
        if p.budget_cover > 0:
            cells = model.state.gross_cost * self.target_cells * self.share
            return p.budget_cover * p.intensity * float(cells.sum())
        if p.budget_per_capita > 0:
            return pool_per_capita(model, self.target_cells, p.budget_per_capita)
        return p.budget

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Offer the co-funding share on targeted cells while the target date holds."""
        p = self.p
        if model.quarter >= p.until or not self.targets_municipal:
            return
        share = self.target_cells * (self.share * p.intensity)
        effects.grant_offers.append(GrantOffer(share=share, pool=self.pool))
