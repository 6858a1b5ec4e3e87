"""The citizen-side obligation (mandatory digital channel, default enrolment)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.experiments.scenario import load_scenario
from sim.model.model import EGovModel

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "denmark_digital_post.toml"


def run(sets: tuple[str, ...] = (), seed: int = 3, quarters: int = 24) -> EGovModel:
    sc = load_scenario(SCENARIO, sets)
    return EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=seed).run(quarters)


def test_enrolment_lifts_takeup_of_the_skilled_and_exempts_the_rest():
    model = run()
    b = model.catalogue.keys.index("digital_post")
    st = model.state
    operating = st.adopted[:, b]
    assert operating.sum() > 50
    # Take-up was set against the skills of the quarter, before this quarter's growth.
    g = model.params.citizens.skills_growth / 4.0
    before = (st.skills[operating] - g) / (1.0 - g)
    takeup = st.takeup[operating, b]
    # Phased in by quarter 16; 90% of the skilled are enrolled, nobody without skills.
    assert np.all(takeup >= 0.9 * before - 1e-9)
    assert np.all(takeup <= before + 1e-9)


def test_the_obligation_raises_takeup_against_the_same_mandate_without_it():
    """Denmark's digital-channel target was met a year after the citizen mandate (T1)."""
    diffs = []
    for seed in range(6):
        with_it = run(seed=seed, quarters=16).datacollector.model_vars["takeup__digital_post"]
        without = run(("instruments.2.intensity=0",), seed=seed, quarters=16)
        diffs.append(with_it[-1] - without.datacollector.model_vars["takeup__digital_post"][-1])
    assert min(diffs) > 0.3


def test_before_its_start_it_changes_nothing():
    a = run(quarters=12).datacollector.get_model_vars_dataframe()
    b = run(("instruments.2.intensity=0",), quarters=12).datacollector.get_model_vars_dataframe()
    assert a.equals(b)
