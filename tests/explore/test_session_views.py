"""The explorer's model, map table, live plots and comparisons, without a browser."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments.scenario import load_scenario
from sim.explore import comparison, figures, mapview
from sim.explore import draft as d
from sim.explore.session import CURRENT, ExplorerModel, Session, choice_scenario, initial_draft
from sim.model.model import EGovModel

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def small():
    """funded_mandate on a small synthetic country, 12 quarters."""
    draft = d.load_draft(SCENARIOS / "funded_mandate.toml")
    draft = d.set_country(draft, "synthetic", n_municipalities=40, n_regions=3)
    doc = dataclasses.replace(draft, doc={**draft.doc, "time": {"n_quarters": 12}})
    return d.validate(doc)


def test_explorer_model_is_the_scenarios_model(small):
    session = Session(small, seed=5)
    ours = session.model().run()
    plain = EGovModel(small.params, small.catalogue, small.build_instruments(), rng=5).run()
    a = ours.datacollector.get_model_vars_dataframe()
    b = plain.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(a, b)


def test_reset_reads_the_sessions_current_scenario(small):
    """SolaraViz rebuilds with the same kwargs: edits made since must take effect."""
    session = Session(small, seed=5)
    first = ExplorerModel(session=session)
    session.scenario = dataclasses.replace(small, instruments=small.instruments[:1])
    again = type(first)(session=session)
    assert len(again.instruments) == 1 and len(first.instruments) == len(small.instruments) > 1
    assert again.instruments[0] is not first.instruments[0]  # fresh per model


def test_initial_draft_prefers_funded_mandate_then_any_then_blank(tmp_path):
    assert initial_draft(SCENARIOS).name == "funded_mandate"
    (tmp_path / "broken.toml").write_text("not toml = = =")
    assert initial_draft(tmp_path).origin == "new"  # the only file is invalid: blank
    (tmp_path / "ok.toml").write_text('[scenario]\ndescription = "fine"\n')
    assert initial_draft(tmp_path).name == "ok"


def test_choice_scenario_renames_the_edited_one_only_on_a_clash(small):
    assert choice_scenario("baseline", small, SCENARIOS) == load_scenario(
        SCENARIOS / "baseline.toml"
    )
    assert choice_scenario(CURRENT, small, SCENARIOS).name == "funded_mandate_edited"
    renamed = dataclasses.replace(small, name="mine")
    assert choice_scenario(CURRENT, renamed, SCENARIOS).name == "mine"
    with pytest.raises(ValueError, match="nowhere"):
        choice_scenario("nowhere", small, SCENARIOS)


def test_map_frame_has_one_row_per_municipality_with_tooltip_fields(small):
    model = Session(small, seed=3).model().run()
    frame = mapview.map_frame(model)
    assert len(frame) == model.state.n
    adopted = model.state.adopted
    np.testing.assert_allclose(frame["adoption"], adopted.mean(axis=1))
    row = int(np.argmax(adopted.sum(axis=1)))
    keys = np.array(model.catalogue.keys)
    expected = ", ".join(keys[adopted[row]]) or "none"
    assert frame.loc[row, "blocks_adopted"].endswith(expected)
    assert frame.loc[row, "region"] in model.country.region_names
    assert set(frame["status_eid"]) <= {"none", "implementing", "adopted", "local", "failed"}


@pytest.mark.parametrize("option", mapview.colour_options(["eid"]))
def test_map_chart_and_png_for_every_colour_option(small, option):
    model = Session(small, seed=3).model().run(6)
    frame = mapview.map_frame(model)
    spec = mapview.map_chart(frame, option).to_dict()
    tips = {t["field"] for t in spec["encoding"]["tooltip"]}
    assert {"name", "population", "region", "blocks_adopted", "trust_central"} <= tips
    assert spec["encoding"]["size"]["field"] == "population"
    assert figures.png_bytes(mapview.map_figure(frame, option)).startswith(PNG)


def test_live_plots_draw_from_an_empty_and_a_running_model(small):
    model = Session(small, seed=3).model()
    keys = list(model.catalogue.keys)
    for _, build in figures.LIVE_PLOTS:
        empty = build(model.datacollector.get_model_vars_dataframe(), keys)
        assert figures.EMPTY_NOTE in [t.get_text() for t in empty.axes[0].texts]
    model.run(5)
    df = model.datacollector.get_model_vars_dataframe()
    for title, build in figures.LIVE_PLOTS:
        fig = build(df, keys)
        lines = fig.axes[0].get_lines()
        assert lines and all(len(line.get_xdata()) == 5 for line in lines), title
        assert figures.png_bytes(fig).startswith(PNG)
    by_block = figures.adoption_by_block(df, keys).axes[0].get_lines()
    assert len(by_block) == len(keys)
    np.testing.assert_allclose(by_block[0].get_ydata(), df[f"adoption_mun__{keys[0]}"])


def test_pair_shares_the_seed(small):
    same = comparison.run_pair(small, small, seed=11)
    assert list(pd.unique(same["scenario"])) == [small.name, f"{small.name}_2"]
    a, b = (g.drop(columns="scenario").reset_index(drop=True) for _, g in same.groupby("scenario"))
    pd.testing.assert_frame_equal(a, b)  # same scenario, same seed: the same history
    base = load_scenario(SCENARIOS / "baseline.toml", ["country.name=synthetic",
                         "country.n_municipalities=40", "time.n_quarters=12"])  # fmt: skip
    pair = comparison.run_pair(base, small, seed=11)
    finals = comparison.final_values(pair, "adoption_mun")
    assert list(finals["scenario"]) == ["baseline", small.name]
    assert list(finals["quarter"]) == [11, 11]
    fig = figures.compare_figure(pair, "adoption_mun", "adoption")
    assert len(fig.axes[0].get_lines()) == 2


def test_batch_goes_through_the_engine_with_progress(small):
    base = load_scenario(SCENARIOS / "baseline.toml", ["country.name=synthetic",
                         "country.n_municipalities=40", "time.n_quarters=12"])  # fmt: skip
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    result = comparison.run_batch([base, small], reps=3, seed=9, on_progress=progress)
    assert seen[-1] == (6, 6) and all(t == 6 for _, t in seen)
    assert len(result.finals) == 6 and result.baseline == "baseline"
    summary, series, final = comparison.batch_tables(result, "adoption_mun")
    assert set(summary["scenario"]) == {"baseline", small.name}
    assert (summary["n_runs"] == 3).all()
    assert list(series["scenario"].unique()) == [small.name]
    # the paired difference is the mean of the replicate-wise differences
    fin = result.finals.set_index(["scenario", "replicate"])["adoption_mun"]
    expected = (fin[small.name] - fin["baseline"]).mean()
    assert final["mean_diff"].iloc[0] == pytest.approx(expected)
    assert figures.png_bytes(figures.batch_figure(summary, series, "adoption_mun", "x"))


def test_batch_of_the_same_scenario_has_zero_difference(small):
    result = comparison.run_batch([small, small], reps=2, seed=1)
    _, series, final = comparison.batch_tables(result, "adoption_mun")
    assert (series["mean_diff"] == 0).all() and final["mean_diff"].iloc[0] == 0


def test_metric_choices_cover_blocks():
    choices = comparison.metric_choices(["eid", "digital_post"])
    assert choices["Adoption: digital post"] == "adoption_mun__digital_post"
    assert set(comparison.METRICS) <= set(choices.values())
