"""Exports for people who work elsewhere: CSV tables and xarray/NetCDF cubes.

The cubes have the experiment's natural dimensions, ``(scenario, point, replicate,
quarter)`` for the quarterly series and ``(scenario, point, replicate)`` for final
values, so ``ds.value.sel(metric="adoption_mun", scenario="funded_mandate")
.median("replicate")`` is a one-liner; cells of runs that have not finished (or failed)
are NaN. The metrics are stacked along a ``metric`` dimension of one ``value`` variable
rather than one variable each: h5netcdf writes and reads a variable in ~10 ms, so sixty
metrics as sixty variables take ~20 times longer to write or open;
``ds.value.to_dataset("metric")`` gives one variable per metric. Every write is atomic:
a reader never sees half a file under the final name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from sim.experiments.outputs import write_atomic

RUN_DIMS = ("scenario", "point", "replicate")
ID_COLUMNS = ("run_key", "scenario", "point", "replicate", "seed", "seed_key", "quarter")


def to_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV (no index), atomically."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False))


def _float_columns(frame: pd.DataFrame, metrics: Sequence[str] | None) -> list[str]:
    if metrics is not None:
        missing = [m for m in metrics if m not in frame.columns]
        if missing:
            raise ValueError(
                f"columns {missing} are not in the table; it has {list(frame.columns)}"
            )
        return list(metrics)
    return [
        c for c in frame.columns if c not in ID_COLUMNS and pd.api.types.is_float_dtype(frame[c])
    ]


def _codes(frame: pd.DataFrame, dims: Sequence[str]) -> tuple[list[np.ndarray], dict[str, Any]]:
    """Integer position of every row along each dimension, and the coordinate values."""
    positions, coords = [], {}
    for dim in dims:
        if dim == "scenario":
            codes, uniques = pd.factorize(frame[dim], sort=False)
            coords[dim] = np.asarray(uniques, dtype=str)
        else:
            values = frame[dim].to_numpy(dtype=np.int64)
            uniques = np.unique(values)
            codes = np.searchsorted(uniques, values)
            coords[dim] = uniques
        positions.append(np.asarray(codes, dtype=np.int64))
    return positions, coords


def _cube(frame: pd.DataFrame, dims: Sequence[str], metrics: list[str]) -> xr.Dataset:
    """One ``value`` variable over (metric, *dims): one HDF5 dataset, not one per metric.

    Sixty-odd metrics as separate NetCDF variables take seconds to write through
    h5netcdf; one stacked variable takes milliseconds. ``ds.value.to_dataset("metric")``
    gives the per-metric form back.
    """
    positions, coords = _codes(frame, dims)
    shape = tuple(len(coords[d]) for d in dims)
    values = np.full((len(metrics), *shape), np.nan)
    flat = np.ravel_multi_index(tuple(positions), shape)
    block = frame[metrics].to_numpy(dtype=float).T  # (metrics, rows)
    values.reshape(len(metrics), -1)[:, flat] = block
    ds = xr.Dataset({"value": (("metric", *dims), values)}, coords={"metric": metrics, **coords})
    if "seed_key" in frame.columns:
        axis = list(dims).index("replicate")
        keys = np.full(shape[axis], "", dtype=object)
        keys[positions[axis]] = frame["seed_key"].astype(str).to_numpy()
        ds = ds.assign_coords(seed_key=("replicate", keys.astype(str)))
    ds.attrs["source"] = "egov-sim results store"
    ds.attrs["layout"] = (
        'one variable "value" over (metric, ...); value.to_dataset("metric") splits it'
    )
    return ds


def runs_cube(runs: pd.DataFrame, metrics: Sequence[str] | None = None) -> xr.Dataset:
    """Quarterly metrics as a (scenario, point, replicate, quarter) dataset."""
    ds = _cube(runs, (*RUN_DIMS, "quarter"), _float_columns(runs, metrics))
    ds.attrs["description"] = "metric value at the end of each quarter, per run"
    return ds


def finals_cube(finals: pd.DataFrame, metrics: Sequence[str] | None = None) -> xr.Dataset:
    """Final values and times to 50 %/90 % as a (scenario, point, replicate) dataset."""
    ds = _cube(finals, RUN_DIMS, _float_columns(finals, metrics))
    ds.attrs["description"] = "final values (and t50/t90 quarters, NaN if never) per run"
    return ds


def _netcdf_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """Attributes NetCDF can store: numbers and strings as they are, the rest as JSON.

    Dicts, None, bools and lists go in as JSON text, so nothing in a cube's provenance
    stops it from being written.
    """
    out = {}
    for key, value in attrs.items():
        plain = isinstance(value, str | int | float | np.number)
        if plain and not isinstance(value, bool | np.bool_):
            out[key] = value
        else:
            out[key] = json.dumps(value, default=str)
    return out


def write_netcdf(ds: xr.Dataset, path: str | Path) -> Path:
    """Write ``ds`` as NetCDF4 (h5netcdf), atomically; string coordinates round-trip."""
    ds = ds.copy()
    ds.attrs = _netcdf_attrs(dict(ds.attrs))
    for name in ds.variables:
        ds[name].attrs = _netcdf_attrs(dict(ds[name].attrs))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))
