"""Summaries: vectorised statistics equal numpy/scipy per group, also ragged and NaN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.summary import final_table, summarise


def ragged_runs(seed: int = 5) -> pd.DataFrame:
    """Two scenarios × 3 points × uneven replicates × 4 quarters, with NaN cells."""
    rng = np.random.default_rng(seed)
    rows = []
    for s, reps in (("zeta", (5, 1, 3)), ("alpha", (4, 4, 2))):
        for p, n in enumerate(reps):
            for r in range(n):
                for q in range(4):
                    y = rng.normal(q, 1) if rng.random() > 0.15 else np.nan
                    rows.append({"run_key": f"{s}{p}{r}", "scenario": s, "point": p,
                                 "replicate": r, "seed": r, "seed_key": f"0/{r}",
                                 "quarter": q, "y": y})  # fmt: skip
    return pd.DataFrame(rows).sample(frac=1, random_state=seed)  # order must not matter


def reference(values: np.ndarray) -> list[float]:
    """median, p10, p90, mean, CI of one group, the slow and obvious way."""
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return [np.nan] * 6
    qs = np.quantile(v, [0.5, 0.1, 0.9]).tolist()
    if len(v) < 2:
        return [*qs, v.mean(), np.nan, np.nan]
    lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=stats.sem(v))
    return [*qs, v.mean(), lo, hi]


@pytest.mark.parametrize("by", [("scenario",), ("scenario", "point")])
def test_every_group_matches_reference(by: tuple[str, ...]) -> None:
    frame = ragged_runs()
    out = summarise(frame, by=by)
    assert list(out.columns[: len(by) + 2]) == [*by, "quarter", "n_runs"]
    assert out["scenario"].iloc[0] == "zeta"  # first appearance in the shuffled table
    assert out.groupby(list(by), sort=False).ngroups * 4 == len(out)
    for _, row in out.iterrows():
        mask = np.ones(len(frame), dtype=bool)
        for k in (*by, "quarter"):
            mask &= (frame[k] == row[k]).to_numpy()
        assert row["n_runs"] == mask.sum()
        expected = reference(frame.loc[mask, "y"].to_numpy())
        got = row[["y_median", "y_p10", "y_p90", "y_mean", "y_ci_low", "y_ci_high"]]
        assert got.to_numpy(dtype=float) == pytest.approx(expected, nan_ok=True)


def test_single_run_has_no_interval_and_quarters_sorted() -> None:
    frame = pd.DataFrame({"scenario": "s", "replicate": 0, "quarter": [2, 0, 1],
                          "y": [3.0, 1.0, 2.0]})  # fmt: skip
    out = summarise(frame)
    assert out["quarter"].tolist() == [0, 1, 2] and out["y_mean"].tolist() == [1.0, 2.0, 3.0]
    assert out["y_median"].tolist() == [1.0, 2.0, 3.0]
    assert out[["y_ci_low", "y_ci_high"]].isna().all().all()


def test_categorical_scenarios_and_string_group_column() -> None:
    frame = ragged_runs()
    cat = frame.assign(scenario=pd.Categorical(frame["scenario"], ["alpha", "zeta", "unused"]))
    pd.testing.assert_frame_equal(summarise(cat), summarise(frame))
    labelled = frame.assign(arm=np.where(frame["point"] == 0, "control", "treated"))
    out = summarise(labelled, by=("scenario", "arm"))
    scen, arm = (list(pd.unique(labelled[k])) for k in ("scenario", "arm"))
    expected = sorted(
        {(s, a) for s, a in zip(labelled["scenario"], labelled["arm"], strict=True)},
        key=lambda sa: (scen.index(sa[0]), arm.index(sa[1])),
    )
    assert len(out) == 4 * len(expected)
    assert list(out[["scenario", "arm"]].drop_duplicates().itertuples(index=False)) == expected


def test_final_table_mean_interval_against_scipy() -> None:
    rng = np.random.default_rng(2)
    finals = pd.DataFrame({"scenario": np.repeat(["b", "a"], 9), "x": rng.normal(0, 1, 18)})
    table = final_table(finals, ["x"])
    assert table.index.tolist() == ["b", "a"]
    x = finals.loc[finals["scenario"] == "a", "x"].to_numpy()
    lo, hi = stats.t.interval(0.95, 8, loc=x.mean(), scale=stats.sem(x))
    row = table.loc["a"]
    assert (row["x_mean"], row["x_ci_low"], row["x_ci_high"]) == pytest.approx((x.mean(), lo, hi))
    assert row["n_runs"] == 9 and row["x_reached"] == 1.0
