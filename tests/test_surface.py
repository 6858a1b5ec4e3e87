"""The public surface: ``from sim import ...`` and ``sim.run`` as a plain function."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim import api
from sim.errors import UsageError
from sim.experiments.overrides import ScenarioError
from sim.experiments.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"time.n_quarters": 10, "country.name": "synthetic", "country.n_municipalities": 30}


def test_public_names_import_from_their_homes():
    from sim import (
        EGovModel,
        ModelParams,
        compare,
        load_scenario,
        open_results,
        run,
        sensitivity,
        sweep,
    )
    from sim.experiments import scenario
    from sim.model import model, params

    assert EGovModel is model.EGovModel and ModelParams is params.ModelParams
    assert load_scenario is scenario.load_scenario
    assert (compare, sweep, sensitivity, open_results) == (
        api.compare, api.sweep, api.sensitivity, api.open_results,
    )  # fmt: skip
    assert callable(run)
    assert sorted(sim.__all__) == sorted(
        ["EGovModel", "ModelParams", "load_scenario", "compare", "sweep", "sensitivity",
         "open_results", "run"]
    )  # fmt: skip
    assert set(sim.__all__) <= set(dir(sim))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        sim.nope  # noqa: B018


def test_import_sim_is_lazy():
    code = "import sys, sim; print(any(m.startswith(('sim.model', 'numba')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_run_equals_the_runners_finals_for_the_same_seed(tmp_path):
    path = ROOT / "scenarios" / "funded_mandate.toml"
    sets = [f"{k}={v}" for k, v in SMALL.items()]
    store = api.compare(
        [path], reps=2, seed=11, out=tmp_path / "cmp", overrides=sets,
        execution=api.Execution(executor="serial", progress=False), report=False,
    )  # fmt: skip
    finals = store.finals()
    row = finals[finals["replicate"] == 0].iloc[0]
    got = sim.run(path, seed=11, overrides=SMALL)
    assert all(isinstance(v, float) for v in got.values())
    assert {"adoption_mun", "t50_adoption_mun", "t90_adoption_mun", "trust_mc"} <= set(got)
    assert "seed" not in got and "run_key" not in got
    for name, value in got.items():
        expected = float(row[name])
        assert value == expected or (math.isnan(value) and math.isnan(expected)), name


def test_keyword_overrides_equal_dotted_overrides_and_scenario_objects():
    scenario = load_scenario(ROOT / "scenarios" / "baseline.toml")
    keywords = {k.replace(".", "__"): v for k, v in SMALL.items()}
    by_keyword = sim.run(scenario, seed=5, trust__municipal_central_init=0.9, **keywords)
    by_mapping = sim.run(seed=5, overrides={**SMALL, "trust.municipal_central_init": 0.9})
    assert by_keyword == pytest.approx(by_mapping, nan_ok=True)
    plain = sim.run(seed=5, overrides=SMALL)
    assert plain["trust_mc"] < by_mapping["trust_mc"]  # the override took effect


def test_bare_field_name_names_the_key_path():
    with pytest.raises(UsageError) as err:
        sim.run(peer_weight=2)
    msg = str(err.value)
    assert "\n" not in msg
    assert "peer_weight = 2" in msg and "decision__peer_weight" in msg


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"decision__peer_weight": -5}, "decision.peer_weight = -5"),
        ({"decision__peer_wieght": 1}, "decision.peer_wieght = 1 is an unknown key"),
        ({"overrides": {"peer_weight": 1}}, "overrides key 'peer_weight'"),
        ({"scenario": 42}, "scenario = 42 is not allowed"),
    ],
)
def test_bad_overrides_fail_in_one_line(kwargs, fragment):
    with pytest.raises((ScenarioError, UsageError)) as err:
        sim.run(**kwargs)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("sim.run")
    assert fragment in msg
