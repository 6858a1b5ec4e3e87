"""Elections, stopped projects, champions and leadership (docs/ODD.md §7.2).

Fast tests pin the rules on small models (one election forced by hand); the slow
ones are paired comparisons on the Denmark baseline under common random numbers
(the same seed drives both arms), each with its expected effect size justified.
"""

from __future__ import annotations

import dataclasses as dc

import numpy as np
import pytest

from sim.analysis.paired import mean_ci
from sim.model import politics
from sim.model.fields import ParameterError
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams, TimeParams
from sim.model.rules import decision as dr
from sim.model.state import ENTREPRENEUR, IMPLEMENTING, NONE

SEEDS = np.random.SeedSequence(20261206).spawn(30)
SPREAD_SEEDS = np.random.SeedSequence(20261206).spawn(150)


def small(**leadership) -> ModelParams:
    """A 60-municipality synthetic country, 24 quarters, leadership fields replaced."""
    p = ModelParams(
        country=CountryParams(name="synthetic", n_municipalities=60, n_regions=3),
        time=TimeParams(n_quarters=24),
    )
    return dc.replace(p, leadership=dc.replace(p.leadership, **leadership))


def with_period(p: ModelParams, period: int) -> ModelParams:
    return dc.replace(p, time=dc.replace(p.time, election_period=period))


def test_election_period_zero_switches_elections_off():
    """Period 0: no election ever, so roles, sponsors and programmes never change."""
    model = EGovModel(with_period(small(), 0), rng=1)
    roles, guardian = model.state.role.copy(), model.state.guardian.copy()
    model.run()
    assert not any(politics.is_election(q, 0, 0) for q in range(100))
    assert np.array_equal(model.state.role, roles)
    assert np.array_equal(model.state.guardian, guardian)
    assert sum(model.datacollector.model_vars["stopped_projects"]) == 0
    assert model.politics.central_stance == 0.0


def test_negative_election_period_is_rejected_with_the_allowed_range():
    with pytest.raises(ParameterError, match=r"election_period = -1 .*\[0, 40\]"):
        TimeParams(election_period=-1)


def test_re_elected_councils_renew_their_programme_and_keep_their_leader():
    """Turnover 0: a budget shock is forgotten at the election, the role stays."""
    model = EGovModel(small(turnover=0.0), rng=2)
    st = model.state
    programme, roles = st.priority.copy(), st.role.copy()
    st.priority *= 0.3  # shocks since the last election
    politics.municipal_election(model)
    assert np.array_equal(st.priority, programme)
    assert np.array_equal(st.role, roles)


def force_contra(monkeypatch) -> None:
    monkeypatch.setattr(politics, "stances", lambda rng, n, tide: np.full(n, politics.CONTRA))


def test_contra_majorities_stop_own_funded_projects_only(monkeypatch):
    """Stop probability 1: every own-funded, unmandated project of an unsponsored
    municipality stops; co-funded, mandated and sponsored ones go on."""
    force_contra(monkeypatch)
    model = EGovModel(small(turnover=1.0, stop_probability=1.0), rng=3)
    st = model.state
    st.guardian[:] = False
    st.guardian[0] = True
    st.status[:, 0] = IMPLEMENTING
    st.due[:, 0] = 100.0
    st.granted[1, 0] = 50.0
    st.mandated[2, 0] = 1
    politics.municipal_election(model)
    kept = np.zeros(st.n, dtype=bool)
    kept[:3] = True
    assert np.all(st.status[kept, 0] == IMPLEMENTING)
    assert np.all(st.status[~kept, 0] == NONE) and np.all(st.due[~kept, 0] == 0.0)
    assert model.politics.stopped == st.n - 3
    # and new contra majorities bring their (lower) programme
    assert st.priority.mean() < model.params.budget.priority_mean


def test_a_contra_central_government_softens_instruments_and_stops_builds(monkeypatch):
    force_contra(monkeypatch)
    model = EGovModel(small(turnover=1.0, stop_probability=1.0), rng=4)
    gov = model.central
    gov.platform[:] = politics.BUILDING
    politics.central_election(model)
    assert np.all(gov.platform == politics.NONE)
    assert model.politics.stopped == gov.platform.size
    model.effects.pressure[:] = 1.0
    politics.scale_instruments(model)
    assert np.allclose(
        model.effects.pressure, 1.0 - model.params.leadership.central_stance_intensity
    )


