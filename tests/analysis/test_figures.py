"""Figures: the right panels, the right data where it matters, reproducible files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis import figures
from sim.analysis.figure_files import save_figure
from sim.analysis.summary import summarise
from sim.model.country import load_real


def summary() -> pd.DataFrame:
    rows = [
        {"scenario": s, "point": 0, "replicate": r, "quarter": q,
         "adoption_mun": q / 10 + r / 100 + k, "trust_mc": 0.5}
        for k, s in enumerate(("base", "alt")) for r in range(4) for q in range(10)
    ]  # fmt: skip
    return summarise(pd.DataFrame(rows))


def test_bands_one_panel_per_metric_with_labels() -> None:
    fig = figures.bands_figure(summary(), ["adoption_mun", "trust_mc"])
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2 and axes[0].get_title() == "Municipal adoption"
    assert [line.get_label() for line in axes[0].lines if not line.get_label().startswith("_")] == [
        "base", "alt",
    ]  # fmt: skip


def test_forest_marks_each_scenario_at_its_mean() -> None:
    paired = pd.DataFrame(
        {"scenario": ["a", "b"], "metric": "adoption_mun", "mean_diff": [0.1, -0.2],
         "ci_low": [0.0, -0.3], "ci_high": [0.2, -0.1]}
    )  # fmt: skip
    fig = figures.forest_figure(paired, baseline="base")
    ax = fig.axes[0]
    xs = sorted(float(c.get_children()[0].get_xdata()[0]) for c in ax.containers)
    assert xs == [-0.2, 0.1] and "vs base" in fig.texts[0].get_text()


def test_distributions_note_runs_that_never_reached() -> None:
    finals = pd.DataFrame({"scenario": ["a", "a", "b"], "t50_adoption_mun": [3.0, np.nan, np.nan]})
    fig = figures.distributions_figure(finals, ["t50_adoption_mun"])
    assert "never reached in 2 runs" in fig.axes[0].get_title()


def test_sensitivity_bars_sorted_by_importance() -> None:
    table = pd.DataFrame({"output": "y", "method": "morris", "factor": ["a", "b", "c"],
                          "mu_star": [0.1, 0.5, 0.3], "mu_star_conf": 0.05})  # fmt: skip
    fig = figures.sensitivity_figure(table)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["a", "c", "b"]  # largest on top


def test_map_one_point_per_municipality() -> None:
    dk = load_real("denmark")
    values = np.linspace(0, 1, dk.n_municipalities)
    fig = figures.map_figure(dk, {"x": values, "y": 1 - values})
    scatter = fig.axes[0].collections[0]
    assert len(scatter.get_offsets()) == 98
    assert np.allclose(scatter.get_array(), values)
    with pytest.raises(ValueError, match=r"3 values for x; the country has 98"):
        figures.map_figure(dk, {"x": values[:3]})


def test_missing_column_is_named() -> None:
    with pytest.raises(ValueError, match=r"column 'ci_low' is missing; the table has"):
        figures.forest_figure(pd.DataFrame({"scenario": [], "metric": [], "mean_diff": []}))


def test_files_are_png_and_reproducible_svg(tmp_path: Path) -> None:
    paths = save_figure(figures.bands_figure(summary(), ["adoption_mun"]), tmp_path / "f" / "a")
    assert [p.suffix for p in paths] == [".png", ".svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    first = paths[1].read_bytes()
    save_figure(figures.bands_figure(summary(), ["adoption_mun"]), tmp_path / "f" / "a")
    assert paths[1].read_bytes() == first
