"""Money by level, sweep grids, Morris screening and country views (the notebooks' helpers)."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis import countries
from sim.analysis.money import money_by_level, money_figure
from sim.analysis.screening import influential_factors
from sim.analysis.sweep_views import grid_table, heatmap_figure
from sim.model.country import load_real
from sim.model.metrics import LEVELS


def _finals() -> pd.DataFrame:
    rows = []
    for scenario, scale in (("base", 1.0), ("more", 2.0)):
        for r in range(5):
            row = {"scenario": scenario, "replicate": r}
            for k, lv in enumerate(LEVELS):
                row[f"spend_{lv}"] = scale * (k + 1) * 1e6 * (r + 1)
                row[f"benefit_{lv}"] = 0.0 if lv == "regional" else 2e6 * (r + 1)
            row["spend_regional"] = 0.0 if scenario == "base" else row["spend_regional"]
            rows.append(row)
    return pd.DataFrame(rows)


def test_money_by_level_gives_quantiles_in_millions_and_ratio_per_run():
    table = money_by_level(_finals())
    assert list(table.index.get_level_values("scenario").unique()) == ["base", "more"]
    central = table.loc[("base", "central")]
    assert central["spend_median"] == pytest.approx(3.0)  # runs 1..5 EUR M, median 3
    assert central["spend_p10"] < central["spend_median"] < central["spend_p90"]
    assert central["benefit_per_euro"] == pytest.approx(2.0)  # 2e6 r / 1e6 r
    assert np.isnan(table.loc[("base", "regional"), "benefit_per_euro"])  # spent nothing
    fig = money_figure(table)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["base", "more"]


def test_money_by_level_names_a_missing_column():
    with pytest.raises(ValueError, match="spend_central"):
        money_by_level(_finals().drop(columns="spend_central"))


def _sweep() -> pd.DataFrame:
    rows = []
    for a in (0.1, 0.5, 0.9):
        for b in (0.0, 1.0):
            for r in range(3):
                rows.append({"a": a, "b": b, "y": (1 - a) * 0.5 + 0.4 * b + 0.01 * r})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0)  # order must not matter


def test_grid_table_reduces_each_cell_and_sorts_both_axes():
    grid = grid_table(_sweep(), "a", "b", "y")
    assert list(grid.index) == [0.1, 0.5, 0.9] and list(grid.columns) == [0.0, 1.0]
    assert grid.loc[0.5, 1.0] == pytest.approx(0.25 + 0.4 + 0.01)
    assert grid_table(_sweep(), "a", "b", "y", "p90").loc[0.1, 0.0] > grid.loc[0.1, 0.0]
    assert grid.attrs["metric"] == "y"


def test_grid_table_rejects_unknown_stat_and_column():
    with pytest.raises(ValueError, match="stat 'mode' is unknown"):
        grid_table(_sweep(), "a", "b", "y", "mode")
    with pytest.raises(ValueError, match="'z' is missing"):
        grid_table(_sweep(), "a", "b", "z")


def test_heatmap_writes_every_cell_and_draws_the_contour():
    grid = grid_table(_sweep(), "a", "b", "y")
    fig = heatmap_figure(grid, contour=0.5, axis_labels=("B", "A"))
    ax = fig.axes[0]
    assert len(ax.texts) == grid.size
    assert ax.get_xlabel() == "B" and ax.get_ylabel() == "A"
    assert ax.collections  # the contour line


def _morris() -> pd.DataFrame:
    return pd.DataFrame({
        "output": ["y"] * 4 + ["z"],
        "method": ["morris"] * 5,
        "factor": ["f1", "f2", "f3", "f4", "f1"],
        "mu_star": [0.05, 1.0, 0.3, 0.3, 9.0],
    })  # fmt: skip


def test_influential_factors_applies_the_threshold_then_the_limit():
    assert influential_factors(_morris(), "y", share=0.2) == ["f2", "f3", "f4"]
    # f3 and f4 tie: design order decides
    assert influential_factors(_morris(), "y", share=0.2, top=2) == ["f2", "f3"]
    assert influential_factors(_morris(), "y", share=0.0) == ["f2", "f3", "f4", "f1"]


def test_influential_factors_errors_name_what_is_there():
    with pytest.raises(ValueError, match=r"output 'w'.*\['y', 'z'\]"):
        influential_factors(_morris(), "w")
    with pytest.raises(ValueError, match=r"share = 1.5"):
        influential_factors(_morris(), "y", share=1.5)


def test_country_overview_and_size_classes_match_the_tables():
    presets = {"denmark": load_real("denmark"), "estonia": load_real("estonia")}
    overview = countries.country_overview(presets)
    assert overview.loc["denmark", "municipalities"] == 98
    assert overview.loc["denmark", "regions"] == 5
    classes = countries.size_class_table(presets)
    assert np.allclose(classes.sum(axis=1), 1.0)
    fig = countries.size_distribution_figure(presets)
    assert len(fig.axes[0].lines) == 2


class _Store:
    """The two reads the country views make of a results store."""

    def __init__(self, shift: float):
        q = np.tile(np.arange(4), 6)
        self._runs = pd.DataFrame({
            "scenario": np.repeat(["base", "fm"], 12),
            "point": 0,
            "replicate": np.tile(np.repeat(np.arange(3), 4), 2),
            "quarter": q,
            "adoption_mun": q * 0.1 + shift,
        })  # fmt: skip

    def finals(self, columns):
        last = self._runs[self._runs.quarter == 3]
        return last[[c for c in columns if c in last]].reset_index(drop=True)

    def runs(self, columns):
        return self._runs[["scenario", "point", "replicate", "quarter", *columns]]


def test_country_stacks_and_paths_figure():
    stores = {"a": _Store(0.0), "b": _Store(0.5)}
    finals = countries.stack_finals(stores, ["adoption_mun"])
    assert finals.groupby("country")["adoption_mun"].first().to_dict() == pytest.approx(
        {"a": 0.3, "b": 0.8}
    )
    summary = countries.stack_summaries(stores, "adoption_mun")
    assert set(summary["country"]) == {"a", "b"} and len(summary) == 2 * 2 * 4
    fig = countries.paths_figure(summary, "adoption_mun")
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["a", "b"]
    assert len(fig.axes[0].lines) == 2  # one median per scenario
