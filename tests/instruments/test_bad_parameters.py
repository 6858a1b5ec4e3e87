"""Every instrument rejects bad parameters in a scenario file with a located message.

One table for the whole toolbox: the message names the file, the key
(``instruments.0.<key>``), the offending value and the allowed range.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.experiments.scenario import ScenarioError, load_scenario

CASES = [
    ("legislation", "deadline", "500", "[0, 400]"),
    ("legislation", "pressure", "-1.0", "[0, 20]"),
    ("financial_incentive", "share", "1.5", "[0, 1]"),
    ("financial_incentive", "budget", "-1.0", "[0, inf]"),
    ("sanctions", "penalty_per_capita", "-1.0", "[0, 100]"),
    ("sanctions", "unfair_events", "9.0", "[0, 5]"),
    ("sanctions", "funded_relief", "1.5", "[0, 1]"),
    ("sanctions", "max_pressure", "25.0", "[0, 20]"),
    ("rewards_praise", "bonus", "-5.0", "[0, 1e+08]"),
    ("rewards_praise", "praise_priority", "2.0", "[0, 1]"),
    ("rewards_praise", "until", "500", "[0, 400]"),
    ("rewards_praise", "praise_events", "-1.0", "[0, 5]"),
    ("cooperation_agreement", "negotiation_quarters", "-1", "[0, 40]"),
    ("cooperation_agreement", "central_share", "1.5", "[0, 1]"),
    ("common_vision", "priority_push", "1.2", "[0, 1]"),
    ("standards", "cost_cut", "1.5", "[0, 0.9]"),
    ("joint_task_force", "support", "2.0", "[0, 1]"),
    ("joint_task_force", "cost_per_quarter", "-5.0", "[0, inf]"),
    ("shared_resource_centre", "join_probability", "1.5", "[0, 1]"),
    ("monitoring_benchmarking", "period", "0", "[1, 40]"),
    ("monitoring_benchmarking", "laggard_share", "1.5", "[0, 1]"),
    ("monitoring_benchmarking", "shame_pressure", "-0.5", "[0, 20]"),
    ("monitoring_benchmarking", "evaluation_weight", "2.0", "[0, 1]"),
    ("soft_measures", "belief_push", "1.5", "[0, 1]"),
    ("mandatory_digital_channel", "enrolment", "1.2", "[0, 1]"),
    ("mandatory_digital_channel", "phase_in", "0", "[1, 40]"),
    ("soft_measures", "cost_cut", "-0.1", "[0, 1]"),
    ("software_reuse", "extra_failure", "0.7", "[0, 0.5]"),
    ("informal_coordination", "trust_events", "9.0", "[0, 5]"),
    ("informal_coordination", "intensity", "2.0", "[0, 1]"),
    ("escalation_ladder", "review_every", "0", "[1, 100]"),
]


@pytest.mark.parametrize(("kind", "key", "value", "allowed"), CASES)
def test_bad_parameter_names_file_key_value_and_range(
    tmp_path: Path, kind: str, key: str, value: str, allowed: str
) -> None:
    path = tmp_path / f"bad_{kind}.toml"
    path.write_text(
        f'[scenario]\ndescription = "x"\n[[instruments]]\ntype = "{kind}"\n{key} = {value}\n'
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = str(info.value)
    assert path.name in msg and f"instruments.0.{key}" in msg
    assert value in msg and allowed in msg


def test_every_registered_instrument_has_a_bad_parameter_case():
    from sim.instruments.base import REGISTRY, instrument_class

    instrument_class("legislation")
    assert set(REGISTRY) == {kind for kind, *_ in CASES}
