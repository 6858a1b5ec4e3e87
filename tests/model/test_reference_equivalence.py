"""The vectorised municipal decision equals the slow per-agent reference rule.

docs/ODD.md §3 and docs/architecture.md, Performance design: the decision kernel runs on
arrays over all municipalities, but must behave as the per-agent rule does. Three
checks, from the strictest to the broadest:

1. exact: at every decision of a few varied runs, the probabilities of starting the
   standard block and of building a local solution agree to 1e-9;
2. distributional (slow): choices drawn from both sets of probabilities, with
   separate random streams, give the same distribution of starts per quarter;
3. full model (slow): a model whose municipal decision uses the reference
   probabilities gives the same distribution of outcomes as the production model.
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
from sim.model import decisions as dk
from sim.model import fused_decide
from sim.model.model import EGovModel
from sim.model.params import CountryParams, DecisionParams, ModelParams, TimeParams
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
    """The production path of ``municipal.decide`` up to the probabilities."""
    st, dp = model.state, model.params.decision
    inp = municipal.decision_inputs(model)
    can_std, can_loc = municipal.options(model)
    v_std, _ = dk.standard_value(inp, model.blocks, dp, migrating=st.status == LOCAL)
    v_loc, _ = dk.local_value(inp, model.blocks, dp, model.standard_set())
    return dk.choice_probabilities(v_std, v_loc, can_std, can_loc, dp.consider_hazard, dp)


@contextlib.contextmanager
def spy_on_decisions(record: Callable[[EGovModel], None]) -> Iterator[None]:
    """Call ``record(model)`` at every municipal decision, just before it is taken.

    Spies on both decision paths: the numpy kernel and the compiled one that
    production runs (``tests/model/test_fused.py`` holds the two equal).
    """
    originals = {mod: mod.decide for mod in (municipal, fused_decide)}

    def spy(original):
        def spying(model, u, block_order):
            record(model)
            return original(model, u, block_order)

        return spying

    for mod, original in originals.items():
        mod.decide = spy(original)
    try:
        yield
    finally:
        for mod, original in originals.items():
            mod.decide = original


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
    runs = [
        (small_params, funded_mandate()),
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
            vec = dk.draw_choices(vec_s, vec_l, vec_rng.random(vec_s.shape))
            starts["ref"].append(int((ref != dk.WAIT).sum()))
            starts["vec"].append(int((vec != dk.WAIT).sum()))
            local["ref"].append(int((ref == dk.LOCAL_BUILD).sum()))
            local["vec"].append(int((vec == dk.LOCAL_BUILD).sum()))

    p_starts = stats.ks_2samp(starts["ref"], starts["vec"]).pvalue
    p_local = stats.ks_2samp(local["ref"], local["vec"]).pvalue
    print(f"KS starts per quarter p={p_starts:.3f}; local builds per quarter p={p_local:.3f}")
    assert np.mean(starts["vec"]) > 1.0  # the test has power: many starts to compare
    assert p_starts > KS_ALPHA
    assert p_local > KS_ALPHA


# -- 3. full model --------------------------------------------------------------------
class NaiveEGovModel(EGovModel):
    """EGovModel whose municipal choice probabilities come from the per-agent reference.

    Uses the model's decision hook (``EGovModel.choice_probabilities``): the reference
    loops over every agent and block, and the candidate rows are taken from its
    result. The budget constraint, costs and everything else stay the production code.
    """

    reference_calls = 0

    def choice_probabilities(self, rows, v_std, v_loc, can_std, can_loc):
        self.reference_calls += 1
        p_std, p_loc = reference_probabilities(self)
        return np.asarray(p_std, dtype=float)[rows], np.asarray(p_loc, dtype=float)[rows]


def fresh(seed: np.random.SeedSequence) -> np.random.SeedSequence:
    """An unused copy: the model spawns from (and so mutates) the SeedSequence it gets."""
    return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)


def outcomes(cls: type[EGovModel], seed, n_quarters: int) -> dict[str, float]:
    """Final adoption, quarter 50% adoption is reached (censored) and final trust.

    A funded mandate on every block and brisk reviews, so that most runs reach 50%
    adoption within the horizon and the time-to-50% test has power.
    """
    base = tiny_params(n_quarters)
    params = ModelParams(
        country=base.country, time=base.time, decision=DecisionParams(consider_hazard=0.6)
    )
    mandate = [Legislation(start=2, deadline=12), FinancialIncentive(start=2, share=0.9)]
    model = cls(params=params, instruments=mandate, rng=fresh(seed))
    model.run()
    adoption = np.asarray(model.datacollector.model_vars["adoption_mun"])
    reached = np.flatnonzero(adoption >= 0.5)
    return {
        "adoption_mun": float(adoption[-1]),
        "time_to_50": float(reached[0]) if reached.size else float(n_quarters),  # censored
        "trust_mc": float(model.datacollector.model_vars["trust_mc"][-1]),
        "trajectory": adoption,
        "reference_calls": getattr(model, "reference_calls", 0),
    }


@pytest.mark.slow
def test_naive_model_matches_production_in_distribution():
    """Production and naive models over independent seeds: KS on three outcomes."""
    n_quarters = 32
    seeds_a = np.random.SeedSequence(11).spawn(N_SEEDS)
    seeds_b = np.random.SeedSequence(12).spawn(N_SEEDS)
    prod = [outcomes(EGovModel, s, n_quarters) for s in seeds_a]
    naive = [outcomes(NaiveEGovModel, s, n_quarters) for s in seeds_b]

    # The hook engaged: every quarter of every naive run used the reference.
    assert all(r["reference_calls"] == n_quarters for r in naive)
    assert all(r["reference_calls"] == 0 for r in prod)
    pvalues = {}
    for key in ("adoption_mun", "time_to_50", "trust_mc"):
        a, b = [r[key] for r in prod], [r[key] for r in naive]
        pvalues[key] = stats.ks_2samp(a, b).pvalue
    print("KS full model:", {k: round(v, 3) for k, v in pvalues.items()})
    # The outcomes vary and 50% is reached in most runs, so the tests have power.
    assert np.std([r["adoption_mun"] for r in prod]) > 0.01
    assert np.mean([r["time_to_50"] < n_quarters for r in prod]) > 0.5
    for key, p in pvalues.items():
        assert p > KS_ALPHA, (key, p)

    # Paired seeds: the same random numbers give the same run, path for path.
    same = 0
    for s, r in zip(seeds_a[:10], prod[:10], strict=True):
        same += np.array_equal(
            outcomes(NaiveEGovModel, s, n_quarters)["trajectory"], r["trajectory"]
        )
    assert same == 10
