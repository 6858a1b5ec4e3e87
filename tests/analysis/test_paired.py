"""Paired differences: exact on constructed data, and narrower than unpaired under CRN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.analysis.paired import paired_differences, paired_series


def finals(base: np.ndarray, shift: np.ndarray | float, points: int = 1) -> pd.DataFrame:
    n = len(base) // points
    rows = []
    for name, values in (("base", base), ("alt", base + shift)):
        for i, v in enumerate(values):
            rows.append({"scenario": name, "point": i // n, "replicate": i % n, "y": v})
    return pd.DataFrame(rows)


def test_constant_shift_is_exact() -> None:
    out = paired_differences(finals(np.arange(10.0), 0.25), "base", ["y"]).iloc[0]
    assert out["scenario"] == "alt" and out["n_pairs"] == 10
    assert out["mean_diff"] == pytest.approx(0.25) and out["sd_diff"] == pytest.approx(0, abs=1e-12)
    assert out["ci_low"] == pytest.approx(0.25) and out["ci_high"] == pytest.approx(0.25)
    assert out["share_positive"] == 1.0 and out["p_value"] == 0.0


def test_pairing_removes_shared_noise() -> None:
    """Common random numbers: large shared noise, small effect, still a tight CI."""
    rng = np.random.default_rng(1)
    shared = rng.normal(0, 5, 200)
    frame = finals(shared, 0.3 + rng.normal(0, 0.1, 200))
    out = paired_differences(frame, "base", ["y"]).iloc[0]
    assert out["ci_low"] < 0.3 < out["ci_high"] and out["ci_low"] > 0
    unpaired_half = 1.96 * np.sqrt(2 * 25 / 200)  # Welch half-width with the same runs
    assert out["ci_high"] - out["mean_diff"] < unpaired_half / 20


def test_pairs_match_on_point_and_replicate_and_drop_nan() -> None:
    base = np.array([1.0, 2.0, np.nan, 4.0])
    frame = finals(base, np.array([1.0, 1.0, 1.0, 1.0]), points=2)
    frame = frame.sample(frac=1, random_state=0)  # order must not matter
    out = paired_differences(frame, "base", ["y"]).iloc[0]
    assert out["n_pairs"] == 3 and out["mean_diff"] == pytest.approx(1.0)


def test_errors_name_baseline_and_metric() -> None:
    frame = finals(np.arange(4.0), 1.0)
    with pytest.raises(ValueError, match=r"baseline 'nope' is not a scenario.*\['base', 'alt'\]"):
        paired_differences(frame, "nope", ["y"])
    with pytest.raises(ValueError, match=r"metric 'z' is not a column"):
        paired_differences(frame, "base", ["z"])


def test_paired_series_per_quarter() -> None:
    rows = []
    for r in range(5):
        for q in range(3):
            rows.append({"scenario": "base", "point": 0, "replicate": r, "quarter": q, "y": r + q})
            rows.append(
                {"scenario": "alt", "point": 0, "replicate": r, "quarter": q, "y": r + 2 * q}
            )
    out = paired_series(pd.DataFrame(rows), "base", "y")
    assert out["quarter"].tolist() == [0, 1, 2] and out["n_pairs"].tolist() == [5, 5, 5]
    assert out["mean_diff"].tolist() == [0.0, 1.0, 2.0]
    assert (out["ci_low"] == out["mean_diff"]).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=2, max_size=30), st.floats(-10, 10))
def test_mean_is_inside_its_interval(values: list[float], shift: float) -> None:
    noise = np.linspace(-1, 1, len(values))
    out = paired_differences(finals(np.array(values), shift + noise), "base", ["y"]).iloc[0]
    assert out["ci_low"] - 1e-9 <= out["mean_diff"] <= out["ci_high"] + 1e-9


def test_statistics_match_scipy_paired_t_test() -> None:
    rng = np.random.default_rng(7)
    base = rng.normal(0, 1, 15)
    shift = 0.4 + rng.normal(0, 0.5, 15)
    out = paired_differences(finals(base, shift), "base", ["y"], conf=0.9).iloc[0]
    test = stats.ttest_rel(base + shift, base)
    lo, hi = test.confidence_interval(0.9)
    assert out["p_value"] == pytest.approx(test.pvalue)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((lo, hi))
    assert out["sd_diff"] == pytest.approx(np.std(shift, ddof=1))
    assert out["median_diff"] == pytest.approx(np.median(shift))
    assert out["share_positive"] == pytest.approx(np.mean(shift > 0))


def test_crn_interval_narrower_than_unpaired_welch() -> None:
    """The same runs analysed without the pairing give a far wider interval."""
    rng = np.random.default_rng(3)
    shared = rng.normal(0, 2, 60)  # seed-driven noise common to both scenarios
    shift = 0.5 + rng.normal(0, 0.2, 60)
    out = paired_differences(finals(shared, shift), "base", ["y"]).iloc[0]
    welch = stats.ttest_ind(shared + shift, shared, equal_var=False).confidence_interval()
    assert out["ci_low"] < 0.5 < out["ci_high"]
    assert welch.low < 0.5 < welch.high  # both valid, but ...
    assert (out["ci_high"] - out["ci_low"]) < (welch.high - welch.low) / 5


def test_identical_scenarios_and_too_few_pairs() -> None:
    same = paired_differences(finals(np.arange(5.0), 0.0), "base", ["y"]).iloc[0]
    assert same["p_value"] == 1.0 and same["sd_diff"] == 0.0
    assert same["ci_low"] == same["ci_high"] == 0.0
    one = paired_differences(finals(np.array([1.0, np.nan]), 2.0), "base", ["y"]).iloc[0]
    assert one["n_pairs"] == 1 and one["mean_diff"] == 2.0
    assert np.isnan(one[["sd_diff", "ci_low", "ci_high", "p_value"]].astype(float)).all()
    none = paired_differences(finals(np.array([np.nan, np.nan]), 2.0), "base", ["y"]).iloc[0]
    assert none["n_pairs"] == 0 and np.isnan(none["mean_diff"])


def test_scenario_order_metrics_and_columns() -> None:
    up, down = finals(np.arange(4.0), 1.0), finals(np.arange(4.0), -1.0)
    first = down[down["scenario"] == "alt"].assign(scenario="first_alt")
    frame = pd.concat([first, up], ignore_index=True).assign(t=lambda f: f["y"] * 2)
    out = paired_differences(frame, "base", ["y", "t"])
    assert list(out.columns) == [
        "scenario", "metric", "n_pairs", "mean_diff", "sd_diff", "ci_low", "ci_high",
        "median_diff", "share_positive", "p_value",
    ]  # fmt: skip
    assert out[["scenario", "metric"]].values.tolist() == [
        ["first_alt", "y"], ["first_alt", "t"], ["alt", "y"], ["alt", "t"],
    ]  # fmt: skip
    assert out["mean_diff"].tolist() == pytest.approx([-1.0, -2.0, 1.0, 2.0])


def test_missing_metric_lists_numeric_metrics_only() -> None:
    frame = finals(np.arange(4.0), 1.0).assign(seed=1, label="x")
    with pytest.raises(ValueError, match=r"'nope'.*expected one of \['y'\]"):
        paired_differences(frame, "base", ["nope"])
    with pytest.raises(ValueError, match="baseline 'nope'"):
        paired_series(frame.assign(quarter=0), "nope", "y")


def _runs(points: int = 2, reps: int = 8, quarters: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    grid = pd.MultiIndex.from_product(
        [["base", "alt", "other"], range(points), range(reps), range(quarters)],
        names=["scenario", "point", "replicate", "quarter"],
    ).to_frame(index=False)
    noise = rng.normal(0, 1, (points, reps, quarters))
    effect = grid["scenario"].map({"base": 0.0, "alt": 1.0, "other": -0.5}).to_numpy()
    grid["y"] = noise[grid["point"], grid["replicate"], grid["quarter"]] + effect * grid["quarter"]
    grid["y"] += rng.normal(0, 0.1, len(grid))
    return grid


def test_paired_series_agrees_with_paired_differences_per_quarter() -> None:
    runs = _runs()
    runs.loc[runs.sample(10, random_state=1).index, "y"] = np.nan
    series = paired_series(runs.sample(frac=1, random_state=2), "base", "y", conf=0.9)
    assert series["scenario"].tolist() == ["alt"] * 4 + ["other"] * 4
    assert series["quarter"].tolist() == [0, 1, 2, 3] * 2
    for q in range(4):
        ref = paired_differences(runs[runs["quarter"] == q], "base", ["y"], conf=0.9)
        got = series[series["quarter"] == q]
        assert got["n_pairs"].tolist() == ref["n_pairs"].tolist()
        for col in ("mean_diff", "ci_low", "ci_high"):
            assert got[col].to_numpy() == pytest.approx(ref[col].to_numpy())


def test_paired_series_with_categorical_scenarios() -> None:
    runs = _runs(points=1, reps=3, quarters=2)
    runs["scenario"] = pd.Categorical(runs["scenario"], categories=["other", "base", "alt"])
    out = paired_series(runs, "base", "y")
    assert out["scenario"].tolist() == ["alt", "alt", "other", "other"]
    assert (out["n_pairs"] == 3).all()
