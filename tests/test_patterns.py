"""Pattern-oriented tests (docs/ODD.md §1): the model reproduces P1 and P2.

Statistical: medians over replicates, with tolerances wide enough to be stable
across seeds. The slower, larger-sample versions are marked ``slow``.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import curve_fit

from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams, TimeParams


def trajectories(params: ModelParams, reps: int, metric: str = "adoption_mun") -> np.ndarray:
    seeds = np.random.SeedSequence(7).spawn(reps)
    out = []
    for seed in seeds:
        model = EGovModel(params=params, rng=seed)
        model.run()
        out.append(model.datacollector.model_vars[metric])
    return np.array(out)


def logistic(t, k, r, t0):
    return k / (1.0 + np.exp(-r * (t - t0)))


def s_shape_checks(curve: np.ndarray) -> None:
    """Slow start, take-off, saturation: a logistic fits and beats a straight line."""
    t = np.arange(curve.size, dtype=float)
    (k, r, t0), _ = curve_fit(logistic, t, curve, p0=(curve[-1], 0.2, curve.size / 2), maxfev=20000)
    fitted = logistic(t, k, r, t0)
    r2_logistic = 1 - ((curve - fitted) ** 2).sum() / ((curve - curve.mean()) ** 2).sum()
    slope, intercept, *_ = stats.linregress(t, curve)
    r2_linear = (
        1 - ((curve - (slope * t + intercept)) ** 2).sum() / ((curve - curve.mean()) ** 2).sum()
    )
    assert r2_logistic > 0.98
    assert r2_logistic > r2_linear
    assert 0 < t0 < curve.size  # inflection inside the horizon: take-off happens
    inc = np.diff(curve)
    third = curve.size // 3
    assert curve[:8].max() < 0.1  # slow start
    assert inc[third : 2 * third].mean() > inc[:third].mean()  # take-off


def test_p1_adoption_is_s_shaped_denmark():
    curve = np.median(trajectories(ModelParams(), reps=6), axis=0)
    s_shape_checks(curve)


@pytest.mark.slow
def test_p1_adoption_is_s_shaped_over_long_horizon():
    params = ModelParams(time=TimeParams(n_quarters=100))
    curve = np.median(trajectories(params, reps=20), axis=0)
    s_shape_checks(curve)
    inc = np.diff(curve)
    assert inc[-20:].mean() < inc.max() / 2  # saturation: growth slows at the end


def first_adoption_quarter(model: EGovModel) -> np.ndarray:
    at = np.where(model.state.adopted_at >= 0, model.state.adopted_at, model.quarter + 1)
    return at.mean(axis=1)


def size_effect(params: ModelParams, reps: int) -> tuple[float, float]:
    """Spearman rho of population vs mean adoption quarter, and large-small gap."""
    rhos, gaps = [], []
    for seed in np.random.SeedSequence(11).spawn(reps):
        model = EGovModel(params=params, rng=seed)
        model.run()
        rho, _ = stats.spearmanr(model.state.population, first_adoption_quarter(model))
        rhos.append(rho)
        gaps.append(model.current["size_gap"])
    return float(np.median(rhos)), float(np.median(gaps))


def test_p2_larger_municipalities_adopt_earlier_denmark():
    rho, gap = size_effect(ModelParams(), reps=4)
    assert rho < -0.2
    assert gap > 0.1


@pytest.mark.slow
def test_p2_size_effect_netherlands():
    params = ModelParams(country=CountryParams(name="netherlands"))
    rho, gap = size_effect(params, reps=6)
    assert rho < -0.2
    # Dutch municipalities are larger than Danish ones at the small end (few below
    # 20k) and save project money across years, and about a quarter of those below
    # 20k pool ICT in inter-municipal bodies (docs/ODD.md §7.4; pooling narrows the
    # gap, pattern P8: 0.09 without co-operation, about 0.045 with it), so the gap is
    # smaller than in Denmark but must stay material: large ones ahead by more than
    # 3 points.
    assert gap > 0.03


@pytest.mark.slow
def test_p2_central_ahead_of_local():
    """Central platforms go live before most municipalities connect (EU: 91% vs 71%)."""
    model = EGovModel(rng=3)
    model.run(30)
    assert model.current["platforms_live"] > model.current["adoption_mun"]