def test_without_champions_nobody_has_a_guardian_angel():
    """Guardian angels are sponsored by champions: none in office, none sponsored."""
    model = EGovModel(small(champion_share=0.0, guardian_share=1.0), rng=5)
    assert not model.state.guardian.any()
    model.run()
    assert not model.state.guardian.any()


def test_champions_sponsor_their_share_and_are_redrawn_at_changes():
    """Champion everywhere, guardian share 1: everyone is sponsored, through elections."""
    model = EGovModel(small(champion_share=1.0, guardian_share=1.0, turnover=1.0), rng=6)
    assert model.state.guardian.all()
    model.run()
    assert model.state.guardian.all()
    half = EGovModel(small(champion_share=1.0, guardian_share=0.5), rng=6)
    assert 0.3 < half.state.guardian.mean() < 0.7


def test_leadership_moves_the_standard_option_only():
    """The leadership term is an entrepreneur's push for joined-up work ([BCS-NZ]):
    it adds to the standard block's value and leaves the local build's untouched."""
    model = EGovModel(small(), rng=7)
    rule, blk = model.records.decision[0], model.records.blocks[0]
    cell = dict(
        trust=0.5, credibility=0.5, population=1e4, skills=0.7, risk_cut=0.0, belief=0.8,
        network=0.5, gross_cost=1e5, cut=0.0, grant=0.0, migrating=False, autonomy=0.4,
        common=0.1, pressure=0.0, standard_set=True,
    )  # fmt: skip
    lo, hi = dr.ValueCell(**cell, leadership=0.0), dr.ValueCell(**cell, leadership=0.6)
    assert dr.local_value(rule, blk, hi)[0] == dr.local_value(rule, blk, lo)[0]
    assert dr.standard_value(rule, blk, hi)[0] == pytest.approx(
        dr.standard_value(rule, blk, lo)[0] + 0.6
    )


def denmark(**leadership) -> ModelParams:
    p = ModelParams()
    return dc.replace(p, leadership=dc.replace(p.leadership, **leadership))


def runs(params: ModelParams, seeds) -> list[dict]:
    return [EGovModel(params, rng=s).run().datacollector.model_vars for s in seeds]


@pytest.mark.slow
def test_elections_raise_the_spread_of_adoption_paths_and_stop_projects():
    """Elections on (default period 16) vs off (0), 150 paired Denmark seeds.

    Expected: an election is a common shock. New councils of one election day lean
    the same way (national tide), their stance moves priority and leaders, a contra
    central government stops platform builds (and loses credibility), and contra
    councils stop projects: adoption paths differ more from run to run
    (stop-and-go; [UNeGov]: leadership must be sustained). Elections also undo part
    of the initial draw (a new majority redraws priority and leader), which narrows
    the spread, so the net effect is moderate: in trial runs the spread (mean over
    quarters of the cross-run SD of adoption) was 1.15-1.26 times that without
    elections (60 seeds, two roots) and 1.20 [1.10, ...] with 150. Asserted: the
    bootstrap 95% lower bound of the ratio (seed pairs resampled) above 1.
    Stopped projects: none without elections; about 12 per run with them (four
    municipal elections, half the councils change, a contra stance in half of those
    on average, own-funded projects under way stopped with probability 0.5, plus
    central builds), so at least 3 per run on average and a CI above 0.
    """
    seeds = SPREAD_SEEDS
    on = runs(denmark(), seeds)
    off = runs(with_period(denmark(), 0), seeds)
    path_on = np.array([mv["adoption_mun"] for mv in on])
    path_off = np.array([mv["adoption_mun"] for mv in off])
    rng = np.random.default_rng(0)
    ratios = []
    for _ in range(1000):
        k = rng.integers(0, len(seeds), len(seeds))  # resample seed pairs
        ratios.append(path_on[k].std(axis=0).mean() / path_off[k].std(axis=0).mean())
    assert np.quantile(ratios, 0.025) > 1.0, np.quantile(ratios, [0.025, 0.5])
    assert all(sum(b["stopped_projects"]) == 0 for b in off)
    stopped = np.array([sum(a["stopped_projects"]) for a in on], dtype=float)
    mean, _, low, _, _ = mean_ci(stopped)
    assert low > 0 and mean >= 3, (mean, low)


