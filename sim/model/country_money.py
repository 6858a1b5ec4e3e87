"""Money at the scale of the country a model runs on (docs/ODD.md §7.1, "Country scale").

Every euro figure of the model is written for Denmark: the catalogue (``blocks.toml``),
the budgets (``BudgetParams``) and the instruments' per-inhabitant amounts. A run on
another country scales them in one place, here, with two rules:

* **Price level.** Every amount is multiplied by the country's price level relative to
  Denmark (1.0). A preset declares its level (``PRESET_PRICE_LEVEL``, from Eurostat's
  price level indices); ``country.price_level`` overrides it; synthetic and custom
  countries default to 1.0 (Danish prices). Costs, budgets and benefits scale alike,
  so a cheaper country is not made more or less eager to adopt by the currency alone.
* **Size.** A national platform's build cost has a large fixed part (design, security,
  procurement) and a part that grows with its users, so it grows less than in
  proportion to the population: ``(population / reference) ** platform_cost_exponent``
  around Denmark's population. The central e-government budget, which has to carry
  that portfolio, follows the same law (``central_budget_exponent``); per-inhabitant
  budgets (municipal ICT, regional) stay per inhabitant.

Setting ``price_level = 1``, ``platform_cost_exponent = 0`` and
``central_budget_exponent = 1`` gives back the Denmark-sized amounts of earlier
versions, for any country (the switch that shows the mechanism's effect).

Municipal integration costs keep the concave vendor curve of the catalogue and add
one rule for small places: below ``fixed_full_population`` (10,000) the fixed part is
charged in proportion to the population, after the vendor that priced every inhabitant
below 20,000 alike (docs/calibration-sources.md §4, KMD 2006), so a 2,000-inhabitant
municipality is not charged the full fixed cost of a 45,000-inhabitant one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.params import BudgetParams, ModelParams

#: Price level relative to Denmark: Eurostat price level index of household final
#: consumption expenditure (prc_ppp_ind, EU27_2020 = 100), mean of 2020-2022:
#: Denmark 144.4, Estonia 91.2, Netherlands 116.3, Austria 110.2.
PRESET_PRICE_LEVEL: dict[str, float] = {
    "denmark": 1.0,
    "estonia": 0.63,
    "netherlands": 0.81,
    "austria": 0.76,
}
PRICE_SOURCE = (
    "Eurostat price level index of household final consumption expenditure "
    "(prc_ppp_ind, EU27_2020 = 100), mean 2020-2022: Denmark 144.4, Estonia 91.2, "
    "Netherlands 116.3, Austria 110.2; ratio to Denmark, rounded"
)


@dataclass(frozen=True)
class CountryMoney:
    """The amounts a country's size and price level imply, derived once per model.

    Attributes:
        price_level: Prices relative to Denmark (multiplies every euro amount).
        population: Inhabitants of the country.
        platform_factor: Multiplier of every catalogue platform build cost.
        central_budget: Central e-government budget, EUR per year.
        ict_per_capita: Mean municipal ICT budget, EUR per inhabitant per year.
        regional_per_capita: Regional e-government budget, EUR per inhabitant per year.
    """

    price_level: float
    population: float
    platform_factor: float
    central_budget: float
    ict_per_capita: float
    regional_per_capita: float


def price_level(params: ModelParams) -> float:
    """The run's price level: the scenario's value, else the preset's, else Denmark's."""
    given = params.country.price_level
    if given is not None:
        return float(given)
    return PRESET_PRICE_LEVEL.get(params.country.name, 1.0)


def country_money(params: ModelParams, population: float) -> CountryMoney:
    """Derive the country's amounts from its population and price level."""
    bp = params.budget
    price = price_level(params)
    size = population / bp.reference_population
    return CountryMoney(
        price_level=price,
        population=float(population),
        platform_factor=price * size**bp.platform_cost_exponent,
        central_budget=price
        * bp.central_per_capita
        * bp.reference_population
        * size**bp.central_budget_exponent,
        ict_per_capita=price * bp.ict_per_capita,
        regional_per_capita=price * bp.regional_per_capita,
    )


def integration_cost(
    fixed: np.ndarray,
    per_capita: np.ndarray,
    population: np.ndarray,
    effective: np.ndarray,
    bp: BudgetParams,
    price: float,
) -> np.ndarray:
    """(N, B) one-off integration cost of each block for N adopters of given size.

    ``fixed`` and ``per_capita`` are the catalogue's (B,) Danish amounts, ``effective``
    the (N,) population on the concave vendor curve. Below ``fixed_full_population``
    the fixed part falls in proportion to the population (0 switches this off).
    """
    full = bp.fixed_full_population
    share = np.minimum(population / full, 1.0) if full > 0 else np.ones_like(population)
    return price * (share[:, None] * fixed[None, :] + effective[:, None] * per_capita[None, :])
