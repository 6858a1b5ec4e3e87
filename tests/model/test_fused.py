"""The compiled fused kernels give the runs of the numpy kernels they were written from.

``EGovModel.fused_kernels = False`` runs the numpy reference kernels (``municipal.py``,
``regional.py``). Both paths draw the same random numbers and apply the same
arithmetic in the same order; only transcendental functions may differ in the last
bit (numpy's vector code vs the C library), so every output must agree to 1e-9
relative and every count exactly (a single flipped decision would move a share by
at least 1/cells).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.experiments.scenario import load_scenario
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


class ReferenceModel(EGovModel):
    """The same model on the numpy reference kernels."""

    fused_kernels = False


def outputs(cls: type[EGovModel], params, catalogue=None, instruments=(), seed=3) -> dict:
    model = cls(params, catalogue, instruments, rng=seed)
    model.run()
    return {k: np.asarray(v, dtype=float) for k, v in model.datacollector.model_vars.items()}


def assert_same_runs(fast: dict, ref: dict) -> None:
    assert fast.keys() == ref.keys()
    for name in ref:
        np.testing.assert_allclose(
            fast[name], ref[name], rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=name
        )


@pytest.mark.parametrize(
    "name",
    [
        "baseline",
        "funded_mandate",
        "denmark_full_mix",
        "legislation_sanctions",
        "germany_mandate_without_standards",
        "shared_resource_centres",
        "unfunded_mandate",
    ],
)
def test_fused_kernels_match_reference_on_scenarios(name: str) -> None:
    sc = load_scenario(SCENARIOS / f"{name}.toml")
    for seed in (1, 2):
        fast = outputs(EGovModel, sc.params, sc.catalogue, sc.build_instruments(), seed)
        ref = outputs(ReferenceModel, sc.params, sc.catalogue, sc.build_instruments(), seed)
        assert_same_runs(fast, ref)


@pytest.mark.parametrize("n_regions", [0, 7])
def test_fused_kernels_match_reference_on_synthetic_countries(n_regions: int) -> None:
    country = CountryParams(name="synthetic", n_municipalities=400, n_regions=n_regions)
    params = ModelParams(country=country)
    assert_same_runs(outputs(EGovModel, params), outputs(ReferenceModel, params))


def test_fused_path_is_taken_and_reference_is_selectable() -> None:
    assert EGovModel(rng=1).uses_fused_decision()
    assert not ReferenceModel(rng=1).uses_fused_decision()

    class OwnRule(EGovModel):
        def choice_probabilities(self, rows, v_std, v_loc, can_std, can_loc):
            return super().choice_probabilities(rows, v_std, v_loc, can_std, can_loc)

    # An overridden choice rule is honoured: the numpy decision runs it.
    assert not OwnRule(rng=1).uses_fused_decision()
    assert_same_runs(outputs(OwnRule, ModelParams()), outputs(EGovModel, ModelParams()))
