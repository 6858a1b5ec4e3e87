"""Money at the country's scale (sim/model/country_money.py, docs/ODD.md §7.1).

Every euro figure is written at Danish prices for Denmark's size; these tests pin the
two scaling rules (price level, size law of platforms and the central budget), the
small-municipality rule for fixed integration costs, and the switches that restore the
Denmark-sized amounts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.experiments.overrides import ScenarioError
from sim.experiments.scenario import load_scenario
from sim.model.blocks import load_catalogue
from sim.model.country_money import PRESET_PRICE_LEVEL, country_money, integration_cost
from sim.model.model import EGovModel
from sim.model.params import BudgetParams, CountryParams, ModelParams
from sim.model.state import effective_population

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DK = BudgetParams().reference_population


def _params(name: str = "denmark", **budget) -> ModelParams:
    return ModelParams(country=CountryParams(name=name), budget=BudgetParams(**budget))


def test_denmark_keeps_the_amounts_it_was_calibrated_for():
    money = country_money(_params(), DK)
    bp = BudgetParams()
    assert money.price_level == 1.0 and money.platform_factor == pytest.approx(1.0)
    assert money.central_budget == pytest.approx(bp.central_per_capita * DK)
    assert money.ict_per_capita == bp.ict_per_capita


def test_every_preset_declares_a_price_level_and_a_scenario_can_override_it():
    assert set(PRESET_PRICE_LEVEL) == {"denmark", "estonia", "netherlands", "austria"}
    assert all(0.3 < v <= 1.0 for v in PRESET_PRICE_LEVEL.values())
    assert country_money(_params("estonia"), 1e6).price_level == PRESET_PRICE_LEVEL["estonia"]
    given = ModelParams(country=CountryParams(name="estonia", price_level=0.9))
    assert country_money(given, 1e6).price_level == 0.9
    synthetic = ModelParams(country=CountryParams(name="synthetic"))
    assert country_money(synthetic, 1e6).price_level == 1.0  # documented default


def test_platform_costs_and_central_budget_follow_the_size_law():
    """Half Denmark's size: costs and budget both x 0.5 ** 0.5, so the portfolio takes as
    many years of the central budget as in Denmark; the old law is one switch away."""
    half = country_money(_params(), DK / 2)
    assert half.platform_factor == pytest.approx(0.5**0.5)
    assert half.central_budget == pytest.approx(12.0 * DK * 0.5**0.5)
    old = country_money(_params(platform_cost_exponent=0.0, central_budget_exponent=1.0), DK / 2)
    assert old.platform_factor == 1.0
    assert old.central_budget == pytest.approx(12.0 * DK / 2)


def test_a_small_municipality_can_afford_a_block_from_a_year_of_its_envelope():
    """Below 10,000 inhabitants the fixed part is charged per inhabitant (after the KMD
    curve, docs/calibration-sources.md §4): at 2,000 inhabitants a block costs about 1.4
    years of the free envelope, not ~5."""
    bp = BudgetParams()
    cat = load_catalogue()
    fixed = np.array([b.integration_fixed for b in cat])
    per_cap = np.array([b.integration_per_capita for b in cat])
    pop = np.array([2_000.0])
    eff = effective_population(pop, bp.scale_breaks, bp.scale_rates)
    free = bp.priority_mean * bp.innovation_share * bp.ict_per_capita * pop[0]
    cost = integration_cost(fixed, per_cap, pop, eff, bp, 1.0)[0]
    assert cost.mean() < 1.5 * free
    full = BudgetParams(fixed_full_population=0.0)
    old = integration_cost(fixed, per_cap, pop, eff, full, 1.0)[0]
    assert old.mean() > 4 * free  # the full fixed cost: years of saving
    large = np.array([45_000.0])
    eff_l = effective_population(large, bp.scale_breaks, bp.scale_rates)
    np.testing.assert_allclose(
        integration_cost(fixed, per_cap, large, eff_l, bp, 0.5),
        0.5 * (fixed + eff_l[0] * per_cap)[None, :],
    )


def test_the_price_level_scales_every_amount_of_a_run():
    """Budgets, integration costs, benefits and running costs move together."""
    cheap = EGovModel(ModelParams(country=CountryParams(price_level=0.5)), rng=1)
    full = EGovModel(ModelParams(), rng=1)
    for a, b in (
        (cheap.state.ict_budget, full.state.ict_budget),
        (cheap.state.gross_cost, full.state.gross_cost),
        (cheap.blocks.benefit, full.blocks.benefit),
        (cheap.blocks.running, full.blocks.running),
        (cheap.rstate.budget, full.rstate.budget),
    ):
        np.testing.assert_allclose(a, 0.5 * b)
    assert cheap.central.budget_year == pytest.approx(0.5 * full.central.budget_year)


def test_grant_pools_per_inhabitant_scale_with_the_country():
    """The shipped full mix funds Estonia in proportion to its people and prices."""
    pools = {}
    for country in ("denmark", "estonia"):
        sc = load_scenario(SCENARIOS / "denmark_full_mix.toml", (f"country.name={country}",))
        model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=0)
        model.step()
        fin = next(i for i in model.instruments if i.name == "financial_incentive")
        pools[country] = (fin.pool.remaining + fin.pool.paid, model.state.population.sum())
    (dk, dk_pop), (ee, ee_pop) = pools["denmark"], pools["estonia"]
    assert dk == pytest.approx(17.0 * dk_pop)
    assert ee == pytest.approx(17.0 * PRESET_PRICE_LEVEL["estonia"] * ee_pop)


@pytest.mark.parametrize("value", ["0", "-1", "9"])
def test_a_bad_price_level_is_one_clear_error(value):
    with pytest.raises(ScenarioError) as err:
        load_scenario(SCENARIOS / "baseline.toml", (f"country.price_level={value}",))
    text = str(err.value)
    assert "price_level" in text and value in text and "0.05" in text
