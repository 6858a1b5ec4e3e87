"""Outputs of docs/ODD.md §9, computed once per quarter and read by module-level reporters.

``compute(model)`` evaluates every output in one vectorised pass; the
DataCollector's reporters are picklable ``functools.partial(read, name)`` objects
that read from that snapshot, so reporters stay module-level (as in Mesa's own
examples) without recomputing shared intermediate arrays dozens of times.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model.blocks import Catalogue
from sim.model.central import LIVE
from sim.model.kernels.metric_cells import (
    gap_and_dispersion,
    level_means,
    maturity_stats,
    status_summary,
)

if TYPE_CHECKING:
    from sim.model.model import EGovModel

LEVELS = ("central", "regional", "municipal")
N_STAGES = 4

SCALAR_METRICS = (
    "adoption_mun",
    "adoption_pop",
    "adoption_regional",
    "platforms_live",
    "implementing",
    "failed_now",
    "stopped_projects",
    "fragmentation",
    "takeup",
    "once_only",
    "trust_mc",
    "trust_mr",
    "trust_rc",
    "credibility",
    *(f"maturity_{s}" for s in range(1, N_STAGES + 1)),
    "maturity_mean",
    "gini_maturity",
    "size_gap",
    "regional_dispersion",
    *(f"spend_{lv}" for lv in LEVELS),
    *(f"benefit_{lv}" for lv in LEVELS),
    *(f"balance_{lv}" for lv in LEVELS),
    "grants_paid",
    "withheld",
    "instrument_cost",
    "sow_harvest",
    "compliance",
    "in_use",
    "compliance_in_use",
    "centre_members",
)
BLOCK_METRICS = ("adoption_mun", "adoption_pop", "local", "takeup")


def metric_names(catalogue: Catalogue) -> list[str]:
    """All per-quarter output names for a catalogue, in a stable order."""
    names = list(SCALAR_METRICS)
    for key in catalogue.keys:
        names += [f"{m}__{key}" for m in BLOCK_METRICS]
    return names


def read(name: str, model: EGovModel) -> float:
    """Reporter: one output of the quarter's snapshot."""
    return model.current[name]


def reporters(catalogue: Catalogue) -> dict[str, partial]:
    """DataCollector model reporters for every output."""
    return {name: partial(read, name) for name in metric_names(catalogue)}


