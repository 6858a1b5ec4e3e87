"""Figures: the right panels, the right data where it matters, reproducible files."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sim.analysis import figures
from sim.analysis.figure_files import save_figure
from sim.analysis.summary import summarise
from sim.model.country import load_real


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def summary(metrics: tuple[str, ...] = ("adoption_mun", "trust_mc")) -> pd.DataFrame:
    rows = [
        {"scenario": s, "point": 0, "replicate": r, "quarter": q,
         **{m: q / 10 + r / 100 + k + j for j, m in enumerate(metrics)}}
        for k, s in enumerate(("base", "alt")) for r in range(4) for q in range(10)
    ]  # fmt: skip
    return summarise(pd.DataFrame(rows))


def visible(fig) -> list:
    return [ax for ax in fig.axes if ax.get_visible()]


def named_lines(ax) -> list[str]:
    return [ln.get_label() for ln in ax.lines if not ln.get_label().startswith("_")]


def test_bands_one_panel_per_metric_with_labels() -> None:
    fig = figures.bands_figure(summary(), ["adoption_mun", "trust_mc"])
    axes = visible(fig)
    assert [ax.get_title() for ax in axes] == ["Municipal adoption", "Municipal trust in central"]
    assert named_lines(axes[0]) == ["base", "alt"]
    assert axes[0].get_xlabel() == "quarter" and axes[0].get_ylabel() == "share of municipalities"
    # median + dashed mean per scenario
    assert sum(ln.get_linestyle() == "--" for ln in axes[0].lines) == 2
    median = axes[0].lines[0].get_ydata()
    assert np.allclose(median, summary().query("scenario == 'base'")["adoption_mun_median"])


def test_bands_many_block_metrics_use_three_columns() -> None:
    blocks = tuple(f"adoption_mun__b{i}" for i in range(5)) + ("adoption_mun__eid",)
    fig = figures.bands_figure(summary(blocks), list(blocks), title="Blocks")
    axes = visible(fig)
    assert len(axes) == 6 and len(fig.axes) == 6
    assert axes[0].get_gridspec().ncols == 3
    assert axes[-1].get_title() == "Adoption: eid"
    assert fig.get_suptitle() == "Blocks"


def test_bands_without_mean_columns() -> None:
    table = summary()
    table = table[[c for c in table if not c.endswith(("_mean", "_ci_low", "_ci_high"))]]
    ax = visible(figures.bands_figure(table, ["adoption_mun"]))[0]
    assert len(ax.lines) == 2 and not any(ln.get_linestyle() == "--" for ln in ax.lines)
    assert len(ax.collections) == 2  # p10–p90 bands only
    mean_only = summary().drop(columns=["adoption_mun_ci_low", "adoption_mun_ci_high"])
    ax = visible(figures.bands_figure(mean_only, ["adoption_mun"]))[0]
    assert sum(ln.get_linestyle() == "--" for ln in ax.lines) == 2


def test_bands_missing_column_names_it_and_those_present() -> None:
    table = summary().drop(columns=["adoption_mun_p90"])
    with pytest.raises(ValueError, match=r"'adoption_mun_p90' is missing; the table has \[") as e:
        figures.bands_figure(table, ["adoption_mun"])
    assert "adoption_mun_p10" in str(e.value)


def paired() -> pd.DataFrame:
    return pd.DataFrame(
        {"scenario": ["a", "b", "a", "b"], "metric": ["adoption_mun"] * 2 + ["trust_mc"] * 2,
         "n_pairs": 10, "mean_diff": [0.1, -0.2, 0.3, np.nan],
         "ci_low": [0.0, -0.3, 0.25, np.nan], "ci_high": [0.2, -0.1, 0.35, np.nan],
         "p_value": 0.01}
    )  # fmt: skip


def test_forest_marks_each_scenario_at_its_mean() -> None:
    fig = figures.forest_figure(paired(), baseline="base")
    axes = visible(fig)
    assert len(axes) == 2
    assert axes[0].get_title() == "Municipal adoption vs base"
    labels, ys = axes[0].get_yticklabels(), axes[0].get_yticks()
    ticks = {t.get_text(): y for t, y in zip(labels, ys, strict=True)}
    points = {}
    for container in axes[0].containers:
        line = container.lines[0]
        points[float(line.get_ydata()[0])] = float(line.get_xdata()[0])
    assert points[ticks["a"]] == pytest.approx(0.1) and points[ticks["b"]] == pytest.approx(-0.2)
    assert ticks["a"] > ticks["b"]  # first scenario on top
    whisker = axes[0].containers[0].lines[2][0].get_segments()[0]
    assert np.allclose(sorted(whisker[:, 0]), [0.0, 0.2])
    assert any(np.allclose(ln.get_xdata(), 0) for ln in axes[0].lines)  # zero line


def test_forest_subset_and_unknown_metric() -> None:
    fig = figures.forest_figure(paired(), metrics=["trust_mc"])
    assert len(visible(fig)) == 1 and "vs" not in visible(fig)[0].get_title()
    assert [t.get_text() for t in visible(fig)[0].texts] == ["not estimable"]  # b has NaN
    with pytest.raises(ValueError, match=r"'nope' is not in the table; it has \['adoption_mun'"):
        figures.forest_figure(paired(), metrics=["nope"])


def test_forest_missing_column_is_named() -> None:
    with pytest.raises(ValueError, match=r"column 'ci_low' is missing; the table has"):
        figures.forest_figure(pd.DataFrame({"scenario": [], "metric": [], "mean_diff": []}))


def test_distributions_note_runs_that_never_reached() -> None:
    finals = pd.DataFrame(
        {"scenario": ["a", "a", "b", "b"], "t50_adoption_mun": [3.0, np.nan, np.nan, np.nan],
         "adoption_mun": [0.5, 0.6, 0.7, np.nan]}
    )  # fmt: skip
    fig = figures.distributions_figure(finals, ["t50_adoption_mun", "adoption_mun"])
    t50, final = visible(fig)
    assert "never reached in 3 runs" in t50.get_title()
    assert "missing (NaN) in 1 runs" in final.get_title()
    points = [c for c in final.collections if len(c.get_offsets())]
    assert sorted(np.concatenate([c.get_offsets()[:, 1] for c in points])) == [0.5, 0.6, 0.7]
    assert [t.get_text() for t in final.get_xticklabels()] == ["a", "b"]


def test_distributions_jitter_is_reproducible_and_leaves_global_rng() -> None:
    finals = pd.DataFrame({"scenario": ["a"] * 20, "adoption_mun": np.linspace(0, 1, 20)})
    np.random.seed(1)
    state = np.random.get_state()[1].copy()
    xs = [
        visible(figures.distributions_figure(finals, ["adoption_mun"]))[0]
        .collections[0].get_offsets()[:, 0]
        for _ in range(2)
    ]  # fmt: skip
    assert np.array_equal(xs[0], xs[1])
    assert np.array_equal(np.random.get_state()[1], state)


def test_sensitivity_morris_bars_sorted_by_importance() -> None:
    table = pd.DataFrame({"output": "y", "method": "morris", "factor": ["a", "b", "c"],
                          "mu_star": [0.1, 0.5, 0.3], "mu_star_conf": 0.05,
                          "sigma": 0.1, "mu": 0.0})  # fmt: skip
    ax = visible(figures.sensitivity_figure(table))[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "c", "b"]  # largest on top
    assert [p.get_width() for p in ax.patches] == [0.1, 0.3, 0.5]
    assert "y" in ax.get_title() and "Morris" in ax.get_title()


def test_sensitivity_sobol_shows_s1_and_st_per_output() -> None:
    table = pd.DataFrame(
        {"output": ["y"] * 2 + ["z"] * 2, "method": "sobol", "factor": ["a", "b"] * 2,
         "S1": [0.5, 0.1, 0.2, 0.3], "S1_conf": 0.02, "ST": [0.6, 0.2, 0.25, 0.5],
         "ST_conf": 0.03}
    )  # fmt: skip
    axes = visible(figures.sensitivity_figure(table))
    assert len(axes) == 2 and "z" in axes[1].get_title()
    labels = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert labels == ["S1", "ST"] and len(axes[1].patches) == 4
    assert [t.get_text() for t in axes[1].get_yticklabels()] == ["a", "b"]
    with pytest.raises(ValueError, match=r"'ST_conf' is missing"):
        figures.sensitivity_figure(table.drop(columns=["ST_conf"]))


def test_map_one_point_per_municipality() -> None:
    dk = load_real("denmark")
    values = np.linspace(0, 1, dk.n_municipalities)
    fig = figures.map_figure(dk, {"x": values, "y": 1 - values})
    maps = [ax for ax in fig.axes if ax.get_title() in ("x", "y")]
    assert len(maps) == 2 and len(fig.axes) == 3  # two maps and one shared colour bar
    scatter = maps[0].collections[0]
    assert len(scatter.get_offsets()) == 98
    assert np.allclose(scatter.get_offsets(), np.column_stack([dk.lon, dk.lat]))
    assert np.allclose(scatter.get_array(), values)
    assert scatter.get_clim() == (0, 1)
    assert np.allclose(maps[1].collections[0].get_array(), 1 - values)
    assert "longitude" in maps[0].get_xlabel() and "latitude" in maps[0].get_ylabel()
    with pytest.raises(ValueError, match=r"3 values for x; the country has 98"):
        figures.map_figure(dk, {"x": values[:3]})


def test_map_single_array() -> None:
    dk = load_real("denmark")
    fig = figures.map_figure(dk, np.full(98, 0.5), title="One")
    assert len(fig.axes) == 2 and fig.get_suptitle() == "One"
    assert fig.axes[1].get_ylabel() == "final adoption (median over runs)"


def test_files_are_png_and_reproducible_svg(tmp_path: Path) -> None:
    paths = save_figure(figures.bands_figure(summary(), ["adoption_mun"]), tmp_path / "f" / "a.v2")
    assert paths == [tmp_path / "f" / "a.v2.png", tmp_path / "f" / "a.v2.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    png, svg = paths[0].read_bytes(), paths[1].read_bytes()
    assert b"<dc:date>" not in svg
    save_figure(figures.bands_figure(summary(), ["adoption_mun"]), tmp_path / "f" / "a.v2")
    assert paths[1].read_bytes() == svg and paths[0].read_bytes() == png
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == ["a.v2.png", "a.v2.svg"]
    assert plt.get_fignums() == []  # closed after saving
