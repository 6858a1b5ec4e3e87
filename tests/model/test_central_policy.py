"""Central as a decision-maker: its own standard rule and adaptive policy (docs/ODD.md §7.3).

Fast checks of the rules themselves; the paired effects are in
``test_central_peer_effects.py`` (slow).
"""

from __future__ import annotations

import dataclasses as dc

import numpy as np
import pytest

from sim.instruments.escalation import EscalationLadder
from sim.model import central_policy
from sim.model.adaptive import Ladder, next_level
from sim.model.central import LIVE
from sim.model.fields import ParameterError
from sim.model.model import EGovModel
from sim.model.params import CentralParams, ModelParams
from sim.model.state import ADOPTED, LOCAL, NONE


def with_central(**kw) -> ModelParams:
    """Default parameters with central's settings replaced."""
    p = ModelParams()
    return dc.replace(p, central=dc.replace(p.central, **kw))


def test_ladder_target_path_and_review_quarters():
    lad = Ladder(start=8, review_every=8, first_target=0.3, target_step=0.15)
    assert lad.is_review(8) and lad.is_review(24) and not lad.is_review(12)
    assert not lad.is_review(0)  # before the start
    assert lad.expected(16) == pytest.approx(0.3)
    assert lad.expected(24) == pytest.approx(0.45)
    assert lad.expected(800) == 1.0


def test_next_level_climbs_on_a_miss_and_descends_on_a_hit_within_bounds():
    assert next_level(1, 0.2, 0.3, floor=1, top=4) == 2
    assert next_level(4, 0.2, 0.3, floor=1, top=4) == 4  # already at the top
    assert next_level(2, 0.3, 0.3, floor=1, top=4) == 1  # met: one rung down
    assert next_level(1, 0.9, 0.3, floor=1, top=4) == 1  # never below the floor
    assert next_level(0, 0.9, 0.3, floor=0, top=4) == 0


def test_escalation_ladder_uses_the_shared_rule():
    ladder = EscalationLadder(start=4, review_every=4, first_target=1.0)
    model = EGovModel(instruments=[ladder], rng=3).run(20)
    assert ladder.expected(12) == ladder.ladder.expected(12) == 1.0
    # a target of 1 is missed at every review: one rung more per review up to the top
    assert ladder.history[:13] == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4]
    assert model.quarter == 20


def fragmented_model(**central) -> tuple[EGovModel, int]:
    """A model whose block 1 platform is live and whose adopters are half local."""
    model = EGovModel(params=with_central(standard_rule=True, **central), rng=0)
    gov, st = model.central, model.state
    b = 1
    assert model.blocks.central_owned[b] and not gov.standard_set[b]
    gov.platform[b] = LIVE
    st.status[:, b] = NONE
    st.status[:10, b] = LOCAL
    st.status[10:20, b] = ADOPTED
    model.adoption_changed()
    return model, b


def test_standard_rule_fixes_a_fragmented_live_platform():
    model, b = fragmented_model()
    model.quarter = 7
    central_policy.set_standards(model.central, model.central.platform == LIVE)
    assert model.central.standard_set[b]
    assert model.central.standard_since[b] == 7
    assert model.standard_set()[b]


def test_standard_rule_waits_below_its_triggers_and_when_off():
    model, b = fragmented_model(standard_fragmentation=0.6, standard_coverage=1.0)
    central_policy.set_standards(model.central, model.central.platform == LIVE)
    assert not model.central.standard_set[b]  # half local < 0.6; coverage short of 1
    model, b = fragmented_model(standard_min_adopters=0.5)
    central_policy.set_standards(model.central, model.central.platform == LIVE)
    assert not model.central.standard_set[b]  # 20 of 98 have the service: too few to judge
    model, b = fragmented_model()
    model.central.platform[b] = 0  # not live: a standard cannot replace a missing platform
    central_policy.set_standards(model.central, model.central.platform == LIVE)
    assert not model.central.standard_set[b]


def test_fragmentation_by_block_counts_migrating_local_solutions():
    status = np.array([[ADOPTED, NONE], [LOCAL, NONE], [NONE, NONE], [NONE, ADOPTED]])
    migrating = np.zeros_like(status, dtype=bool)
    migrating[2, 0] = True  # a local solution being replaced still counts as local
    frag, have = central_policy.fragmentation_by_block(status, migrating)
    assert frag.tolist() == pytest.approx([2 / 3, 0.0])
    assert have.tolist() == pytest.approx([0.75, 0.25])


def test_switched_on_rules_that_never_trigger_leave_the_run_unchanged():
    """No draw is added: thresholds out of reach give the run of the rules switched off."""
    quiet = with_central(
        standard_rule=True, standard_fragmentation=1.0, standard_min_adopters=1.0,
        standard_coverage=1.0,
    )  # fmt: skip
    a = EGovModel(params=quiet, rng=11).run(40).datacollector.model_vars
    b = EGovModel(params=with_central(standard_rule=False), rng=11).run(40).datacollector.model_vars
    assert a["adoption_mun"] == b["adoption_mun"]
    assert a["fragmentation"] == b["fragmentation"]


def test_adaptive_policy_climbs_and_presses_open_cells_of_live_platforms():
    params = with_central(adaptive_levels=2, adaptive_review_every=4, adaptive_first_target=1.0)
    model = EGovModel(params=params, rng=5).run(13)
    gov = model.central
    assert gov.policy_history[:13] == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2]
    live = (gov.platform == LIVE) & model.blocks.central_owned
    assert live.any()
    # the last quarter's effects: only live central platforms are pressed, by two rungs
    pressure = model.effects.pressure
    assert pressure[:, ~live].max() == 0.0
    assert pressure[:, live].max() == pytest.approx(2 * params.central.adaptive_pressure)
    assert (pressure[:, live] > 0).any()


def test_adaptive_policy_off_keeps_level_zero_and_records_nothing():
    model = EGovModel(rng=5).run(9)
    assert model.central.policy_level == 0 and model.central.policy_history == []


@pytest.mark.parametrize(
    ("key", "value"),
    [("adaptive_levels", 11), ("standard_fragmentation", 1.5), ("standard_rule", 1)],
)
def test_bad_central_policy_settings_name_key_and_value(key, value):
    with pytest.raises(ParameterError, match=key):
        CentralParams(**{key: value})
