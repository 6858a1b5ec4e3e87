"""Pattern-oriented tests (docs/ODD.md §1): the model reproduces P1, P2 and P9.

Statistical: medians over replicates, with tolerances wide enough to be stable
across seeds. The slower, larger-sample versions are marked ``slow``.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import curve_fit

from sim.instruments.agreements import CommonVision
from sim.model.blocks import load_catalogue
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ExpectationParams, ModelParams, TimeParams


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
    """Homburg 2013 (CAL §3): adoption rises with size; no source gives Denmark's gap.

    Ten runs: the rank correlation of size and adoption quarter below -0.2, and large
    municipalities (>= 50k) ahead of small ones (< 20k) by more than 5 points. The gap
    was 0.13 before small municipalities paid the fixed integration cost in proportion
    to their size (§7.1, vendor curve) and elections changed direction (§7.2); it is
    about 0.09 now (docs/ODD.md P2 row: the former 0.1 had no source).
    """
    rho, gap = size_effect(ModelParams(), reps=10)
    assert rho < -0.2
    assert gap > 0.05


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


# -- P9: excess inertia that tips (Farrell & Saloner 1985; [OECD2009] §475) ----------
P9_SEEDS = np.random.SeedSequence(9).spawn(12)
P9_QUARTERS = 100
# Forward-looking governments (docs/ODD.md §7.11): adaptive expectations that follow
# the trend over half the horizon, follow-on blocks expected to follow their
# prerequisite, and a value of waiting for others.
FORWARD = ExpectationParams(
    adaptive_weight=0.5, trend_weight=0.5, prerequisite_weight=1.0, first_mover_weight=1.0
)


def network_paths(exponent: float, device=None) -> np.ndarray:
    """(reps, T) municipal adoption, Denmark baseline, every block's network exponent set."""
    cat = load_catalogue()
    cat = cat.with_overrides({k: {"network_exponent": exponent} for k in cat.keys})
    params = ModelParams(time=TimeParams(n_quarters=P9_QUARTERS), expectations=FORWARD)
    out = []
    for seed in P9_SEEDS:
        tools = [device()] if device is not None else []
        model = EGovModel(params=params, catalogue=cat, instruments=tools, rng=seed).run()
        out.append(model.datacollector.model_vars["adoption_mun"])
    return np.asarray(out)


def first_quarter_at(curve: np.ndarray, level: float = 0.1) -> int:
    """First quarter with adoption at ``level`` (the horizon if never)."""
    hit = np.flatnonzero(curve >= level)
    return int(hit[0]) if hit.size else curve.size


def steepest_gain(curve: np.ndarray, span: int = 4) -> float:
    """Largest gain in adoption over ``span`` quarters."""
    return float((curve[span:] - curve[:-span]).max())


def commitment() -> CommonVision:
    """A credible central commitment and nothing else: no pushes, no cost, no money."""
    return CommonVision(priority_push=0.0, belief_push=0.0, committed_coverage=0.6)


@pytest.fixture(scope="module")
def p9_paths() -> dict[str, np.ndarray]:
    return {
        "none": network_paths(0.0),
        "strong": network_paths(2.0),
        "device": network_paths(2.0, commitment),
    }


@pytest.mark.slow
def test_p9_strong_network_effects_stall_then_tip(p9_paths):
    """Excess inertia: with strong network benefits everyone waits, then adoption tips.

    Farrell & Saloner (1985, 1986): when the value of joining depends on how many
    others join, adoption can stall although all would gain (nobody wants to go first),
    and once enough are expected to join it spreads in a bandwagon. With every block's
    network exponent at 2 the benefit at low coverage is little more than the floor
    and waiting for others is worth more, so the median path reaches 10% later than
    without network effects. Forward-looking governments read the trend and expect the
    services built on eID to follow it, so once eID moves the expected network benefit
    of several blocks jumps together, the value of waiting vanishes, and the tip is at
    least as steep as the take-off without network effects (the stated expectation of
    issue 14; with static expectations the steepest gain fell from 0.09 to 0.05).
    """
    none = np.median(p9_paths["none"], axis=0)
    strong = np.median(p9_paths["strong"], axis=0)
    assert first_quarter_at(strong) > first_quarter_at(none)
    assert steepest_gain(strong) >= steepest_gain(none)
    # Stall, then tip: the steepest year comes after the stall, not at the start.
    gains = strong[4:] - strong[:-4]
    assert int(np.argmax(gains)) >= first_quarter_at(strong) - 4


@pytest.mark.slow
def test_p9_coordination_device_shortens_the_stall(p9_paths):
    """A credible commitment (central commits to 60% coverage) shortens the wait (paired).

    Farrell & Saloner (1985) and [OECD2009] §475: a device that makes joint adoption
    credible ends the wait for others. The commitment acts only on expectations here
    (no pressure, money or pushes), so on every seed the stall can only be shorter
    or equal, and the median stall must be shorter.
    """
    strong = [first_quarter_at(c) for c in p9_paths["strong"]]
    device = [first_quarter_at(c) for c in p9_paths["device"]]
    diff = np.asarray(device) - np.asarray(strong)
    assert (diff <= 0).sum() >= len(diff) - 1
    assert np.median(diff) < 0
