"""Targets by population threshold, and co-funding graded by size (share_by_population)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.scenario import ScenarioError, scenario_from_dict
from sim.instruments.base import Target, resolve_municipalities
from sim.instruments.financial import FinancialIncentive, tier_shares
from sim.model.fields import ParameterError
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams


@pytest.fixture(scope="module")
def denmark() -> EGovModel:
    return EGovModel(rng=1)


@pytest.fixture(scope="module")
def synthetic() -> EGovModel:
    country = CountryParams(name="synthetic", n_municipalities=400, size_fit="austria")
    return EGovModel(ModelParams(country=country), rng=2)


@pytest.mark.parametrize("which", ["denmark", "synthetic"])
def test_population_thresholds_are_inclusive_below_exclusive_above(request, which):
    model = request.getfixturevalue(which)
    pop = model.state.population
    lo, hi = np.sort(pop)[len(pop) // 4], np.sort(pop)[3 * len(pop) // 4]
    mask = resolve_municipalities(Target(min_population=lo, max_population=hi), model)
    assert np.array_equal(mask, (pop >= lo) & (pop < hi))
    assert mask[np.flatnonzero(pop == lo)].all() and not mask[pop == hi].any()


def test_thresholds_combine_with_size_classes_and_regions(denmark):
    st = denmark.state
    target = Target(size_classes=(1, 2), min_population=10_000, regions=("Region Sjælland",))
    mask = resolve_municipalities(target, denmark)
    region = denmark.country.region_names.index("Region Sjælland")
    expected = np.isin(st.size_class, [1, 2]) & (st.population >= 10_000) & (st.region == region)
    assert mask.any() and np.array_equal(mask, expected)


def test_threshold_defaults_select_everyone(denmark):
    assert resolve_municipalities(Target(), denmark).all()


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"min_population": -1}, ["min_population", "-1"]),
        ({"min_population": 5000, "max_population": 5000}, ["max_population", "more than"]),
        ({"max_population": 0}, ["max_population", "[1, inf]"]),
    ],
)
def test_bad_thresholds(kw, words):
    with pytest.raises(ParameterError) as err:
        Target(**kw)
    for word in words:
        assert word in str(err.value)


def test_tier_shares_upper_bounds_exclusive():
    tiers = ((5000.0, 0.9), (20000.0, 0.75), (math.inf, 0.5))
    pop = np.array([100, 4999, 5000, 19999, 20000, 10**6], dtype=float)
    assert tier_shares(tiers, pop).tolist() == [0.9, 0.9, 0.75, 0.75, 0.5, 0.5]
    assert tier_shares(((5000.0, 0.9),), pop).tolist() == [0.9, 0.9, 0, 0, 0, 0]


@pytest.mark.parametrize("which", ["denmark", "synthetic"])
def test_graded_grant_offers_follow_population(request, which):
    model = request.getfixturevalue(which)
    tiers = ((5000.0, 0.9), (20000.0, 0.75), (math.inf, 0.5))
    tool = FinancialIncentive(share_by_population=tiers, intensity=0.8)
    tool.initialize(model)
    effects = model._fresh_effects()
    tool.apply(model, effects)
    (offer,) = effects.grant_offers
    expected = 0.8 * tier_shares(tiers, model.state.population)
    assert np.allclose(offer.share, expected[:, None])
    flat = FinancialIncentive(share=0.6)
    flat.initialize(model)
    effects = model._fresh_effects()
    flat.apply(model, effects)
    assert np.all(effects.grant_offers[0].share == 0.6)


@pytest.mark.parametrize(
    "tiers",
    [
        [[20000, 0.9], [5000, 0.5]],  # not ascending
        [[0, 0.9]],  # upto must be positive
        [[5000, 1.5]],  # share above 1
        [[5000, 0.5, 1]],  # not a pair
        [5000, 0.9],  # a flat pair, not a list of pairs
        [[5000, "a"]],  # not a number
        [[5000, True]],  # a boolean is not a share
        "x",
    ],
)
def test_bad_tiers(tiers):
    with pytest.raises(ParameterError, match="share_by_population.*upto > 0 strictly ascending"):
        FinancialIncentive(share_by_population=tiers)


def _doc(instrument: dict) -> dict:
    return {"scenario": {"name": "t", "description": "t"}, "instruments": [instrument]}


def test_scenario_tiers_with_inf_and_exclusive_with_share():
    tiers = [[5000, 0.9], [math.inf, 0.5]]
    sc = scenario_from_dict(_doc({"type": "financial_incentive", "share_by_population": tiers}))
    assert sc.instruments[0].params.share_by_population == ((5000.0, 0.9), (math.inf, 0.5))
    assert sc.to_dict()["instruments"][0]["params"]["share_by_population"][1] == ["inf", 0.5]
    both = {"type": "financial_incentive", "share": 0.5, "share_by_population": tiers}
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(_doc(both), where="s.toml")
    msg = str(err.value)
    assert msg.startswith("s.toml: instruments.0.share_by_population")
    assert "either instruments.0.share or instruments.0.share_by_population" in msg


def test_scenario_population_target():
    target = {"min_population": 20000, "max_population": 1e5, "blocks": ["digital_post"]}
    sc = scenario_from_dict(_doc({"type": "legislation", "deadline": 20, "target": target}))
    assert sc.instruments[0].params.target.min_population == 20000
    bad = {**target, "max_population": 100}
    with pytest.raises(ScenarioError, match="instruments.0.target.max_population = 100"):
        scenario_from_dict(_doc({"type": "legislation", "deadline": 20, "target": bad}))
