"""Morris and Sobol' sensitivity indices of a finished design, through SALib.

The design's points were drawn by SALib's own samplers in unit space
(:mod:`sim.experiments.design`), so the model output of point ``i`` is row ``i`` of
the sample SALib expects; replicates of a point (common random numbers across points)
are averaged first, which removes most of the model's stochastic noise from the
indices instead of attributing it to the factors.

Times to 50 % / 90 % adoption are missing in runs that never got there; they are
right-censored at the run's horizon (its number of quarters), the usual convention
for a time-to-event output in a variance decomposition, and the share censored is
reported alongside the indices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.experiments.design import Design

MORRIS_COLUMNS = ("mu", "mu_star", "sigma", "mu_star_conf")
SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")


def point_means(
    finals: pd.DataFrame, output: str, n_points: int, scenario: str | None = None
) -> tuple[np.ndarray, float]:
    """Mean of ``output`` over replicates at each design point, in point order.

    Args:
        finals: Per-run finals with ``point`` and ``output`` columns.
        output: The column to analyse.
        n_points: Points in the design (every one must have at least one run).
        scenario: Restrict to this base scenario (a design may have several).

    Returns:
        The (n_points,) means and the share of runs whose time output was censored.

    Raises:
        ValueError: the column is missing, or some points have no finished run.
    """
    if output not in finals.columns:
        raise ValueError(f"output {output!r} is not a column of the finals table")
    rows = finals if scenario is None else finals[finals["scenario"] == scenario]
    values = rows[output].to_numpy(dtype=float)
    missing = np.isnan(values)
    censored = float(missing.mean()) if len(values) else 0.0
    if missing.any() and output.startswith(("t50_", "t90_")):
        values = np.where(missing, rows["quarters"].to_numpy(dtype=float), values)
    elif missing.any():
        raise ValueError(f"output {output!r} is missing (NaN) in {int(missing.sum())} runs")
    points = rows["point"].to_numpy(dtype=np.int64)
    counts = np.bincount(points, minlength=n_points)[:n_points]
    if (counts == 0).any():
        absent = np.flatnonzero(counts == 0)
        shown = ", ".join(str(p) for p in absent[:10])
        raise ValueError(
            f"{len(absent)} of {n_points} design points have no finished run (points {shown}"
            f"{', ...' if len(absent) > 10 else ''}); re-run the command to finish the batch"
        )
    sums = np.bincount(points, weights=values, minlength=n_points)[:n_points]
    return sums / counts, censored


def morris_indices(design: Design, y: np.ndarray) -> pd.DataFrame:
    """μ, μ*, σ and the bootstrap CI half-width of μ* per factor (Morris 1991, Campolongo 2007)."""
    from SALib.analyze import morris

    res = morris.analyze(
        design.problem(), design.unit_samples, y, num_resamples=design.resamples,
        conf_level=design.conf_level, num_levels=design.levels, seed=design.sampler_seed,
    )  # fmt: skip
    table = pd.DataFrame({c: np.asarray(res[c], dtype=float) for c in MORRIS_COLUMNS})
    table.index = pd.Index(design.names, name="factor")
    return table


def sobol_indices(design: Design, y: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First-order and total indices with CIs, and second-order pairs (Saltelli 2010).

    Returns:
        (per factor: S1, S1_conf, ST, ST_conf; per pair: factor_a, factor_b, S2, S2_conf,
        empty when the design was drawn without second-order rows).
    """
    from SALib.analyze import sobol

    res = sobol.analyze(
        design.problem(), y, calc_second_order=design.second_order,
        num_resamples=design.resamples, conf_level=design.conf_level, seed=design.sampler_seed,
    )  # fmt: skip
    table = pd.DataFrame({c: np.asarray(res[c], dtype=float) for c in SOBOL_COLUMNS})
    table.index = pd.Index(design.names, name="factor")
    pairs = []
    if design.second_order:
        names = design.names
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                pairs.append((names[i], names[j], res["S2"][i, j], res["S2_conf"][i, j]))
    s2 = pd.DataFrame(pairs, columns=["factor_a", "factor_b", "S2", "S2_conf"])
    return table, s2


def sensitivity_table(design: Design, finals: pd.DataFrame, output: str) -> pd.DataFrame:
    """Indices of one output for every base scenario of the design.

    Returns:
        One row per scenario × factor: ``scenario, factor`` then the Morris or Sobol
        columns, ``n_points``, ``reps`` (mean runs per point), ``censored`` (share of
        runs whose time output never reached the threshold) and, for Sobol with
        second-order rows, nothing more: pairs come from :func:`second_order_table`.
    """
    if design.method not in ("morris", "sobol"):
        raise ValueError(
            f"method {design.method!r} has no sensitivity indices; expected morris or sobol"
        )
    n_points = design.expected_points()
    tables = []
    for scenario in pd.unique(finals["scenario"]):
        y, censored = point_means(finals, output, n_points, str(scenario))
        if design.method == "morris":
            table = morris_indices(design, y)
        else:
            table, _ = sobol_indices(design, y)
        table = table.reset_index()
        table.insert(0, "scenario", str(scenario))
        table["n_points"] = n_points
        table["reps"] = int((finals["scenario"] == scenario).sum()) / n_points
        table["censored"] = censored
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def second_order_table(design: Design, finals: pd.DataFrame, output: str) -> pd.DataFrame:
    """Sobol' second-order indices S2 of one output per scenario × factor pair."""
    n_points = design.expected_points()
    tables = []
    for scenario in pd.unique(finals["scenario"]):
        y, _ = point_means(finals, output, n_points, str(scenario))
        _, s2 = sobol_indices(design, y)
        s2.insert(0, "scenario", str(scenario))
        tables.append(s2)
    return pd.concat(tables, ignore_index=True)
