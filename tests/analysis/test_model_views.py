import numpy as np
import pytest
from matplotlib.figure import Figure

from sim.analysis import model_views as views
from sim.model.model import EGovModel
from sim.model.state import STATUS_NAMES


@pytest.fixture
def stepped(small_params):
    model = EGovModel(small_params, rng=3)
    model.run(12)
    return model


def test_catalogue_table_lists_every_block_with_its_prerequisites(stepped):
    table = views.catalogue_table(stepped.catalogue)
    assert list(table.index) == list(stepped.catalogue.keys)
    for b in stepped.catalogue:
        expected = ", ".join(b.prerequisites) or "-"
        assert table.loc[b.key, "prerequisites"] == expected
        assert table.loc[b.key, "spillover_share"] == b.spillover_share


def test_municipality_profile_reads_the_agent_row(stepped):
    i = 7
    profile = views.municipality_profile(stepped, i)
    assert profile["population"] == int(stepped.state.population[i])
    assert profile["trust_in_central"] == pytest.approx(stepped.state.trust_central[i], abs=1e-3)
    statuses = [profile[f"block:{k}"] for k in stepped.catalogue.keys]
    assert statuses == [STATUS_NAMES[s] for s in stepped.state.status[i]]


@pytest.mark.parametrize("index", [-1, 40])
def test_municipality_profile_rejects_a_bad_index(stepped, index):
    with pytest.raises(IndexError, match=r"expected 0\.\.39"):
        views.municipality_profile(stepped, index)


def test_status_table_counts_every_municipality_once_per_block(stepped):
    table = views.status_table(stepped)
    assert (table[list(STATUS_NAMES)].sum(axis=1) == stepped.state.n).all()
    assert table["platform_live"].tolist() == stepped.platform_live().tolist()
    assert set(views.platforms_live(stepped)) <= set(stepped.catalogue.keys)


def test_levels_and_regions_agree_with_the_ledger_and_state(stepped):
    levels = views.levels_table(stepped)
    for level in ("central", "regional", "municipal"):
        assert levels.loc[level, "spent_eur"] == stepped.ledger.spending[level]
    regions = views.region_table(stepped)
    assert regions["municipalities"].sum() == stepped.state.n
    assert len(regions) == stepped.rstate.n


def test_views_do_not_change_the_run(small_params):
    plain = EGovModel(small_params, rng=5).run()
    looked = EGovModel(small_params, rng=5)
    for _ in range(small_params.time.n_quarters):
        looked.step()
        views.status_table(looked)
        views.levels_table(looked)
        views.municipality_profile(looked, 0)
    a = plain.datacollector.get_model_vars_dataframe()
    b = looked.datacollector.get_model_vars_dataframe()
    assert a.equals(b)


def test_series_figure_draws_one_panel_per_idea_and_names_missing_columns(stepped):
    df = stepped.datacollector.get_model_vars_dataframe()
    fig = views.series_figure(df, {"A": ["adoption_mun"], "B": ["trust_mc", "trust_rc"],
                                   "C": ["adoption_mun__eid"]})  # fmt: skip
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["A", "B", "C"]
    assert [line.get_label() for line in visible[2].lines] == ["eid"]
    assert np.allclose(visible[0].lines[0].get_ydata(), df["adoption_mun"])
    with pytest.raises(ValueError, match="'nope' is missing"):
        views.series_figure(df, {"A": ["nope"]})
    with pytest.raises(ValueError, match="no panels"):
        views.series_figure(df, {})


def test_prerequisite_figure_places_blocks_right_of_their_prerequisites(stepped):
    fig = views.prerequisite_figure(stepped.catalogue)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    where = {t.get_text(): t.get_position() for t in ax.texts}
    for b in stepped.catalogue:
        for p in b.prerequisites:
            assert where[p.replace("_", " ")][0] < where[b.key.replace("_", " ")][0]
