"""The money each country preset implies: the generated "country amounts" table of docs/ODD.md.

Every euro figure is written for Denmark and scaled to the country by
:mod:`sim.model.country_money` (price level, size law of national platforms and the
central budget, per-inhabitant budgets). This table shows what that gives for each
preset and for a synthetic country of 1,000 municipalities, so a reader can check
the amounts against published budgets without running the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.model.blocks import load_catalogue
from sim.model.countries import build_country
from sim.model.country_money import country_money, integration_cost
from sim.model.params import CountryParams, ModelParams
from sim.model.state import effective_population

#: The presets shown, with the synthetic country drawn once (seed 0, Denmark's size fit).
PRESETS: tuple[tuple[str, CountryParams], ...] = (
    ("denmark", CountryParams(name="denmark")),
    ("estonia", CountryParams(name="estonia")),
    ("netherlands", CountryParams(name="netherlands")),
    ("austria", CountryParams(name="austria")),
    ("synthetic, 1,000 municipalities", CountryParams(name="synthetic", n_municipalities=1000)),
)
GRANT_PER_CAPITA = 17.0  # EUR/inhabitant: the shipped full mix's financial_incentive pool


def _m(value: float) -> str:
    return f"{value / 1e6:,.1f}"


def country_row(label: str, cp: CountryParams) -> list[str]:
    """One preset's derived amounts (EUR at the country's prices)."""
    params = ModelParams(country=cp)
    bp = params.budget
    country = build_country(cp, np.random.default_rng(0))
    pop = country.population.astype(float)
    money = country_money(params, float(pop.sum()))
    cat = load_catalogue()
    build = sum(b.platform_cost for b in cat if not b.platform_live_at_start)
    fixed = np.array([b.integration_fixed for b in cat])
    per_cap = np.array([b.integration_per_capita for b in cat])
    sizes = np.array([float(np.median(pop)), 2_000.0])
    eff = effective_population(sizes, bp.scale_breaks, bp.scale_rates)
    cost = integration_cost(fixed, per_cap, sizes, eff, bp, money.price_level).mean(axis=1)
    envelope = bp.innovation_share * money.ict_per_capita * pop
    free = bp.priority_mean * bp.innovation_share * money.ict_per_capita * sizes  # EUR/yr
    central_free = params.central.priority_mean  # share of the central budget for new builds
    return [
        label,
        f"{country.n_municipalities:,}",
        f"{pop.sum():,.0f}",
        f"{money.price_level:.2f}",
        _m(money.central_budget),
        f"{money.platform_factor:.3f}",
        _m(build * money.platform_factor),
        f"{build * money.platform_factor / (central_free * money.central_budget):.1f}",
        _m(money.regional_per_capita * pop.sum()),
        f"{envelope.mean():,.0f}",
        f"{sizes[0]:,.0f}",
        f"{cost[0]:,.0f}",
        f"{cost[0] / free[0]:.1f}",
        f"{cost[1]:,.0f}",
        f"{cost[1] / free[1]:.1f}",
        _m(GRANT_PER_CAPITA * money.price_level * pop.sum()),
    ]


HEADER: Sequence[str] = (
    "country",
    "municipalities",
    "population",
    "price level (x Denmark)",
    "central budget (EUR M/yr)",
    "platform cost factor",
    "platforms to build (EUR M, before overruns)",
    "years of free central budget they take (at mean central priority)",
    "regional budget (EUR M/yr)",
    "mean municipal innovation envelope (EUR/yr)",
    "median municipality (inhabitants)",
    "its mean integration cost per block (EUR)",
    "years of its free envelope per block",
    "integration cost per block at 2,000 inhabitants (EUR)",
    "years of free envelope per block at 2,000",
    "grant pool at EUR 17/inhabitant (EUR M)",
)


def country_rows() -> list[list[str]]:
    """Rows of the country amounts table, one per preset."""
    return [country_row(label, cp) for label, cp in PRESETS]
