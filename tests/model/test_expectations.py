"""Expected coverage and coordination devices (docs/ODD.md §7.11; pattern P9 in test_patterns).

Checks of the rule's algebra, of the static default (the model values blocks at the
coverage it sees, as before expectations existed) and of what each coordination
device announces. The behavioural pattern (stall, tip, shorter stall with a device)
is the slow P9 test in tests/test_patterns.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.instruments.agreements import CommonVision, CooperationAgreement
from sim.instruments.base import Target
from sim.instruments.legislation import Legislation
from sim.model.expectations import expected_network, expected_network_cells
from sim.model.model import EGovModel
from sim.model.params import ExpectationParams, ModelParams
from sim.model.rules import expectations as er

FORWARD = ExpectationParams(
    adaptive_weight=0.5, trend_weight=0.5, prerequisite_weight=1.0, first_mover_weight=1.0
)


def test_signal_never_lowers_an_expectation_and_zero_signal_changes_nothing():
    expected = np.linspace(0.0, 1.0, 11)
    for s in (0.0, 0.3, 1.0, 2.0):
        heard = er.with_signal(expected, np.full(11, s), 1.0)
        assert (heard >= expected - 1e-15).all() and (heard <= 1.0).all()
    np.testing.assert_array_equal(er.with_signal(expected, np.zeros(11), 1.0), expected)
    # A signal s closes the share s of the gap: 0.2 expected, 0.5 heard -> 0.6.
    assert er.with_signal(np.array([0.2]), np.array([0.5]), 1.0)[0] == pytest.approx(0.6)
    np.testing.assert_array_equal(er.with_signal(expected, np.ones(11), 0.0), expected)


def test_adaptive_expectation_moves_part_way_and_weight_one_is_the_observation():
    assert er.adapted(np.array([0.1]), np.array([0.5]), 0.25)[0] == pytest.approx(0.2)
    observed = np.array([0.3, 0.7])
    np.testing.assert_array_equal(er.adapted(np.array([0.1, 0.1]), observed, 1.0), observed)
    # Trend over half a 32-quarter horizon: 0.1 + 0.5 * 32 * 0.02 = 0.42; capped at 1.
    got = er.extrapolated(np.array([0.1, 0.9]), np.array([0.02, 0.02]), 32.0, 0.5)
    np.testing.assert_allclose(got, [0.42, 1.0])


def test_follow_on_blocks_are_anchored_on_their_least_expected_prerequisite():
    prereq = np.array([[False, False, False], [False, False, False], [True, True, False]])
    expected = np.array([0.8, 0.4, 0.1])
    np.testing.assert_allclose(er.anchored(expected, prereq, 0.5), [0.8, 0.4, 0.2])
    np.testing.assert_array_equal(er.anchored(expected, prereq, 0.0), expected)


def test_static_default_values_blocks_at_the_coverage_seen_now():
    """Default expectations are static: decisions see exactly the current network factor."""
    model = EGovModel(rng=5)
    for _ in range(20):
        model.step()
        np.testing.assert_array_equal(expected_network(model), model.network_now())
    assert model.records.municipal["first_mover_weight"][0] == 0.0


def test_forward_looking_expectations_lead_rising_coverage():
    """With a rising trend governments expect more than they see (extrapolation)."""
    model = EGovModel(params=ModelParams(expectations=FORWARD), rng=5)
    ahead = []
    for _ in range(30):
        model.step()
        ahead.append(model.expectations.expected - model.coverage())
    rising = model.expectations.trend > 1e-3
    assert rising.any()
    assert (np.asarray(ahead)[-1][rising] > 0).all()


def test_first_mover_cost_vanishes_without_network_benefits():
    """Blocks without network benefits (factor 1) carry no value of waiting for others."""
    cost = [er.first_mover_cost(1.0, n) for n in (1.0, 0.3, 0.65)]
    np.testing.assert_allclose(cost, [0.0, 0.7, 0.35])
    assert er.first_mover_cost(0.0, 0.3) == 0.0


def test_announced_mandate_signals_the_mandated_share_times_its_credibility():
    """Everyone hears it: the targeted population share of each block x credibility."""
    large = Target(min_population=50_000, blocks=("digital_post",))
    law = Legislation(start=0, deadline=12, credibility=0.6, target=large)
    model = EGovModel(instruments=[law], rng=2)
    model.step()
    pop = model.state.population
    share = pop[pop >= 50_000].sum() / pop.sum()
    b = model.catalogue.index("digital_post")
    signal = model.effects.coverage_signal
    np.testing.assert_allclose(signal[:, b], share * 0.6)  # every row, not only the targeted
    assert not np.delete(signal, b, axis=1).any()
    np.testing.assert_array_less(expected_network(model)[b], expected_network_cells(model)[:, b])


def test_agreement_signals_only_once_signed():
    tool = CooperationAgreement(start=0, negotiation_quarters=3, expectation_credibility=0.5)
    model = EGovModel(instruments=[tool], rng=2)
    for _ in range(3):
        model.step()
        assert not model.effects.coverage_signal.any()
    model.step()
    np.testing.assert_allclose(model.effects.coverage_signal, 0.5)  # all signed, all blocks


def test_central_commitment_is_discounted_by_central_credibility():
    vision = CommonVision(start=0, committed_coverage=0.8)
    model = EGovModel(instruments=[vision], rng=2)
    model.step()
    credibility = float(model.central.credibility)
    np.testing.assert_allclose(model.effects.coverage_signal, 0.8 * credibility)


def test_signal_weight_zero_switches_devices_off():
    params = ModelParams(expectations=ExpectationParams(signal_weight=0.0))
    model = EGovModel(params=params, instruments=[CommonVision(committed_coverage=1.0)], rng=2)
    model.step()
    assert model.effects.coverage_signal.any()
    cells = expected_network_cells(model)
    np.testing.assert_array_equal(cells, np.broadcast_to(expected_network(model), cells.shape))
