"""Summaries with mean CIs, and CSV/NetCDF exports that round-trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats

from sim.analysis.export import finals_cube, runs_cube, to_csv, write_netcdf
from sim.analysis.summary import final_table, summarise


def runs(reps: int = 6, quarters: int = 3, points: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(4)
    rows = []
    for s in ("b", "a"):  # not alphabetical: output keeps first-appearance order
        for p in range(points):
            for r in range(reps):
                for q in range(quarters):
                    rows.append({"scenario": s, "point": p, "replicate": r, "seed_key": f"9/{r}",
                                 "quarter": q, "y": rng.normal(q, 1), "z": float(r)})  # fmt: skip
    return pd.DataFrame(rows)


def test_summary_statistics_match_numpy_and_scipy() -> None:
    frame = runs()
    out = summarise(frame)
    assert out["scenario"].tolist()[:3] == ["b", "b", "b"] and len(out) == 6
    row = out.iloc[4]  # scenario a, quarter 1
    y = frame[(frame["scenario"] == "a") & (frame["quarter"] == 1)]["y"].to_numpy()
    assert row["n_runs"] == 12 and row["y_median"] == pytest.approx(np.median(y))
    assert row["y_p10"] == pytest.approx(np.quantile(y, 0.1))
    lo, hi = stats.t.interval(0.95, len(y) - 1, loc=y.mean(), scale=stats.sem(y))
    assert (row["y_mean"], row["y_ci_low"], row["y_ci_high"]) == pytest.approx((y.mean(), lo, hi))
    cols = [c for c in out.columns if c.startswith("y_")]
    assert cols == ["y_median", "y_p10", "y_p90", "y_mean", "y_ci_low", "y_ci_high"]


def test_summary_by_point_and_unequal_groups() -> None:
    frame = runs()
    by_point = summarise(frame, by=("scenario", "point"))
    assert len(by_point) == 2 * 2 * 3 and (by_point["n_runs"] == 6).all()
    ragged = frame.drop(index=frame.index[:3])  # one run fewer in the first group
    assert summarise(ragged)["n_runs"].tolist()[:3] == [11, 11, 11]


def test_final_table_has_means_and_nan_times() -> None:
    finals = pd.DataFrame({"scenario": ["s"] * 3, "t": [1.0, np.nan, 3.0], "x": [1.0, 1.0, 1.0]})
    t = final_table(finals, ["t", "x"]).loc["s"]
    assert t["t_median"] == 2.0 and t["t_reached"] == pytest.approx(2 / 3)
    assert t["x_mean"] == 1.0 and t["x_ci_low"] == 1.0


def test_netcdf_round_trip(tmp_path: Path) -> None:
    frame = runs()
    frame.loc[5, "y"] = np.nan
    cube = runs_cube(frame, ["y", "z"])
    assert cube["value"].dims == ("metric", "scenario", "point", "replicate", "quarter")
    assert list(cube["scenario"].values) == ["b", "a"]
    hit = frame.iloc[40]
    cell = cube["value"].sel(metric="y", scenario=hit["scenario"], point=hit["point"],
                             replicate=hit["replicate"], quarter=hit["quarter"])  # fmt: skip
    assert float(cell) == hit["y"]
    write_netcdf(cube, tmp_path / "c.nc")
    back = xr.open_dataset(tmp_path / "c.nc", engine="h5netcdf")
    xr.testing.assert_identical(back.load(), cube)
    assert list(back["seed_key"].values) == [f"9/{r}" for r in range(6)]


def test_finals_cube_fills_missing_runs_with_nan() -> None:
    finals = pd.DataFrame({"scenario": ["a", "a", "b"], "point": 0, "replicate": [0, 1, 0],
                           "y": [1.0, 2.0, 3.0]})  # fmt: skip
    cube = finals_cube(finals)
    assert np.isnan(float(cube["value"].sel(metric="y", scenario="b", point=0, replicate=1)))
    with pytest.raises(ValueError, match=r"columns \['nope'\] are not in the table"):
        finals_cube(finals, ["nope"])


def test_csv_is_written_whole(tmp_path: Path) -> None:
    frame = runs()
    path = to_csv(frame, tmp_path / "sub" / "t.csv")
    assert pd.read_csv(path).shape == frame.shape
    assert not list((tmp_path / "sub").glob("*.tmp*"))
