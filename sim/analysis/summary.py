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

ID_COLUMNS = ("scenario", "replicate", "seed", "seed_key", "quarter")
STATS = (("median", 0.5), ("p10", 0.1), ("p90", 0.9))


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


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Median, p10 and p90 of every metric by scenario × quarter, in wide form.

    Args:
        runs: The runner's table (one row per run × quarter).

    Returns:
        One row per (scenario, quarter) in scenario order of first appearance, with
        ``n_runs`` and columns ``<metric>_median``, ``<metric>_p10``, ``<metric>_p90``.
    """
    metrics = metric_columns(runs, exclude=(*ID_COLUMNS,))
    rows, blocks = [], []
    for (scenario, quarter), group in runs.groupby(["scenario", "quarter"], sort=False):
        band = _band(group[metrics].to_numpy(dtype=float))
        rows.append((scenario, int(quarter), len(group)))
        blocks.append(band.T.reshape(-1))  # metric-major: m1_median, m1_p10, m1_p90, m2_...
    names = [f"{m}_{s}" for m in metrics for s, _ in STATS]
    ids = pd.DataFrame(rows, columns=["scenario", "quarter", "n_runs"])
    ids["scenario"] = ids["scenario"].astype("str")
    values = pd.DataFrame(np.vstack(blocks), columns=names)
    out = pd.concat([ids, values], axis=1)
    order = {s: i for i, s in enumerate(runs["scenario"].unique())}
    key = out["scenario"].map(order) * (out["quarter"].max() + 1) + out["quarter"]
    return out.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def final_table(finals: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Median, p10, p90 of chosen per-run values, one row per scenario.

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
        band = _band(values)
        rec: dict[str, float | str | int] = {"scenario": scenario, "n_runs": len(group)}
        for j, m in enumerate(metrics):
            for i, (stat, _) in enumerate(STATS):
                rec[f"{m}_{stat}"] = band[i, j]
            rec[f"{m}_reached"] = float(np.mean(~np.isnan(values[:, j])))
        records.append(rec)
    return pd.DataFrame(records).set_index("scenario")
