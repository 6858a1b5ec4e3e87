"""Soft measures and informal co-ordination: paired mechanism tests.

Denmark preset (98 municipalities in 5 regions, 60 quarters), with and without the
instrument on the same seeds (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pairing import Pairing

from sim.instruments.base import Target
from sim.instruments.soft import InformalCoordination, SoftMeasures
from sim.model.model import EGovModel

SEEDS = np.random.SeedSequence(1313).spawn(8)


PAIRING = Pairing(SEEDS)
paired = PAIRING.paired


def belief(model: EGovModel) -> float:
    return float(model.state.belief.mean())


def mean_adoption(model: EGovModel) -> float:
    """Adoption averaged over the run: the area under the curve, i.e. speed and level."""
    return float(model.datacollector.get_model_vars_dataframe()["adoption_mun"].mean())


def trust(name: str) -> Callable[[EGovModel], float]:
    return lambda model: model.current[name]


def test_soft_measures_raise_beliefs_and_adoption_modestly() -> None:
    beliefs, adoption = paired(SoftMeasures, belief, mean_adoption)
    assert beliefs.mean() > 0.03 and (beliefs > 0).all()
    assert 0.005 < adoption.mean() < 0.06 and (adoption > 0).sum() >= 7


def test_soft_measures_act_only_on_targeted_cells() -> None:
    tool = SoftMeasures(target=Target(blocks=("portal",), size_classes=(0, 1)))
    model = EGovModel(instruments=[tool], rng=SEEDS[0])
    eff = model._fresh_effects()
    tool.apply(model, eff)
    cells = tool.target_cells
    assert cells.any() and not cells.all()
    np.testing.assert_allclose(eff.belief_push[cells], tool.p.belief_push)
    np.testing.assert_allclose(eff.cost_cut[cells], tool.p.cost_cut)
    assert not eff.belief_push[~cells].any() and not eff.cost_cut[~cells].any()
    assert not eff.pressure.any() and not eff.grant_offers and not eff.mandated.any()


def test_informal_coordination_builds_trust_without_pressure() -> None:
    trust_mc, adoption = paired(InformalCoordination, trust("trust_mc"), mean_adoption)
    assert trust_mc.mean() > 0.05 and (trust_mc > 0).all()
    assert abs(adoption.mean()) < 0.03
    tool = InformalCoordination()
    model = EGovModel(instruments=[tool], rng=SEEDS[0])
    eff = model._fresh_effects()
    tool.apply(model, eff)
    np.testing.assert_allclose(eff.trust_central_pos, tool.p.trust_events)
    untouched = (eff.pressure, eff.support, eff.cost_cut, eff.belief_push, eff.priority_push)
    assert not any(a.any() for a in untouched) and not eff.grant_offers


def test_informal_coordination_reaches_regions_and_regional_runners() -> None:
    both = Target(levels=("municipal", "regional"))
    (trust_rc,) = paired(lambda: InformalCoordination(target=both), trust("trust_rc"))
    assert trust_rc.mean() > 0.05 and (trust_rc > 0).all()
    # Run by a region, municipalities' experiences are with their region, not central.
    tool = InformalCoordination(run_by="regional", target=both)
    model = EGovModel(instruments=[tool], rng=SEEDS[0])
    eff = model._fresh_effects()
    tool.apply(model, eff)
    assert (eff.trust_region_pos > 0).all()
    assert not eff.trust_central_pos.any() and not eff.region_trust_pos.any()
