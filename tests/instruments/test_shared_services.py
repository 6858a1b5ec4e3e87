"""Shared services: resource centres help small municipalities most (P8); software reuse
is cheaper and faster but carries lock-in risk."""

from __future__ import annotations

import numpy as np
import pytest

from sim.instruments.shared_services import SharedResourceCentre, SoftwareReuse
from sim.model.fields import ParameterError
from sim.model.model import EGovModel
from sim.model.params import CooperationParams, ModelParams
from sim.model.params.geography import CountryParams
from sim.model.state import IMPLEMENTING

SEEDS = np.random.SeedSequence(808).spawn(6)
# 200 municipalities, lognormal sizes ~[2, 28, 79, 57, 34] per class, no regional tier
# and no endogenous co-operation (docs/ODD.md §7.4): the national centre is the only
# one, so its members and fees are all the instrument's.
SYNTHETIC = ModelParams(
    country=CountryParams(name="synthetic", n_municipalities=200, n_regions=0),
    cooperation=CooperationParams(enabled=False),
)


def adoption_by_size(model: EGovModel) -> tuple[float, float]:
    """Mean adoption share of small (classes 0-1) and large (3-4) municipalities."""
    share = model.state.adopted.mean(axis=1)
    size = model.state.size_class
    return float(share[size <= 1].mean()), float(share[size >= 3].mean())


def test_centre_raises_small_municipalities_adoption_more_than_large_ones():
    # Measured: small +0.12 (0.075 to 0.19), large +0.007 (0 to 0.022); 6/6 seeds.
    gain_small, gain_large, gap_cut = [], [], []
    for seed in SEEDS:
        base = EGovModel(params=SYNTHETIC, rng=seed).run()
        centre = SharedResourceCentre()
        with_centre = EGovModel(params=SYNTHETIC, instruments=[centre], rng=seed).run()
        (s0, l0), (s1, l1) = adoption_by_size(base), adoption_by_size(with_centre)
        gain_small.append(s1 - s0)
        gain_large.append(l1 - l0)
        gap_cut.append(base.current["size_gap"] - with_centre.current["size_gap"])
        assert centre.n_members > 0
        assert not with_centre.state.centre_member[with_centre.state.size_class > 2].any()
    diff = np.subtract(gain_small, gain_large)
    assert np.mean(gain_small) > 0.05
    assert np.mean(diff) > 0.05 and sum(d > 0 for d in diff) >= 5
    assert np.mean(gap_cut) > 0.03


def test_running_level_pays_per_member_and_members_gain_trust():
    seed = SEEDS[0]
    base = EGovModel(params=SYNTHETIC, rng=seed)
    centre = SharedResourceCentre(cost_per_member=40_000.0)
    model = EGovModel(params=SYNTHETIC, instruments=[centre], rng=seed)
    member_quarters = 0
    for _ in range(20):
        base.step()
        model.step()
        member_quarters += centre.n_members
    booked = model.ledger.category("central", "instrument:shared_resource_centre")
    # Joiners pay from their first quarter: 40k/yr = 10k per member-quarter.
    assert booked == pytest.approx(centre.cost_booked)
    assert booked == pytest.approx(10_000.0 * member_quarters)
    members = centre.members
    assert model.state.trust_central[members].mean() > base.state.trust_central[members].mean()


def test_regional_centre_books_to_regions_and_builds_regional_trust():
    params = ModelParams(country=CountryParams(name="denmark"))
    seed = SEEDS[1]
    base = EGovModel(params=params, rng=seed).run(20)
    centre = SharedResourceCentre(run_by="regional", max_size_class=4, join_probability=0.5)
    model = EGovModel(params=params, instruments=[centre], rng=seed).run(20)
    assert centre.n_members > 0
    assert model.ledger.category("regional", "instrument:shared_resource_centre") > 0
    assert model.ledger.category("central", "instrument:shared_resource_centre") == 0
    members = centre.members
    assert model.state.trust_region[members].mean() > base.state.trust_region[members].mean()


def test_centre_closes_at_end_and_members_leave():
    centre = SharedResourceCentre(end=12, join_probability=1.0)
    model = EGovModel(params=SYNTHETIC, instruments=[centre], rng=SEEDS[2])
    model.run(11)
    assert model.state.centre_member.sum() == centre.n_members > 0
    model.run(1)
    assert centre.n_members == 0 and not model.state.centre_member.any()


