"""Escalation ladder: climbs when monitored targets are missed, descends when met."""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiments.scenario import ScenarioError, load_scenario
from sim.instruments.base import Target
from sim.instruments.escalation import EscalationLadder
from sim.model.fields import ParameterError
from sim.model.model import EGovModel

BLOCKS = ("base_registers", "data_exchange", "e_payment", "digital_post", "portal")
SEEDS = np.random.SeedSequence(404).spawn(6)


def ladder(**kw) -> EscalationLadder:
    settings = {"start": 4, "rungs": ("legislation", "financial_incentive")}
    return EscalationLadder(target=Target(blocks=BLOCKS), **(settings | kw))


def test_rungs_sorted_from_soft_to_formal():
    lad = ladder(rungs=("legislation", "financial_incentive"))
    assert lad.p.rungs == ("financial_incentive", "legislation")


def test_climbs_when_targets_are_missed_and_raises_adoption():
    gains = []
    for seed in SEEDS:
        lad = ladder(first_target=0.9)
        with_ladder = EGovModel(instruments=[lad], rng=seed).run()
        without = EGovModel(rng=seed).run()
        assert max(lad.history) == 2  # the mandate was switched on
        assert lad.history[0] == 1  # started with the softest rung only
        gains.append(with_ladder.current["adoption_mun"] - without.current["adoption_mun"])
    assert np.mean(gains) > 0.1
    assert sum(g > 0 for g in gains) >= 5


def test_stays_soft_when_targets_are_met():
    lad = ladder(first_target=0.0, target_step=0.0)
    EGovModel(instruments=[lad], rng=SEEDS[0]).run()
    assert set(lad.history) == {1}


def test_descends_when_target_met_after_climbing():
    # Climb at the first review (impossible target), then the target drops to zero.
    lad = ladder(first_target=1.0, target_step=0.0, review_every=4)
    model = EGovModel(instruments=[lad], rng=SEEDS[1])
    model.run(12)
    assert lad.level == 2
    object.__setattr__(lad.p, "first_target", 0.0)
    model.run(8)
    assert lad.level == 1


def test_unknown_rung_is_rejected():
    with pytest.raises(ParameterError, match="rungs"):
        EscalationLadder(rungs=("nope",))
    with pytest.raises(ParameterError, match="rungs"):
        EscalationLadder(rungs=("escalation_ladder",))


def test_bad_rung_in_scenario_names_file_key_value(tmp_path):
    path = tmp_path / "ladder.toml"
    path.write_text(
        '[scenario]\ndescription = "x"\n[[instruments]]\ntype = "escalation_ladder"\n'
        'rungs = ["legislation", "sanctionz"]\n'
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = str(info.value)
    assert "ladder.toml" in msg and "rungs" in msg and "sanctionz" in msg and "legislation" in msg
