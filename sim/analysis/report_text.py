"""The Markdown summary of a results folder: what ran, what came out, how to reproduce it.

Written for a reader who did not run the batch: every number carries its spread or
its confidence interval and says how many runs it rests on, and the top of the file
says how to get exactly the same numbers again.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.summary import final_table

if TYPE_CHECKING:
    from sim.experiments.store import ResultsStore

LABELS = {
    "adoption_mun": "adoption (municipalities)",
    "adoption_pop": "adoption (population)",
    "fragmentation": "fragmentation",
    "trust_mc": "trust municipal→central",
    "t50_adoption_mun": "t50 (quarter)",
}
FIGURE_CAPTIONS = {
    "adoption": "Median and p10–p90 band over replicates (dashed: mean with 95% CI)",
    "blocks": "Municipal adoption per building block",
    "finals": "Final-state distributions per scenario",
    "paired": "Paired differences against the baseline (mean, 95% CI)",
    "sensitivity": "Sensitivity indices with confidence intervals",
    "map": "Final adoption per municipality (median over replicates)",
}
MAX_POINT_ROWS = 20


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def report_markdown(store: ResultsStore, tables: dict[str, Any]) -> str:
    """The whole ``report.md`` text."""
    m = store.manifest
    exp = m.get("experiment", {})
    title = exp.get("name") or exp.get("kind", "experiment")
    lines = [f"# {title}: {', '.join(store.scenario_order)}", ""]
    lines += _provenance(m) + [""]
    lines += _finals(tables["finals"]) + [""]
    if "paired" in tables:
        lines += _paired(tables["paired"], tables["baseline"]) + [""]
    if "points" in tables:
        lines += _points(tables["points"]) + [""]
    if "sensitivity" in tables:
        lines += _sensitivity(tables["sensitivity"]) + [""]
    lines += _figures(tables.get("figures", [])) + [""]
    lines += _files(tables)
    return "\n".join(lines) + "\n"


def _provenance(m: dict[str, Any]) -> list[str]:
    exp, runs, git = m.get("experiment", {}), m.get("runs", {}), m.get("git", {})
    state = "complete" if m.get("complete") else "INCOMPLETE (re-run the command to resume)"
    design = exp.get("design") or {}
    lines = [
        f"- **Experiment**: {exp.get('kind', '?')}"
        + (f", design `{design.get('method')}` from `{design.get('file')}`" if design else ""),
        f"- **Runs**: {runs.get('ok', 0)} finished, {runs.get('failed', 0)} failed, "
        f"{runs.get('pending', 0)} pending of {runs.get('total', 0)}: {state}",
        f"- **Design**: {exp.get('n_points', 1)} point(s) × {exp.get('reps', '?')} replicates; "
        f"root seed {exp.get('root_seed', '?')} (common random numbers across scenarios)",
        f"- **Code**: egov-sim {m.get('versions', {}).get('egov-sim', '?')}, git "
        f"{str(git.get('commit', '?'))[:12]}{' (dirty)' if git.get('dirty') else ''}, "
        f"Python {m.get('python', '?')}, mesa {m.get('versions', {}).get('mesa', '?')}",
    ]
    if m.get("command"):
        lines.append(f"- **Reproduce**: `{shlex.join(m['command'])}`")
    return ["## Provenance", "", *lines]


def _cell(rec: pd.Series, metric: str) -> str:
    med = rec[f"{metric}_median"]
    if metric.startswith(("t50_", "t90_")):
        reached = rec[f"{metric}_reached"]
        if reached == 0:
            return "never"
        return f"{med:.0f}" + ("" if reached == 1 else f" ({reached:.0%} reached)")
    return f"{med:.3f} [{rec[f'{metric}_p10']:.3f}–{rec[f'{metric}_p90']:.3f}]"


def _finals(finals: pd.DataFrame) -> list[str]:
    metrics = [m for m in LABELS if m in finals.columns]
    table = final_table(finals, metrics)
    rows = [
        [str(s), str(int(rec["n_runs"])), *(_cell(rec, m) for m in metrics)]
        for s, rec in table.iterrows()
    ]
    header = ["scenario", "runs", *(LABELS[m] for m in metrics)]
    note = "Final quarter, median [p10–p90] over all runs of each scenario; t50 = first "
    note += "quarter with at least half of the municipalities adopting (median over runs)."
    return ["## Final state", "", *markdown_table(header, rows), "", note]


def _paired(paired: pd.DataFrame, baseline: str) -> list[str]:
    metrics = [m for m in LABELS if m in set(paired["metric"])]
    rows = []
    for scenario, group in paired.groupby("scenario", sort=False):
        by = group.set_index("metric")
        cells = []
        for m in metrics:
            r = by.loc[m]
            if r["n_pairs"] == 0 or np.isnan(r["mean_diff"]):
                cells.append("n/a (never reached)" if m.startswith("t") else "n/a")
            elif np.isnan(r["ci_low"]):
                cells.append(f"{r['mean_diff']:+.3f} (one pair)")
            else:
                cells.append(f"{r['mean_diff']:+.3f} [{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]")
        rows.append([str(scenario), str(int(by["n_pairs"].max())), *cells])
    header = ["scenario", "pairs", *(LABELS[m] for m in metrics)]
    note = (
        f"Mean paired difference against **{baseline}** with its 95% CI; runs are paired "
        "by replicate (same seed), so the intervals exclude the noise both runs share."
    )
    return [f"## Differences from {baseline}", "", *markdown_table(header, rows), "", note]


def _points(points: pd.DataFrame) -> list[str]:
    shown = points.head(MAX_POINT_ROWS)
    rows = [[_fmt(v) for v in rec] for rec in shown.itertuples(index=False)]
    more = len(points) - len(shown)
    tail = [f"... {more} more rows in `points.csv`."] if more > 0 else []
    return ["## Design points", "", *markdown_table(list(points.columns), rows), "", *tail]


def _sensitivity(sens: pd.DataFrame) -> list[str]:
    method = str(sens["method"].iloc[0])
    cols = (
        ["mu_star", "mu_star_conf", "sigma"]
        if method == "morris"
        else ["S1", "S1_conf", "ST", "ST_conf"]
    )
    key = cols[0] if method == "morris" else "ST"
    lines = [f"## Sensitivity ({method})", ""]
    for (output, scenario), group in sens.groupby(["output", "scenario"], sort=False):
        group = group.sort_values(key, ascending=False)
        rows = [[str(r["factor"]), *(_fmt(r[c]) for c in cols)] for _, r in group.iterrows()]
        lines += [f"**{output}** on {scenario}:", "", *markdown_table(["factor", *cols], rows), ""]
    note = "μ* ranks factors by influence (Morris); S1/ST are first-order and total Sobol' "
    note += "indices; `_conf` columns are bootstrap confidence half-widths."
    return [*lines, note]


def _figures(names: Sequence[str]) -> list[str]:
    lines = ["## Figures", ""]
    for name in names:
        caption = FIGURE_CAPTIONS.get(name, name)
        lines += [
            f"![{caption}](figures/{name}.png)",
            "",
            f"*{caption}* ([SVG](figures/{name}.svg))",
            "",
        ]
    return lines


def _files(tables: dict[str, Any]) -> list[str]:
    files = ["finals.csv", "summary.csv"]
    files += ["paired.csv", "paired_series.csv"] if "paired" in tables else []
    files += ["points.csv"] if "points" in tables else []
    files += ["sensitivity.csv"] if "sensitivity" in tables else []
    files += list(tables.get("cubes", []))
    return [
        "## Files",
        "",
        *(f"- `{f}`" for f in files),
        "- `manifest.json` (provenance, per-run status)",
    ]


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else f"{value:.4g}"
    return str(value)
