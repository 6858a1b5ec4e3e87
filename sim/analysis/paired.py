"""Paired differences between scenarios, from common random numbers.

Replicate ``r`` runs with the same seed in every scenario (and at every design point),
so the noise both runs share cancels in their difference: the confidence interval of
a mean *paired* difference is far narrower than the difference of two means would
give with the same runs (the point of common random numbers; Law 2015, §11.2).

Pairs are matched on ``(point, replicate)``; with several design points, the result
pools the pairs of all points (the mean effect over the design). A pair where either
value is missing (a time to 50 % that was never reached) is dropped and ``n_pairs``
says how many remain.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

PAIR_KEYS = ("point", "replicate")
NOT_METRICS = ("run_key", "scenario", "point", "replicate", "seed", "seed_key", "quarter")
COLUMNS = (
    "scenario", "metric", "n_pairs", "mean_diff", "sd_diff", "ci_low", "ci_high",
    "median_diff", "share_positive", "p_value",
)  # fmt: skip


def _check(frame: pd.DataFrame, baseline: str, metrics: Sequence[str]) -> None:
    """Fail early with the names a user can pick from, not a KeyError deep in a join."""
    present = list(pd.unique(frame["scenario"]))
    if baseline not in present:
        raise ValueError(
            f"baseline {baseline!r} is not a scenario of the results; expected one of {present}"
        )
    numeric = [
        c for c in frame.columns if c not in NOT_METRICS and pd.api.types.is_numeric_dtype(frame[c])
    ]
    for m in metrics:
        if m not in frame.columns:
            raise ValueError(
                f"metric {m!r} is not a column of the results; expected one of {numeric}"
            )


def mean_ci(diff: np.ndarray, conf: float = 0.95) -> tuple[float, float, float, float, float]:
    """Mean, sd, Student-t CI and two-sided p-value of paired differences (NaN-free input).

    A zero-variance difference has a degenerate CI at its mean (and p = 1 when the mean
    is 0, p = 0 otherwise): exact, and better than the NaN scipy would give.
    """
    n = len(diff)
    if n == 0:
        return (np.nan,) * 5  # type: ignore[return-value]
    mean = float(diff.mean())
    if n < 2:
        return mean, np.nan, np.nan, np.nan, np.nan
    sd = float(diff.std(ddof=1))
    if sd == 0:
        return mean, 0.0, mean, mean, 1.0 if mean == 0 else 0.0
    half = stats.t.ppf(0.5 + conf / 2, n - 1) * sd / np.sqrt(n)
    p = 2 * stats.t.sf(abs(mean) / (sd / np.sqrt(n)), n - 1)
    return mean, sd, mean - half, mean + half, float(p)


def paired_differences(
    finals: pd.DataFrame, baseline: str, metrics: Sequence[str], conf: float = 0.95
) -> pd.DataFrame:
    """Mean paired difference (scenario − baseline) of final values, with a t CI.

    Args:
        finals: One row per run with ``scenario``, ``point``, ``replicate`` and metrics.
        baseline: The scenario every other one is compared with.
        metrics: Columns to compare.
        conf: Confidence level of the intervals.

    Returns:
        One row per scenario (order of first appearance, baseline left out) × metric,
        columns :data:`COLUMNS`. With several design points the pairs of all points
        are pooled: the row is the mean effect over the design, not one point's.

    Raises:
        ValueError: ``baseline`` is not a scenario, or a metric is not a column.
    """
    _check(finals, baseline, metrics)
    base = finals[finals["scenario"] == baseline].set_index(list(PAIR_KEYS))[list(metrics)]
    rows = []
    for scenario in pd.unique(finals["scenario"]):
        if scenario == baseline:
            continue
        other = finals[finals["scenario"] == scenario].set_index(list(PAIR_KEYS))[list(metrics)]
        joined = other.join(base.add_suffix("__base"), how="inner")
        for m in metrics:
            diff = (joined[m] - joined[f"{m}__base"]).to_numpy(dtype=float)
            diff = diff[~np.isnan(diff)]
            mean, sd, lo, hi, p = mean_ci(diff, conf)
            median = float(np.median(diff)) if len(diff) else np.nan
            share = float((diff > 0).mean()) if len(diff) else np.nan
            rows.append((scenario, m, len(diff), mean, sd, lo, hi, median, share, p))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def paired_series(
    runs: pd.DataFrame, baseline: str, metric: str, conf: float = 0.95
) -> pd.DataFrame:
    """Mean paired difference of ``metric`` per scenario × quarter, with a t CI.

    Vectorised over runs: rows are aligned on (point, replicate, quarter) by one merge
    and reduced per group by pandas' grouped mean and (Welford) standard deviation.
    Design points are pooled as in :func:`paired_differences`.

    Returns:
        Columns ``scenario, quarter, n_pairs, mean_diff, ci_low, ci_high``, scenarios
        in order of first appearance (baseline left out), quarters ascending.
    """
    _check(runs, baseline, [metric])
    keys = [*PAIR_KEYS, "quarter"]
    is_base = (runs["scenario"] == baseline).to_numpy()
    base = runs.loc[is_base, [*keys, metric]]
    others = runs.loc[~is_base, ["scenario", *keys, metric]]
    joined = others.merge(base, on=keys, suffixes=("", "__base"))
    joined["d"] = joined[metric] - joined[f"{metric}__base"]
    joined = joined.dropna(subset=["d"])
    grouped = joined.groupby(["scenario", "quarter"], sort=False, observed=True)["d"]
    agg = grouped.agg(["size", "mean", "std"]).reset_index()
    n = agg["size"].to_numpy(dtype=float)
    sd = agg["std"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + conf / 2, n - 1) * sd / np.sqrt(n)
    half = np.where(sd == 0, 0.0, half)  # identical differences: exact, not NaN
    mean = agg["mean"].to_numpy(dtype=float)
    out = pd.DataFrame({"scenario": agg["scenario"].astype(str), "quarter": agg["quarter"]})
    out["n_pairs"] = agg["size"].astype(np.int64)
    out["mean_diff"], out["ci_low"], out["ci_high"] = mean, mean - half, mean + half
    rank = {str(s): i for i, s in enumerate(pd.unique(runs["scenario"]))}
    order = np.lexsort((out["quarter"].to_numpy(), out["scenario"].map(rank).to_numpy()))
    return out.iloc[order].reset_index(drop=True)
