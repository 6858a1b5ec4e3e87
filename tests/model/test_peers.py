"""Benchmarking clubs: peers beyond adjacency (docs/ODD.md §7.5 "Peers", §8)."""

from __future__ import annotations

import dataclasses as dc

import numpy as np
import pytest

from sim.instruments.monitoring import MonitoringBenchmarking
from sim.instruments.rewards import RewardsPraise
from sim.model import peers
from sim.model.fields import ParameterError
from sim.model.model import EGovModel
from sim.model.params import ModelParams, PeerParams


def with_peers(**kw) -> ModelParams:
    """Default parameters with the club settings replaced."""
    p = ModelParams()
    return dc.replace(p, peers=dc.replace(p.peers, **kw))


@pytest.mark.parametrize("k", [1, 3, 10])
def test_clubs_are_the_k_nearest_in_log_population(k):
    rng = np.random.default_rng(k)
    pop = rng.lognormal(9.0, 1.2, size=200).round()
    clubs = peers.build_clubs(pop, k)
    rows = clubs.indices.reshape(200, k)
    logp = np.log(pop)
    for i in range(200):
        assert i not in rows[i] and len(set(rows[i])) == k
        others = np.delete(np.arange(200), i)
        nearest = np.sort(np.abs(logp[others] - logp[i]))[:k]
        got = np.sort(np.abs(logp[rows[i]] - logp[i]))
        np.testing.assert_allclose(got, nearest)  # same distances as brute force
    assert (clubs.degree == k).all()
    again = peers.build_clubs(pop, k)
    assert np.array_equal(again.indices, clubs.indices)  # deterministic: no draw


def test_no_club_when_size_is_zero_and_small_countries_cap_the_size():
    pop = np.array([100.0, 2000.0, 50.0])
    assert peers.build_clubs(pop, 0).empty
    capped = peers.build_clubs(pop, 10)
    assert capped.indices.reshape(3, 2).tolist() == [[1, 2], [0, 2], [0, 1]]
    assert peers.build_clubs(np.array([7.0]), 5).empty


def test_exposure_is_the_neighbour_share_unless_clubs_are_weighted():
    model = EGovModel(rng=2).run(30)
    assert peers.exposure(model) is model.peer_adoption()
    weighted = EGovModel(params=with_peers(club_weight=0.5), rng=2).run(30)
    club = peers.club_share(weighted, weighted.state.adopted)
    np.testing.assert_allclose(peers.exposure(weighted), weighted.peer_adoption() + 0.5 * club)
    members = weighted.clubs.indices.reshape(weighted.state.n, -1)
    np.testing.assert_allclose(club, weighted.state.adopted[members].mean(axis=1))


def test_club_lead_is_the_club_mean_minus_own_score_floored_at_zero():
    model = EGovModel(rng=0)
    rows = model.clubs.indices.reshape(model.state.n, -1)
    score = np.linspace(0.0, 1.0, model.state.n)
    lead = peers.club_lead(model, score)
    np.testing.assert_allclose(lead, np.maximum(score[rows].mean(axis=1) - score, 0.0))
    assert (lead >= 0).all() and lead.max() > 0
    off = EGovModel(params=with_peers(club_size=0), rng=0)
    assert not peers.club_lead(off, score).any()


def test_monitoring_presses_by_the_club_lead_only_with_clubs():
    def last_lead(params: ModelParams | None) -> np.ndarray:
        tool = MonitoringBenchmarking(start=4, period=4)
        EGovModel(params=params, instruments=[tool], rng=4).run(30)
        return tool.lead

    assert last_lead(None).max() > 0
    assert not last_lead(with_peers(club_size=0)).any()


@pytest.mark.parametrize(("key", "value"), [("club_size", -1), ("club_weight", 11.0)])
def test_bad_club_settings_name_key_and_value(key, value):
    with pytest.raises(ParameterError, match=key):
        PeerParams(**{key: value})


def test_ranked_municipalities_behind_their_club_feel_its_lead():
    tool = MonitoringBenchmarking(start=20, shame_pressure=0.0)
    model = EGovModel(instruments=[tool], rng=7)
    model.run(20)
    eff = model._fresh_effects()
    tool.apply(model, eff)
    assert tool.lead.max() > 0
    st = model.state
    live = model.platform_live()[None, :]
    open_cells = tool.target_cells & live & ~st.adopted & (st.status != 1)
    expected = np.where(open_cells, tool.p.peer_pressure * tool.lead[:, None], 0.0)
    np.testing.assert_allclose(eff.pressure, expected)


def test_praise_in_the_club_presses_the_unpraised():
    tool = RewardsPraise(start=0, bonus=0.0)  # no bonus: only the club's pull is pressure
    model = EGovModel(instruments=[tool], rng=7)
    model.run(30)
    assert tool.praised.any()
    eff = model._fresh_effects()
    tool.apply(model, eff)
    lead = peers.club_lead(model, (tool.praised > 0).astype(float))
    st = model.state
    live = model.platform_live()[None, :]
    open_cells = tool.target_cells & live & ~st.adopted & (st.status != 1)
    expected = np.where(open_cells, tool.p.peer_pressure * lead[:, None], 0.0)
    assert expected.max() > 0
    np.testing.assert_allclose(eff.pressure, expected)