def test_regional_centre_needs_a_regional_tier():
    with pytest.raises(ParameterError, match="run_by"):
        EGovModel(params=SYNTHETIC, instruments=[SharedResourceCentre(run_by="regional")])


# -- software reuse ----------------------------------------------------------------------
REUSE_SEEDS = np.random.SeedSequence(909).spawn(8)


def reuse_run(
    seed: np.random.SeedSequence, instruments: list, params: ModelParams | None = None
) -> dict[str, float]:
    """Denmark, 60 quarters: adoption, integration spend per adopted cell, failure rate."""
    model = EGovModel(params=params, instruments=instruments, rng=seed)
    starts = 0
    for q in range(model.params.time.n_quarters):
        model.step()
        st = model.state
        starts += int(((st.status == IMPLEMENTING) & (st.since == q)).sum())
    failures = model.datacollector.get_model_vars_dataframe()["failed_now"].sum()
    spend = model.ledger.category("municipal", "integration")
    return {
        "adoption": model.current["adoption_mun"],
        "spend_per_adopted": spend / max(int(model.state.adopted.sum()), 1),
        "failure_rate": failures / max(starts, 1),
    }


def test_reuse_raises_adoption_lowers_spend_and_carries_lock_in_risk():
    """[JoinedUp] (Kansas reusing Missouri's software): cheaper, so more adopt where money binds.

    Adoption is judged on Austria, where small municipalities' budgets bind (+0.062
    measured, 8/8 seeds higher); on Denmark the envelope rarely binds since small
    places pay the fixed cost in proportion to their size (§7.1), and the gain there
    is under 0.01. Spend and lock-in risk on Denmark: integration spend per adopted
    cell -19% (8/8); failures per start 0.212 vs 0.170 without the lock-in risk (8/8).
    """
    austria = ModelParams(country=CountryParams(name="austria"))
    d_adopt, spend_ratio, d_fail = [], [], []
    for seed in REUSE_SEEDS:
        base = reuse_run(seed, [])
        reuse = reuse_run(seed, [SoftwareReuse()])
        no_risk = reuse_run(seed, [SoftwareReuse(extra_failure=0.0)])
        at_base, at_reuse = (
            reuse_run(seed, [], austria),
            reuse_run(seed, [SoftwareReuse()], austria),
        )
        d_adopt.append(at_reuse["adoption"] - at_base["adoption"])
        spend_ratio.append(reuse["spend_per_adopted"] / base["spend_per_adopted"])
        d_fail.append(reuse["failure_rate"] - no_risk["failure_rate"])
    assert np.mean(d_adopt) > 0.03 and sum(d > 0 for d in d_adopt) >= 7
    assert np.mean(spend_ratio) < 0.9 and all(r < 1.0 for r in spend_ratio)
    assert np.mean(d_fail) > 0.02 and sum(d > 0 for d in d_fail) >= 7


def test_vendor_collapse_ends_the_arrangement_and_costs_trust():
    seed = REUSE_SEEDS[0]
    reuse = SoftwareReuse()
    model = EGovModel(instruments=[reuse], rng=seed)
    twin = EGovModel(instruments=[SoftwareReuse()], rng=seed)
    model.run(8)
    twin.run(8)
    hit = (model.state.status == IMPLEMENTING).any(axis=1)
    assert hit.any() and reuse.failed_at is None
    object.__setattr__(reuse.p, "vendor_failure_probability", 1.0)
    model.step()
    twin.step()
    assert reuse.failed_at == 8
    assert model.state.trust_central[hit].mean() < twin.state.trust_central[hit].mean()
    model.step()
    assert not model.effects.cost_cut.any() and not model.effects.support.any()
    assert model.effects.extra_failure.any()  # lock-in stays on projects begun before


def test_instrument_centre_fee_is_booked_once_in_a_country_with_regions():
    """Regions charge only their own centres' members; the instrument pays its own."""
    from sim.instruments.shared_services import SharedResourceCentre
    from sim.model.params import ModelParams, RegionalParams

    # Regions never found their own centre here (a region would need only small members).
    params = ModelParams(regional=RegionalParams(centre_small_share=1.0))
    model = EGovModel(params, instruments=[SharedResourceCentre(start=4)], rng=77).run(40)
    assert model.state.instrument_member.any()
    assert not model.rstate.hosts_centre.any()
    assert model.ledger.category("regional", "shared centre") == 0.0
    assert model.ledger.category("central", "instrument:shared_resource_centre") > 0
