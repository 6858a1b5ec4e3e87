"""Sensitivity indices of a finished design, written next to its results.

The indices themselves come from :mod:`sim.analysis.sensitivity` (SALib); this module
checks that the requested outputs exist *before* a long batch starts, and writes one
``sensitivity.csv`` (one row per output × factor, with confidence intervals) and the
bar charts once the batch is done.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from sim.analysis.sensitivity import second_order_table, sensitivity_table
from sim.errors import UsageError
from sim.experiments.outputs import write_atomic
from sim.model.metrics import metric_names

if TYPE_CHECKING:
    from sim.experiments.design import Design
    from sim.experiments.scenario import Scenario
    from sim.experiments.store import ResultsStore

FILE = "sensitivity.csv"
FILE_S2 = "sensitivity_s2.csv"


def final_columns(scenario: Scenario) -> list[str]:
    """Every per-run output a sensitivity analysis can take: finals and t50/t90 times."""
    names = metric_names(scenario.catalogue)
    timed = [m for m in names if m == "adoption_mun" or m.startswith("adoption_mun__")]
    return [*names, *(f"t{t}_{m}" for m in timed for t in (50, 90))]


def check_outputs(scenarios: Sequence[Scenario], outputs: Sequence[str]) -> None:
    """Raise a one-line error naming an output that no run will produce."""
    if not outputs:
        raise UsageError("--output: no outputs given; expected at least one metric name")
    allowed = final_columns(scenarios[0])
    for out in outputs:
        if out not in allowed:
            shown = ", ".join(allowed[:12])
            raise UsageError(
                f"--output {out!r} is not a final metric; expected one of {shown}, ... "
                "(egov-sim report lists them in finals.csv)"
            )


def write_sensitivity(store: ResultsStore, design: Design, outputs: Sequence[str]) -> pd.DataFrame:
    """Indices for each output, written atomically to ``<results>/sensitivity.csv``.

    Times to 50 %/90 % are right-censored at the horizon in runs that never got there
    (:func:`sim.analysis.sensitivity.point_means`); Sobol' designs with second-order
    rows also get ``sensitivity_s2.csv`` (one row per output × factor pair).
    """
    finals = store.finals()
    tables, pairs = [], []
    for out in outputs:
        table = sensitivity_table(design, finals, out)
        table.insert(0, "output", out)
        table.insert(1, "method", design.method)
        tables.append(table)
        if design.method == "sobol" and design.second_order:
            s2 = second_order_table(design, finals, out)
            s2.insert(0, "output", out)
            pairs.append(s2)
    result = pd.concat(tables, ignore_index=True)
    write_atomic(store.folder / FILE, lambda tmp: result.to_csv(tmp, index=False))
    if pairs:
        s2_all = pd.concat(pairs, ignore_index=True)
        write_atomic(store.folder / FILE_S2, lambda tmp: s2_all.to_csv(tmp, index=False))
    return result
