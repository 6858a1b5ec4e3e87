"""Reduce replicates to median and p10/p90 bands, and to a final-value table.

Medians with a p10–p90 band (as Covasim's ``MultiSim`` reports) rather than means and
standard deviations, because adoption outcomes are bounded and often skewed: a few
replicates with a failed national platform would drag a mean and inflate a standard
deviation without describing any typical run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

ID_COLUMNS = ("scenario", "replicate", "seed", "seed_key", "quarter")
STATS = (("median", 0.5), ("p10", 0.1), ("p90", 0.9))
BATCH_CELLS = 1 << 21
STAT_NAMES = ("median", "p10", "p90", "mean", "ci_low", "ci_high")


def metric_columns(df: pd.DataFrame, exclude: Sequence[str] = ID_COLUMNS) -> list[str]:
    """Numeric output columns of a runs or finals table (identifiers excluded)."""
    return [c for c in df.columns if c not in exclude and pd.api.types.is_numeric_dtype(df[c])]


def _band(values: np.ndarray) -> np.ndarray:
    """(3, k) median, p10, p90 of each column, ignoring NaN (all-NaN gives NaN)."""
    out = np.full((len(STATS), values.shape[1]), np.nan)
    ok = ~np.all(np.isnan(values), axis=0)
    if ok.any():
        qs = [q for _, q in STATS]
        out[:, ok] = np.nanquantile(values[:, ok], qs, axis=0)
    return out


def mean_ci(values: np.ndarray, conf: float = 0.95) -> np.ndarray:
    """(3, k) mean and Student-t CI bounds of each column, ignoring NaN.

    One value gives a NaN interval: a single run says nothing about its own spread.
    """
    n = np.sum(~np.isnan(values), axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(values, axis=0) / n
        sq = np.nansum((values - mean) ** 2, axis=0)
        sd = np.sqrt(sq / (n - 1))
        half = stats.t.ppf(0.5 + conf / 2, n - 1) * sd / np.sqrt(n)
    half = np.where(n > 1, half, np.nan)
    return np.vstack([mean, mean - half, mean + half])


def summarise(
    runs: pd.DataFrame, by: Sequence[str] = ("scenario",), metrics: Sequence[str] | None = None
) -> pd.DataFrame:
    """Median, p10, p90, mean and its 95 % CI of every metric by group × quarter.

    Args:
        runs: The runner's table (one row per run × quarter).
        by: Grouping columns before ``quarter``: ``("scenario",)`` pools a sweep's
            design points; ``("scenario", "point")`` keeps them apart.
        metrics: Columns to reduce; default every numeric non-identifier column.

    Returns:
        One row per (group, quarter) in order of first appearance, with ``n_runs`` and
        per metric ``_median``, ``_p10``, ``_p90``, ``_mean``, ``_ci_low``, ``_ci_high``.
    """
    by = list(by)
    if metrics is None:
        metrics = metric_columns(runs, exclude=(*ID_COLUMNS, "point", "run_key", *by))
    keys = [*by, "quarter"]
    # Sort positions, not the frame: at 10^7 rows a copy of the table costs more
    # memory than everything else here; contiguous blocks then reduce per group.
    arrays = [_rank(runs[k]) for k in keys]
    order = np.lexsort(arrays[::-1])
    change = np.zeros(len(order), dtype=bool)
    if len(order):
        change[0] = True
    for a in arrays:
        sorted_a = a[order]
        change[1:] |= sorted_a[1:] != sorted_a[:-1]
    starts = np.flatnonzero(change)
    ends = np.r_[starts[1:], len(order)].astype(np.int64)
    first = order[starts]
    # iloc, not to_numpy: a Categorical scenario column would materialise every name
    ids = pd.DataFrame({k: runs[k].iloc[first].to_numpy() for k in keys})
    ids.insert(len(keys), "n_runs", ends - starts)
    columns = {}
    for m in metrics:
        stats_ = _block_stats(runs[m].to_numpy(dtype=float)[order], starts, ends)
        for j, name in enumerate(STAT_NAMES):
            columns[f"{m}_{name}"] = stats_[:, j]
    out = pd.concat([ids, pd.DataFrame(columns, index=ids.index)], axis=1)
    if "scenario" in out.columns:
        out["scenario"] = out["scenario"].astype("str")
    return out


def _block_stats(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(groups, 6) statistics of contiguous blocks, vectorised over blocks of equal size.

    Blocks of one size stack into a (blocks, size) matrix, so a sweep's ragged groups
    (a batch still running) cost one pass per distinct size, not one per group; batches
    of ~2 M cells bound the temporaries at 10^5 runs.
    """
    sizes = ends - starts
    out = np.full((len(sizes), len(STAT_NAMES)), np.nan)
    for size in np.unique(sizes):
        groups = np.flatnonzero(sizes == size)
        step = max(1, BATCH_CELLS // int(size))
        for i in range(0, len(groups), step):
            g = groups[i : i + step]
            out[g] = _row_stats(values[starts[g, None] + np.arange(size)])
    return out


def _row_stats(rows: np.ndarray) -> np.ndarray:
    """(k, 6) median, p10, p90, mean and CI bounds of each row, ignoring NaN."""
    rows = np.sort(rows, axis=1)  # NaN sort last, so the valid values lead each row
    n = np.sum(~np.isnan(rows), axis=1)
    last = np.maximum(n - 1, 0)
    index = np.arange(len(rows))
    bands = []
    for _, q in STATS:  # numpy's default ("linear") quantile on each row's valid values
        pos = q * last
        lo = np.floor(pos).astype(np.int64)
        a, b = rows[index, lo], rows[index, np.minimum(lo + 1, last)]
        bands.append(np.where(n > 0, a + (b - a) * (pos - lo), np.nan))
    return np.column_stack([*bands, *mean_ci(rows.T)])


def _rank(column: pd.Series) -> np.ndarray:
    """Sort key of a grouping column: numbers as they are, labels by first appearance.

    Factorising keeps scenarios in experiment order (not alphabetical) and lets
    ``lexsort`` handle string and Categorical columns.
    """
    if pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype):
        return column.to_numpy()
    codes, _ = pd.factorize(column, sort=False)
    return codes


def final_table(finals: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Median, p10, p90, mean and 95 % CI of chosen per-run values, one row per scenario.

    Args:
        finals: Per-run summaries (:func:`sim.experiments.runner.run_summaries`).
        metrics: Columns of ``finals`` to reduce (final values or ``t50_...`` times).

    Returns:
        Index ``scenario`` (in order of appearance); columns ``<metric>_<stat>`` and
        ``n_runs``. Times that were never reached are NaN and ignored by the median,
        so ``<metric>_reached`` gives the share of runs that did reach them.
    """
    records = []
    for scenario, group in finals.groupby("scenario", sort=False):
        values = group[list(metrics)].to_numpy(dtype=float)
        band = np.vstack([_band(values), mean_ci(values)])
        rec: dict[str, float | str | int] = {"scenario": scenario, "n_runs": len(group)}
        for j, m in enumerate(metrics):
            for i, stat in enumerate(STAT_NAMES):
                rec[f"{m}_{stat}"] = band[i, j]
            rec[f"{m}_reached"] = float(np.mean(~np.isnan(values[:, j])))
        records.append(rec)
    return pd.DataFrame(records).set_index("scenario")
