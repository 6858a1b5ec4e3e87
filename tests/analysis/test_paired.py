"""Paired differences: exact on constructed data, and narrower than unpaired under CRN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
