"""Cubes put every run's value in its cell; NetCDF and CSV writes round-trip, atomically."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sim.analysis.export import finals_cube, runs_cube, to_csv, write_netcdf


def sweep_runs() -> pd.DataFrame:
    """Three scenarios × 2 points × 3 replicates × 5 quarters, one run missing."""
    grid = pd.MultiIndex.from_product(
        [["zeta", "alpha", "mid"], [0, 1], [0, 1, 2], range(5)],
        names=["scenario", "point", "replicate", "quarter"],
    ).to_frame(index=False)
    grid.insert(
        0, "run_key", grid["scenario"] + grid["point"].astype(str) + grid["replicate"].astype(str)
    )
    grid.insert(4, "seed", 100 + grid["replicate"])
    grid.insert(5, "seed_key", "7/" + grid["replicate"].astype(str))
    # a value that encodes its own position, so a misplaced cell cannot go unnoticed
    code = grid["scenario"].map({"zeta": 0, "alpha": 1, "mid": 2})
    grid["y"] = 1000.0 * code + 100 * grid["point"] + 10 * grid["replicate"] + grid["quarter"]
    grid["z"] = -grid["y"]
    grid.loc[grid["quarter"] == 4, "z"] = np.nan
    missing = (grid["scenario"] == "mid") & (grid["point"] == 1) & (grid["replicate"] == 2)
    return grid[~missing].sample(frac=1, random_state=0).reset_index(drop=True)


def test_runs_cube_shape_coords_and_every_cell() -> None:
    runs = sweep_runs()
    cube = runs_cube(runs)
    assert list(cube["metric"].values) == ["y", "z"]  # float metrics only, ids excluded
    assert dict(cube["value"].sizes) == {"metric": 2, "scenario": 3, "point": 2,
                                         "replicate": 3, "quarter": 5}  # fmt: skip
    assert cube["value"].dtype == np.float64
    assert list(cube["scenario"].values) == list(pd.unique(runs["scenario"]))
    assert list(cube["seed_key"].values) == ["7/0", "7/1", "7/2"]
    y = cube["value"].sel(metric="y")
    for row in runs.itertuples():
        cell = y.sel(scenario=row.scenario, point=row.point, replicate=row.replicate,
                     quarter=row.quarter)  # fmt: skip
        assert float(cell) == row.y
    assert np.isnan(y.sel(scenario="mid", point=1, replicate=2)).all()
    assert int(np.isnan(y).sum()) == 5
    assert cube.attrs["source"] and cube.attrs["description"]


def test_finals_cube_and_per_metric_view() -> None:
    finals = sweep_runs().query("quarter == 4").drop(columns="quarter")
    finals["decision.peer_weight"] = 0.1 * finals["point"]
    cube = finals_cube(finals, ["y", "decision.peer_weight"])
    assert cube["value"].dims == ("metric", "scenario", "point", "replicate")
    split = cube["value"].to_dataset("metric")
    assert float(split["y"].sel(scenario="alpha", point=1, replicate=2)) == 1124.0
    assert float(split["decision.peer_weight"].sel(scenario="zeta", point=1, replicate=0)) == 0.1


def test_netcdf_round_trip_strings_nan_and_attrs(tmp_path: Path) -> None:
    runs = sweep_runs()
    cube = runs_cube(runs)
    cube.attrs.update(design={"points": 2, "keys": ["a.b"]}, note=None, flag=True, n=3)
    cube["value"].attrs["units"] = "share"
    path = write_netcdf(cube, tmp_path / "deep" / "runs.nc")
    assert cube.attrs["design"] == {"points": 2, "keys": ["a.b"]}  # caller's copy untouched
    with xr.open_dataset(path, engine="h5netcdf") as back:
        back = back.load()
    xr.testing.assert_equal(back, cube)
    assert back["scenario"].values.tolist() == list(pd.unique(runs["scenario"]))
    assert back["seed_key"].values.tolist() == ["7/0", "7/1", "7/2"]
    assert int(np.isnan(back["value"]).sum()) == int(np.isnan(cube["value"]).sum())
    assert back.attrs["design"] == '{"points": 2, "keys": ["a.b"]}'
    assert back.attrs["note"] == "null" and back.attrs["flag"] == "true" and back.attrs["n"] == 3
    assert back["value"].attrs["units"] == "share"
    assert [p.name for p in path.parent.iterdir()] == ["runs.nc"]  # no temporaries left


def test_failed_write_keeps_previous_file(tmp_path: Path) -> None:
    path = to_csv(pd.DataFrame({"a": [1, 2]}), tmp_path / "t.csv")
    before = path.read_bytes()

    class Broken(pd.DataFrame):
        def to_csv(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            Path(str(args[0])).write_text("half")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        to_csv(Broken({"a": [3]}), path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["t.csv"]
    assert pd.read_csv(path)["a"].tolist() == [1, 2]


def test_unknown_metric_is_named() -> None:
    with pytest.raises(ValueError, match=r"\['nope'\] are not in the table"):
        runs_cube(sweep_runs(), ["y", "nope"])
