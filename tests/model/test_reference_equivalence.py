"""The compiled municipal decision equals the slow per-agent reference rule.

docs/ODD.md §3 and docs/architecture.md (performance design): the decision runs as
a compiled kernel over all municipalities, but must behave as the per-agent rule
does. Three checks, from the strictest to the broadest:

1. exact: at every decision of a few varied runs, the probabilities of starting the
   standard block and of building a local solution (``municipal.start_probabilities``,
   the production kernel's options, values and logit) agree with the reference to 1e-9;
2. distributional (slow): choices drawn from both sets of probabilities, with
   separate random streams, give the same distribution of starts per quarter;
3. custom rules: a choice rule passed to the model is the one used, and a compiled
   copy of the default rule reproduces the production run bit for bit.

The whole model against a naive per-agent Mesa model (loops, order, random
plumbing) is ``test_naive_equivalence.py``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from reference import reference_choices, reference_probabilities
from scipy import stats

import sim.model.municipal as municipal
from sim.instruments.base import Target
from sim.instruments.financial import FinancialIncentive
from sim.instruments.legislation import Legislation
from sim.model.jit import njit
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ExpectationParams, ModelParams, TimeParams
from sim.model.rules import decision as dr
from sim.model.state import ADOPTED, IMPLEMENTING, LOCAL

MANDATED = ("base_registers", "data_exchange", "e_payment", "digital_post", "portal")
N_SEEDS = 200
KS_ALPHA = 0.01


def funded_mandate(budget: float = 40e6) -> list:
    """Mandate with a finite co-funding pool: pressure, grants, refusals, variety."""
    return [
        Legislation(start=2, deadline=14, target=Target(blocks=MANDATED)),
        FinancialIncentive(start=2, share=0.75, budget=budget, target=Target(blocks=MANDATED)),
    ]


def vectorised_probabilities(model: EGovModel) -> tuple[np.ndarray, np.ndarray]:
    """The production kernel's probabilities at this decision."""
    return municipal.start_probabilities(model)


@contextlib.contextmanager
def spy_on_decisions(record: Callable[[EGovModel], None]) -> Iterator[None]:
    """Call ``record(model)`` at every municipal decision, just before it is taken."""
    original = municipal.decide

    def spying(model, u, block_order):
        record(model)
        return original(model, u, block_order)

    municipal.decide = spying
    try:
        yield
    finally:
        municipal.decide = original


def tiny_params(n_quarters: int = 16) -> ModelParams:
    return ModelParams(
        country=CountryParams(name="synthetic", n_municipalities=40, n_regions=3),
        time=TimeParams(n_quarters=n_quarters),
    )


# -- 1. exact ------------------------------------------------------------------------
def test_reference_equals_vectorised_probabilities_exactly(small_params):
    """Every decision of varied runs: the reference and the kernel agree to 1e-9."""
    seen = {"cells": 0, "p_loc": 0, "p_std": 0, "statuses": set(), "grant": 0, "migrating": 0}
    worst = [0.0]

    def record(model):
        ref_s, ref_l = (np.array(x) for x in reference_probabilities(model))
        vec_s, vec_l = vectorised_probabilities(model)
        assert ref_s.shape == vec_s.shape == (model.state.n, len(model.catalogue))
        np.testing.assert_allclose(ref_s, vec_s, rtol=0, atol=1e-9)
        np.testing.assert_allclose(ref_l, vec_l, rtol=0, atol=1e-9)
        worst[0] = max(worst[0], np.abs(ref_s - vec_s).max(), np.abs(ref_l - vec_l).max())
        st = model.state
        seen["cells"] += ref_s.size
        seen["p_std"] += int((ref_s > 0).sum())
        seen["p_loc"] += int((ref_l > 0).sum())
        seen["statuses"] |= set(np.unique(st.status).tolist())
        seen["grant"] += int((model.effects.offered_grant_share() > 0).sum())
        seen["migrating"] += int(((st.status == LOCAL) & (vec_s > 0)).sum())

    # Low trust makes local solutions an option on live platforms; mixed roles,
    # pressure, finite grant pools and failures give varied states.
    low_trust = ModelParams(
        country=small_params.country,
        time=small_params.time,
        decision=type(small_params.decision)(local_trust_threshold=0.6, consider_hazard=0.6),
    )
    # Forward-looking expectations (trend, prerequisites, the wait for others, §7.11).
    forward = ModelParams(
        country=small_params.country,
        time=small_params.time,
        expectations=ExpectationParams(
            adaptive_weight=0.5, trend_weight=0.5, prerequisite_weight=1.0, first_mover_weight=1.0
        ),
    )
    runs = [
        (small_params, funded_mandate()),
        (forward, funded_mandate()),
        (small_params, funded_mandate(budget=2e6)),
        (low_trust, funded_mandate()),
        (low_trust, []),
    ]
    with spy_on_decisions(record):
        for k, (params, instruments) in enumerate(runs):
            EGovModel(params=params, instruments=instruments, rng=100 + k).run()

    assert worst[0] <= 1e-9
    # The states compared were varied enough to exercise every branch of the rule.
    assert {ADOPTED, IMPLEMENTING, LOCAL} <= seen["statuses"], seen
    assert seen["p_std"] > 0 and seen["p_loc"] > 0 and seen["grant"] > 0, seen
    assert seen["migrating"] > 0, seen


