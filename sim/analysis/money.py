"""Who pays and who harvests: spending and benefit by level of government.

"Sow here, harvest there" (OECD 2009) is a statement about levels: municipalities pay
for shared blocks whose benefits fall partly on central agencies. The model books
every euro by level (cumulative ``spend_<level>`` and ``benefit_<level>`` outputs);
this module turns a finals table into the per-level view a policy reader asks for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.figures import require
from sim.model.metrics import LEVELS

DPI = 100
EUR_M = 1e6


def money_by_level(finals: pd.DataFrame) -> pd.DataFrame:
    """Median, p10 and p90 over runs of cumulative spending and benefit, per scenario × level.

    Args:
        finals: One row per run with ``scenario``, ``spend_<level>`` and ``benefit_<level>``.

    Returns:
        Rows (scenario, level) in scenario order, columns ``spend_median``,
        ``spend_p10``, ``spend_p90``, ``benefit_median``, ``benefit_p10``,
        ``benefit_p90`` (EUR million) and ``benefit_per_euro`` (median over runs of
        each run's benefit / spending; NaN where a level spent nothing).

    Raises:
        ValueError: A required column is missing.
    """
    cols = [f"{kind}_{lv}" for lv in LEVELS for kind in ("spend", "benefit")]
    require(finals, ["scenario", *cols], "money_by_level")
    rows = []
    for scenario, g in finals.groupby("scenario", sort=False, observed=True):
        for lv in LEVELS:
            spend = g[f"spend_{lv}"].to_numpy(dtype=float) / EUR_M
            benefit = g[f"benefit_{lv}"].to_numpy(dtype=float) / EUR_M
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(spend > 0, benefit / spend, np.nan)
            rec = {"scenario": str(scenario), "level": lv}
            for name, v in (("spend", spend), ("benefit", benefit)):
                rec.update(zip((f"{name}_median", f"{name}_p10", f"{name}_p90"),
                               np.quantile(v, [0.5, 0.1, 0.9]), strict=True))  # fmt: skip
            rec["benefit_per_euro"] = (
                float(np.nanmedian(ratio)) if np.isfinite(ratio).any() else np.nan
            )
            rows.append(rec)
    return pd.DataFrame(rows).set_index(["scenario", "level"])


def money_figure(table: pd.DataFrame, title: str | None = None) -> Figure:
    """Spending and benefit bars per level, one panel per scenario, p10–p90 whiskers.

    Args:
        table: :func:`money_by_level` output.
        title: Figure title.
    """
    require(table.reset_index(), ["scenario", "level", "spend_median", "benefit_median"],
            "money_figure")  # fmt: skip
    scenarios = list(pd.unique(table.index.get_level_values("scenario")))
    ncols = min(len(scenarios), 3)
    nrows = -(-len(scenarios) // ncols)
    fig = Figure(figsize=(4.2 * ncols, 3.2 * nrows), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    x = np.arange(len(LEVELS))
    for ax, scenario in zip(axes, scenarios, strict=False):
        t = table.loc[scenario].reindex(list(LEVELS))
        for k, (kind, colour) in enumerate((("spend", "C3"), ("benefit", "C2"))):
            med = t[f"{kind}_median"].to_numpy(dtype=float)
            err = np.abs(np.vstack([med - t[f"{kind}_p10"], t[f"{kind}_p90"] - med]))
            ax.bar(x + (k - 0.5) * 0.38, med, 0.38, yerr=err, color=colour, capsize=3,
                   label="spending" if kind == "spend" else "benefit")  # fmt: skip
        ax.set_xticks(x, list(LEVELS))
        ax.set(title=str(scenario), ylabel="EUR million (cumulative)")
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(scenarios) :]:
        ax.set_visible(False)
    axes[0].legend(frameon=False)
    fig.suptitle(title or "Who pays and who harvests (median over runs, p10–p90 whiskers)")
    return fig
