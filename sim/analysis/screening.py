"""From a Morris screening to the factors worth a Sobol' analysis.

Morris μ* ranks factors cheaply; Sobol' indices cost N·(2D+2) runs, so the usual
two-stage practice (Saltelli et al. 2008, ch. 3) keeps only factors whose μ* is a
noticeable share of the largest. The rule is explicit here so a notebook states it
rather than hand-picks factors.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.figures import require


def influential_factors(
    table: pd.DataFrame, output: str, share: float = 0.2, top: int | None = None
) -> list[str]:
    """Factors whose Morris μ* is at least ``share`` of the largest μ*, largest first.

    Args:
        table: :func:`sim.api.sensitivity` indices with ``method == "morris"``.
        output: The output whose ranking decides.
        share: Threshold as a share of the largest μ* (0: keep every factor).
        top: Keep at most this many (default: no limit).

    Raises:
        ValueError: No Morris rows for ``output``, or ``share`` outside [0, 1].
    """
    require(table, ["output", "method", "factor", "mu_star"], "influential_factors")
    if not 0 <= share <= 1:
        raise ValueError(f"influential_factors: share = {share!r}; expected a number in [0, 1]")
    rows = table[(table["output"] == output) & (table["method"] == "morris")]
    if rows.empty:
        present = sorted(set(table.loc[table["method"] == "morris", "output"]))
        raise ValueError(
            f"influential_factors: no Morris indices for output {output!r}; the table has {present}"
        )
    by_factor = rows.groupby("factor", sort=False)["mu_star"].mean()
    ranked = by_factor.sort_values(ascending=False, kind="stable")  # ties: design order
    kept = ranked[ranked >= share * ranked.iloc[0]].index.tolist()
    return kept if top is None else kept[:top]