# -- 2. distribution of drawn choices -------------------------------------------------
@pytest.mark.slow
def test_drawn_starts_have_the_same_distribution():
    """Choices drawn from reference and kernel probabilities on separate streams."""
    roots = np.random.SeedSequence(20260401).spawn(N_SEEDS)
    starts = {"ref": [], "vec": []}
    local = {"ref": [], "vec": []}
    decisions: list[tuple] = []

    def record(model):
        decisions.append((reference_probabilities(model), vectorised_probabilities(model)))

    for root in roots:
        model_seed, ref_seed, vec_seed = root.spawn(3)
        decisions.clear()
        with spy_on_decisions(record):
            EGovModel(params=tiny_params(), instruments=funded_mandate(), rng=model_seed).run()
        ref_rng, vec_rng = np.random.default_rng(ref_seed), np.random.default_rng(vec_seed)
        for (ref_s, ref_l), (vec_s, vec_l) in decisions:
            ref = np.array(reference_choices(ref_s, ref_l, ref_rng))
            u = vec_rng.random(vec_s.shape)
            vec = np.vectorize(dr.draw.py_func)(vec_s, vec_l, u)
            starts["ref"].append(int((ref != dr.WAIT).sum()))
            starts["vec"].append(int((vec != dr.WAIT).sum()))
            local["ref"].append(int((ref == dr.LOCAL_BUILD).sum()))
            local["vec"].append(int((vec == dr.LOCAL_BUILD).sum()))

    p_starts = stats.ks_2samp(starts["ref"], starts["vec"]).pvalue
    p_local = stats.ks_2samp(local["ref"], local["vec"]).pvalue
    print(f"KS starts per quarter p={p_starts:.3f}; local builds per quarter p={p_local:.3f}")
    assert np.mean(starts["vec"]) > 1.0  # the test has power: many starts to compare
    assert p_starts > KS_ALPHA
    assert p_local > KS_ALPHA


# -- 3. custom choice rules ----------------------------------------------------------
@njit
def never_start(rule, hazard, v_std, v_loc, can_std, can_loc, u):
    """A choice rule under which no municipality ever starts anything."""
    return dr.WAIT


@njit
def same_as_default(rule, hazard, v_std, v_loc, can_std, can_loc, u):
    """The default rule, compiled as a user's own function."""
    if not can_std and not can_loc:
        return dr.WAIT
    p_std, p_loc = dr.choice_probabilities(rule, hazard, v_std, v_loc, can_std, can_loc)
    return dr.draw(p_std, p_loc, u)


def test_custom_choice_rule_is_used():
    """The rule replaces the voluntary choice; a mandate's compulsory starts remain."""
    params = tiny_params(20)
    model = EGovModel(params=params, rng=5, choice_rule=never_start).run()
    assert max(model.datacollector.model_vars["implementing"]) == 0
    assert model.datacollector.model_vars["adoption_mun"][-1] == 0
    default = EGovModel(params=params, rng=5).run()
    assert default.datacollector.model_vars["adoption_mun"][-1] > 0
    compelled = EGovModel(
        params=params, instruments=funded_mandate(), rng=5, choice_rule=never_start
    )
    assert compelled.run().datacollector.model_vars["adoption_mun"][-1] > 0


def test_a_compiled_copy_of_the_default_rule_reproduces_the_run():
    params = tiny_params(24)
    a = EGovModel(params=params, instruments=funded_mandate(), rng=9).run()
    b = EGovModel(params=params, instruments=funded_mandate(), rng=9, choice_rule=same_as_default)
    b.run()
    for name, values in a.datacollector.model_vars.items():
        np.testing.assert_array_equal(values, b.datacollector.model_vars[name], err_msg=name)