class QuarterCollector(mesa.DataCollector):
    """A Mesa DataCollector that appends the quarter's snapshot without per-value overhead.

    The stock ``collect`` dispatches on each reporter's type and deep-copies every
    value; our reporters are all ``read(name)`` partials returning immutable floats,
    so appending ``model.current[name]`` directly stores exactly the same values. The
    reporters stay registered, so ``model_vars`` and the dataframe methods behave as
    with the stock collector.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__(model_reporters=reporters(catalogue))
        self._validated = True  # reporters are read(name) partials over compute()'s keys
        self._series = [(name, self.model_vars[name]) for name in self.model_reporters]

    def collect(self, model: EGovModel) -> None:
        """Append this quarter's value of every output (``model.current``)."""
        self._collection_steps.append(model.time)
        current = model.current
        for name, series in self._series:
            series.append(current[name])


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: equal; 0 for all zeros)."""
    v = np.sort(np.asarray(values, dtype=float))
    n, total = v.size, v.sum()
    if n == 0 or total <= 0:
        return 0.0
    return float((2.0 * np.arange(1, n + 1) - n - 1) @ v / (n * total))


def compute(model: EGovModel) -> dict[str, float]:
    """Every per-quarter output, as plain floats.

    Counts come from one compiled pass over the status cells
    (:func:`sim.model.kernels.metric_cells.status_summary`). Shares of cells are exact integer
    counts divided by the cell count, bit-identical to the float mean of a mask.
    """
    st, rs = model.state, model.rstate
    w = model.population_weights()
    adopted, (n_adopted, n_local), rows, (n_implementing, n_failed) = status_summary(
        st.status,
        st.migrating,
        st.failed_at,
        model.quarter,
        model.blocks.stage,
        model.blocks.once_only,
    )
    m, cells = st.n, adopted.size
    adopt_block = n_adopted / m
    adopt_pop_block = w @ adopted
    takeup_block = w @ st.takeup
    local_block = n_local / m
    has_regions = rs.n > 0
    adopt_pop, takeup, trust_mc, trust_mr, trust_rc, live, adopt_regional = level_means(
        st.trust_central,
        st.trust_region,
        rs.trust_central,
        adopt_pop_block,
        takeup_block,
        model.central.platform,
        LIVE,
        rs.status,
    )
    out: dict[str, float] = {
        "adoption_mun": float(n_adopted.sum() / cells),
        "adoption_pop": adopt_pop,
        "adoption_regional": adopt_regional,
        "platforms_live": live,
        "implementing": float(n_implementing / cells),
        "failed_now": float(n_failed),
        "stopped_projects": float(model.politics.stopped),
        "fragmentation": float(n_local.sum() / cells),
        "takeup": takeup,
        "once_only": float(w @ rows[1]),
        "trust_mc": trust_mc,
        "trust_mr": trust_mr if has_regions else np.nan,
        "trust_rc": trust_rc,
        "credibility": float(model.central.credibility),
        "in_use": float(in_use(model).sum() / cells),
        "centre_members": float(np.count_nonzero(st.centre_member) / m),
    }
    out.update(_inequality(model, rows[0], rows[2]))
    out.update(_money(model))
    names = model.block_metric_names
    for name, values in (
        ("adoption_mun", adopt_block),
        ("adoption_pop", adopt_pop_block),
        ("local", local_block),
        ("takeup", takeup_block),
    ):
        out.update(zip(names[name], values.tolist(), strict=True))
    return out


def _inequality(model: EGovModel, n_adopted: np.ndarray, mat: np.ndarray) -> dict[str, float]:
    """Maturity shares, Gini, size gap and regional dispersion.

    ``n_adopted`` is each municipality's count of adopted blocks, ``mat`` its maturity.
    """
    st = model.state
    n = mat.size
    counts, total, numerator = maturity_stats(mat, N_STAGES)
    out = {f"maturity_{s}": float(counts[s] / n) for s in range(1, N_STAGES + 1)}
    out["maturity_mean"] = total / n
    out["gini_maturity"] = numerator / (n * float(total)) if n and total > 0 else 0.0
    large, small = model.size_group_rows()
    out["size_gap"], out["regional_dispersion"] = gap_and_dispersion(
        n_adopted, st.n_blocks, large, small, st.region, st.population, model.rstate.population
    )
    return out


def _money(model: EGovModel) -> dict[str, float]:
    led = model.ledger
    out = {}
    for lv in LEVELS:
        out[f"spend_{lv}"] = led.spending[lv]
        out[f"benefit_{lv}"] = led.benefit[lv]
        out[f"balance_{lv}"] = led.balance(lv)
    out["grants_paid"] = led.transfers_in["municipal"]  # grants and bonuses received
    out["withheld"] = led.transfers_out["municipal"]  # transfers withheld as sanctions
    out["instrument_cost"] = sum(
        v for (_, cat), v in led.by_category.items() if cat.startswith("instrument:")
    )
    spend, ben = sum(led.spending.values()), sum(led.benefit.values())
    mun_spend = led.spending["municipal"] / spend if spend > 0 else 0.0
    mun_ben = led.benefit["municipal"] / ben if ben > 0 else 0.0
    out["sow_harvest"] = mun_spend - mun_ben
    out["compliance"] = _instrument_mean(model, "compliance")
    out["compliance_in_use"] = _instrument_mean(model, "compliance_in_use")
    return out


def _instrument_mean(model: EGovModel, method: str) -> float:
    """Mean over the instruments that report ``method`` (NaN values left out; NaN if none)."""
    values = [getattr(inst, method)(model) for inst in model.instruments if hasattr(inst, method)]
    values = [v for v in values if not np.isnan(v)]
    return float(np.mean(values)) if values else np.nan


def in_use(model: EGovModel) -> np.ndarray:
    """(M, B) adopted cells in working use, not only joined on paper.

    Adopted, with take-up at least ``citizens.working_use_share`` of the citizens
    with digital skills.
    """
    st = model.state
    ceiling = np.minimum(np.maximum(st.skills, 1e-6), 1.0)[:, None]
    return st.adopted & (st.takeup >= model.params.citizens.working_use_share * ceiling)