@pytest.mark.slow
def test_entrepreneurs_no_longer_raise_fragmentation():
    """Entrepreneur share 0 vs 0.24, 20 paired Denmark seeds.

    The leadership term now favours the standard only, so entrepreneurs should
    not build more local solutions. Before the change the difference in final
    fragmentation was +0.024 (SE 0.004, 12 seeds); we require the mean paired
    difference below half of that (0.012), and adoption still higher.
    """
    seeds = SEEDS[:20]
    hi, lo = (
        runs(denmark(entrepreneur_share=0.24), seeds),
        runs(denmark(entrepreneur_share=0.0), seeds),
    )
    frag = np.array(
        [a["fragmentation"][-1] - b["fragmentation"][-1] for a, b in zip(hi, lo, strict=True)]
    )
    adopt = np.array(
        [a["adoption_mun"][-1] - b["adoption_mun"][-1] for a, b in zip(hi, lo, strict=True)]
    )
    assert frag.mean() < 0.012, mean_ci(frag)
    assert adopt.mean() > 0, mean_ci(adopt)


@pytest.mark.slow
def test_an_entrepreneur_takes_off_one_to_two_years_earlier():
    """Own take-off of a public entrepreneur: bonus 0 vs the default, 16 paired seeds.

    [BCS-NZ] gives no number: joined-up work starts where an entrepreneur (with
    guardian angels and fellow travellers) makes it start. The model's stated
    assumption (docs/ODD.md §7.2) is that an entrepreneur's municipality adopts its
    first standard block one to two years (4-8 quarters) earlier than it would as a
    fellow traveller; 16 trial seeds gave 5.4 +/- 1.5 quarters. Asserted: the
    paired mean within [3, 10] quarters and its CI above 0 (roles are the same in
    both arms: they come from the initialisation and election streams).
    """
    diffs = []
    for seed in SEEDS[:16]:
        first = []
        for bonus in (0.0, ModelParams().decision.entrepreneur_bonus):
            p = ModelParams()
            p = dc.replace(p, decision=dc.replace(p.decision, entrepreneur_bonus=bonus))
            model = EGovModel(p, rng=seed)
            ent = model.state.role == ENTREPRENEUR
            model.run()
            at = model.state.adopted_at
            first.append(np.where(at >= 0, at, p.time.n_quarters).min(axis=1)[ent])
        diffs.append((first[0] - first[1]).mean())
    mean, _, low, _, _ = mean_ci(np.array(diffs))
    assert 3.0 <= mean <= 10.0 and low > 0, (mean, low)


def test_a_contra_government_does_not_stop_the_builds_a_mandate_obliges(monkeypatch):
    """The mandate is law: only voluntary builds are stopped, and they can be rebuilt."""
    from sim.model import central

    model = EGovModel(small(turnover=1.0, stop_probability=1.0), rng=5)
    gov = model.central
    gov.platform[[1, 2]] = central.BUILDING
    gov.due[[1, 2]] = 1e6
    gov.obliged[:] = False
    gov.obliged[1] = True
    monkeypatch.setattr(politics, "stances", lambda rng, n, tide: np.full(n, politics.CONTRA))
    politics.central_election(model)
    assert gov.platform[1] == central.BUILDING and gov.due[1] == 1e6
    assert gov.platform[2] == central.NONE and gov.due[2] == 0.0  # may be built again


def test_an_obliged_build_may_use_the_budget_beyond_the_free_share():
    """Obligatory spending: the free budget first, then the rest of the uncommitted budget."""
    from sim.model import central

    gov = EGovModel(small(), rng=5).central
    gov.free_budget, gov.obliged_budget = 10.0, 100.0
    assert not central._afford(gov, 50.0, obliged=False)
    assert (gov.free_budget, gov.obliged_budget) == (10.0, 100.0)
    assert central._afford(gov, 50.0, obliged=True)
    assert (gov.free_budget, gov.obliged_budget) == (0.0, 60.0)
    assert not central._afford(gov, 70.0, obliged=True)
