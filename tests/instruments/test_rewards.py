"""Rewards and praise: paired mechanism tests and the bonus accounts.

Denmark preset (98 municipalities, 60 quarters), with and without the instrument on
the same seeds (common random numbers).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from sim.instruments.base import Target
from sim.instruments.rewards import RewardsPraise
from sim.model.model import EGovModel
from sim.model.state import ADOPTED

SEEDS = np.random.SeedSequence(3303).spawn(8)
EARLY = 30  # quarter at which early adoption is read


@functools.cache
def baseline(i: int) -> EGovModel:
    """The run without any instrument on seed ``i``."""
    return EGovModel(rng=SEEDS[i]).run()


def early_adoption(model: EGovModel) -> float:
    return float(model.datacollector.get_model_vars_dataframe()["adoption_mun"].iloc[EARLY])


def paired(**settings: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-seed differences in early adoption and final trust in central."""
    early, trust = [], []
    for i, seed in enumerate(SEEDS):
        model = EGovModel(instruments=[RewardsPraise(**settings)], rng=seed).run()
        early.append(early_adoption(model) - early_adoption(baseline(i)))
        trust.append(model.current["trust_mc"] - baseline(i).current["trust_mc"])
    return np.asarray(early), np.asarray(trust)


def test_early_adopter_bonus_raises_early_adoption_without_hurting_trust() -> None:
    early, trust = paired(bonus=50_000.0, until=32)
    assert early.mean() > 0.05 and (early > 0).all()
    assert trust.mean() > 0 and trust.min() > -0.005


def test_default_flat_bonus_moves_adoption_the_same_way() -> None:
    early, trust = paired()
    assert early.mean() > 0.002 and (early >= 0).sum() >= 7
    assert trust.min() > -0.005


def test_bonus_paid_once_per_new_adoption_from_the_running_level() -> None:
    target = Target(blocks=("portal", "e_payment"))
    tool = RewardsPraise(start=20, bonus=1000.0, target=target)
    model = EGovModel(instruments=[tool], rng=SEEDS[0])
    model.run(20)
    before = int(model.state.adopted[tool.target_cells].sum())
    model.run()
    assert tool.counted is not None
    new = int(tool.counted.sum()) - before
    assert new > 10 and tool.paid.sum() == pytest.approx(1000.0 * new)
    assert model.ledger.category("central", "transfer:reward_bonus") == pytest.approx(
        tool.paid.sum()
    )
    assert tool.praised.sum() > 0 and (tool.paid[tool.praised == 0] == 0).all()


def test_bonus_pool_caps_payments() -> None:
    tool = RewardsPraise(bonus=1000.0, budget=3500.0)
    model = EGovModel(instruments=[tool], rng=SEEDS[1]).run()
    assert tool.paid.sum() == pytest.approx(3500.0) and tool.remaining == pytest.approx(0.0)
    assert tool.praised.sum() > 4  # praise continues when the money is gone
    eff = model._fresh_effects()
    tool.apply(model, eff)
    assert not eff.pressure.any()  # no bonus left to expect


def test_praise_pushes_priority_and_trust_of_adopters_only() -> None:
    tool = RewardsPraise()
    model = EGovModel(instruments=[tool], rng=SEEDS[2])
    model.run(30)
    assert tool.counted is not None
    eff = model._fresh_effects()
    model.state.status[3, tool.target_cells[3] & ~tool.counted[3]] = ADOPTED  # 3 adopts
    tool.apply(model, eff)
    assert eff.priority_push[3] == pytest.approx(tool.p.praise_priority)
    assert eff.trust_central_pos[3] > 0
    assert (eff.trust_central_pos > 0).sum() == (eff.priority_push > 0).sum()
