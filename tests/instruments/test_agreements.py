"""Co-operation agreement, joint task force and common vision: paired mechanism tests.

Every comparison runs the Denmark preset (98 municipalities, 60 quarters) with and
without the instrument on the same seeds (common random numbers), so differences are
the instrument's doing, not reshuffled noise.
"""

from __future__ import annotations

import numpy as np
from pairing import Pairing

from sim.instruments.agreements import CommonVision, CooperationAgreement, JointTaskForce
from sim.instruments.base import Target
from sim.model.model import EGovModel

SEEDS = np.random.SeedSequence(2024).spawn(8)
TARGETED = ("base_registers", "data_exchange", "ict_security")


PAIRING = Pairing(SEEDS)
paired = PAIRING.paired


def series(model: EGovModel, name: str) -> np.ndarray:
    return model.datacollector.get_model_vars_dataframe()[name].to_numpy()


def targeted_adoption(model: EGovModel) -> float:
    cols = [model.catalogue.keys.index(b) for b in TARGETED]
    return float(model.state.adopted[:, cols].mean())


def trust_mc(model: EGovModel) -> float:
    return model.current["trust_mc"]


# ------------------------------------------------------------ co-operation agreement


def agreement(**kw) -> CooperationAgreement:
    return CooperationAgreement(**({"start": 4, "target": Target(blocks=TARGETED)} | kw))


def test_agreement_raises_targeted_adoption_and_trust_in_central() -> None:
    adoption, trust = paired(agreement, targeted_adoption, trust_mc)
    assert adoption.mean() > 0.05 and (adoption > 0).sum() >= 7
    assert trust.mean() > 0.02 and (trust > 0).sum() >= 7


def test_nothing_but_talks_before_signature() -> None:
    # Without participation events the runs are identical until the signature...
    for seed in SEEDS[:3]:
        tool = agreement(participation_events=0.0)
        with_tool = EGovModel(instruments=[tool], rng=seed).run()
        without = EGovModel(rng=seed).run()
        before = slice(0, tool.signed_at)
        a, b = series(with_tool, "adoption_mun"), series(without, "adoption_mun")
        np.testing.assert_array_equal(a[before], b[before])
        paid, paid_without = series(with_tool, "grants_paid"), series(without, "grants_paid")
        np.testing.assert_array_equal(paid[before], paid_without[before])
        assert (a[tool.signed_at :] != b[tool.signed_at :]).any()
    # ...and with them, only trust experiences are on the table during the talks.
    tool = agreement(negotiation_quarters=6)
    model = EGovModel(instruments=[tool], rng=SEEDS[0])
    for q in range(tool.p.start, tool.signed_at + 2):
        model.run(q - model.quarter)
        eff = model._fresh_effects()
        tool.apply(model, eff)
        signed = q >= tool.signed_at
        assert (eff.pressure.sum() > 0) == signed and bool(eff.grant_offers) == signed
        events = tool.p.commitment_events if signed else tool.p.participation_events
        np.testing.assert_allclose(eff.trust_central_pos, events)


def test_agreement_cost_split_is_paid_by_the_runner_from_its_pool() -> None:
    tool = agreement(budget=2e6, run_by="regional")
    model = EGovModel(instruments=[tool], rng=SEEDS[1]).run()
    assert 0 < tool.pool.paid <= 2e6 + 1e-6
    assert model.ledger.category("regional", "transfer:cooperation_agreement") == tool.pool.paid
    assert model.ledger.category("central", "transfer:cooperation_agreement") == 0.0


# ------------------------------------------------------------------ joint task force


def failures(model: EGovModel) -> float:
    return float(series(model, "failed_now").sum())


def test_task_force_cuts_failures_and_raises_trust() -> None:
    fails, trust = paired(JointTaskForce, failures, trust_mc)
    assert fails.mean() < -10 and (fails < 0).sum() >= 7
    assert trust.mean() > 0.05 and (trust > 0).sum() >= 7


def test_task_force_staff_cost_is_booked_to_the_runner() -> None:
    tool = JointTaskForce(run_by="regional", start=10, end=30)
    model = EGovModel(instruments=[tool], rng=SEEDS[2]).run()
    expected = 20 * 150_000.0
    assert tool.cost_booked == expected
    assert model.ledger.category("regional", "instrument:joint_task_force") == expected
    assert model.current["instrument_cost"] == expected


# -------------------------------------------------------------------- common vision


def priority(model: EGovModel) -> float:
    return float(model.state.priority.mean())


def mean_adoption(model: EGovModel) -> float:
    """Adoption averaged over the run: the area under the curve, i.e. speed and level."""
    return float(series(model, "adoption_mun").mean())


def test_vision_raises_priority_and_adoption_modestly_without_touching_trust() -> None:
    prio, adopt, trust = paired(CommonVision, priority, mean_adoption, trust_mc)
    assert prio.mean() > 0.002 and (prio > 0).all()
    assert 0.003 < adopt.mean() < 0.05 and (adopt > 0).sum() >= 7
    assert abs(trust.mean()) < 0.005 and np.abs(trust).max() < 0.02


# ------------------------------------------------------------------ bad parameters
