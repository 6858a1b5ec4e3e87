"""Compiled output and regional kernels equal the numpy expressions they replaced.

Each reference below is the array formula the model used before the kernel; the
kernels must give the same values bit for bit on states taken from real runs
(with instruments, so every status, local builds and failures occur).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.experiments.scenario import load_scenario
from sim.model import metrics
from sim.model.central import LIVE
from sim.model.model import EGovModel
from sim.model.regional import region_skills, service_benefits
from sim.model.state import ADOPTED, IMPLEMENTING

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def states(name: str, quarters: tuple[int, ...] = (6, 18, 40)):
    """A model of the scenario stopped at each of ``quarters``."""
    sc = load_scenario(SCENARIOS / f"{name}.toml")
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=11)
    for q in quarters:
        model.run(q - model.quarter)
        yield model


def reference_counts(model: EGovModel) -> dict[str, float]:
    """The numpy formulas of the counting outputs."""
    st = model.state
    w = st.population / st.population.sum()
    adopted, local = st.status == ADOPTED, st.local
    running = adopted | local
    mat = np.maximum(np.where(running, model.blocks.stage[None, :], 1).max(axis=1), 1)
    counts = np.bincount(mat, minlength=metrics.N_STAGES + 1)
    out = {
        "adoption_mun": float(np.count_nonzero(adopted) / adopted.size),
        "implementing": float(np.count_nonzero(st.status == IMPLEMENTING) / adopted.size),
        "failed_now": float(np.count_nonzero(st.failed_at == model.quarter)),
        "fragmentation": float(np.count_nonzero(local) / adopted.size),
        "once_only": float(w @ adopted[:, model.blocks.once_only].all(axis=1)),
        "maturity_mean": float(mat.mean()),
        "gini_maturity": metrics.gini(mat),
        "platforms_live": float(np.mean(model.central.platform == LIVE)),
    }
    out.update({f"maturity_{s}": float(counts[s] / mat.size) for s in range(1, 5)})
    share = np.count_nonzero(adopted, axis=1) / adopted.shape[1]
    sums = np.bincount(st.region, weights=share * st.population, minlength=model.rstate.n)
    out["regional_dispersion"] = float(np.std(sums / np.maximum(model.rstate.population, 1.0)))
    for k, key in enumerate(model.catalogue.keys):
        out[f"adoption_mun__{key}"] = float(np.count_nonzero(adopted[:, k]) / st.n)
        out[f"local__{key}"] = float(np.count_nonzero(local[:, k]) / st.n)
        out[f"adoption_pop__{key}"] = float((w @ adopted)[k])
    return out


@pytest.mark.parametrize("name", ["denmark_full_mix", "germany_mandate_without_standards"])
def test_counting_outputs_equal_numpy_formulas(name: str) -> None:
    seen_local = seen_failed = False
    for model in states(name):
        got = metrics.compute(model)
        for key, value in reference_counts(model).items():
            assert got[key] == value, (key, got[key], value)
        seen_local |= got["fragmentation"] > 0
        seen_failed |= bool((model.state.failed_at >= 0).any())
    assert seen_local and seen_failed  # the states exercised local builds and failures


def test_region_kernels_equal_numpy_formulas() -> None:
    for model in states("denmark_full_mix"):
        st, rs, bl = model.state, model.rstate, model.blocks
        has = st.region >= 0
        w_pop = np.bincount(st.region[has], weights=st.population[has], minlength=rs.n)
        w_skill = np.bincount(
            st.region[has], weights=(st.population * st.skills)[has], minlength=rs.n
        )
        skills = w_skill / w_pop
        assert np.array_equal(region_skills(model), skills)
        users = rs.population * model.params.regional.service_share * skills / 4.0
        value = (rs.status == ADOPTED) * users[:, None] * bl.benefit[None, :]
        value = value * model.network_now()
        spill = float((value * bl.spillover[None, :]).sum())
        assert service_benefits(model) == (float(value.sum()) - spill, spill)
