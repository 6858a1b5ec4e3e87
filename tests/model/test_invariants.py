"""Invariants that must hold after every quarter, whatever the parameters (hypothesis).

docs/architecture.md (Tests that matter): shares in [0, 1], money conserved,
prerequisites respected, no adoption before a platform exists, trust bounded.
Models are tiny (10-40 municipalities, 8-16 quarters) so a few examples are cheap.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.instruments.base import Target
from sim.instruments.financial import FinancialIncentive
from sim.instruments.legislation import Legislation
from sim.model import central as central_codes
from sim.model.blocks import load_catalogue
from sim.model.metrics import BLOCK_METRICS, SCALAR_METRICS
from sim.model.model import EGovModel
from sim.model.params import (
    CountryParams,
    DecisionParams,
    ModelParams,
    TimeParams,
    TrustParams,
)
from sim.model.state import ADOPTED, FAILED, IMPLEMENTING, LOCAL, NONE

STATUS_CODES = {NONE, IMPLEMENTING, ADOPTED, LOCAL, FAILED}
PLATFORM_CODES = {
    central_codes.NONE,
    central_codes.BUILDING,
    central_codes.LIVE,
    central_codes.FAILED,
}
MATURITY_SHARES = tuple(
    m for m in SCALAR_METRICS if m.startswith("maturity_") and m.removeprefix("maturity_").isdigit()
)
SHARE_METRICS = (
    "adoption_mun",
    "adoption_pop",
    "adoption_regional",
    "platforms_live",
    "implementing",
    "fragmentation",
    "takeup",
    "once_only",
    "trust_mc",
    "trust_mr",
    "trust_rc",
    "credibility",
    *MATURITY_SHARES,
)
NAN_WITHOUT_REGIONS = {"adoption_regional", "trust_mr", "trust_rc"}
CATALOGUE = load_catalogue()
MANDATED = ("base_registers", "data_exchange", "e_payment", "digital_post", "portal")


@st.composite
def scenarios(draw) -> tuple[EGovModel, dict]:
    n_regions = draw(st.integers(0, 3))
    params = ModelParams(
        country=CountryParams(
            name="synthetic", n_municipalities=draw(st.integers(10, 40)), n_regions=n_regions
        ),
        time=TimeParams(n_quarters=draw(st.integers(8, 16))),
        decision=DecisionParams(
            peer_weight=draw(st.floats(0.0, 5.0)),
            consider_hazard=draw(st.floats(0.0, 1.0)),
            local_trust_threshold=draw(st.floats(0.0, 1.0)),
        ),
        trust=TrustParams(
            gain_rate=draw(st.floats(0.0, 1.0)),
            loss_ratio=draw(st.floats(0.0, 20.0)),
        ),
    )
    spill = draw(st.floats(0.0, 1.0))
    catalogue = CATALOGUE.with_overrides({k: {"spillover_share": spill} for k in CATALOGUE.keys})
    instruments = []
    if draw(st.booleans()):
        start = draw(st.integers(0, 6))
        instruments.append(
            Legislation(start=start, deadline=start + 6, target=Target(blocks=MANDATED))
        )
    if draw(st.booleans()):
        budget = draw(st.sampled_from([0.0, 1e6, 2e7, math.inf]))
        instruments.append(
            FinancialIncentive(
                start=draw(st.integers(0, 6)),
                share=draw(st.floats(0.0, 1.0)),
                budget=budget,
                run_by=draw(st.sampled_from(["central", "regional"])) if n_regions else "central",
            )
        )
    seed = draw(st.integers(0, 2**32 - 1))
    model = EGovModel(params=params, catalogue=catalogue, instruments=instruments, rng=seed)
    return model, {"seed": seed, "instruments": instruments}


def in_unit(x: np.ndarray | float) -> bool:
    x = np.asarray(x, dtype=float)
    return bool(np.all((x >= 0.0) & (x <= 1.0)))


def check_shares(model: EGovModel) -> None:
    q = model.quarter
    for name in SHARE_METRICS:
        v = model.current[name]
        if model.rstate.n == 0 and name in NAN_WITHOUT_REGIONS:
            assert math.isnan(v), (q, name, v)
            continue
        assert 0.0 <= v <= 1.0, (q, name, v)
    for metric in BLOCK_METRICS:
        for name in model.block_metric_names[metric]:
            assert 0.0 <= model.current[name] <= 1.0, (q, name, model.current[name])
    assert MATURITY_SHARES  # the shares exist and, being exclusive levels, sum to <= 1
    assert sum(model.current[name] for name in MATURITY_SHARES) <= 1.0 + 1e-12


def check_state_bounds(model: EGovModel) -> None:
    s, q = model.state, model.quarter
    assert in_unit(s.trust_central) and in_unit(s.trust_region), q
    assert in_unit(model.rstate.trust_central), q
    assert 0.0 <= model.central.credibility <= 1.0, q
    assert in_unit(s.belief), q
    assert in_unit(s.takeup) and in_unit(s.skills), q
    assert np.all(s.takeup <= s.skills[:, None] + 1e-12), q
    assert np.all(np.isfinite(s.free_budget)) and np.all(s.free_budget >= 0), q
    assert np.all(s.due >= -1e-6), q


def check_money(model: EGovModel) -> None:
    led = model.ledger
    total = max(sum(led.budget.values()), 1.0)
    assert led.conservation_error() / total < 1e-9, (model.quarter, led.conservation_error())
    for pool in (inst.pool for inst in model.instruments if hasattr(inst, "pool")):
        assert pool.paid >= 0 and pool.remaining >= -1e-6 * max(pool.paid, 1.0), pool


def check_codes(model: EGovModel) -> None:
    assert set(np.unique(model.state.status).tolist()) <= STATUS_CODES
    assert set(np.unique(model.rstate.status).tolist()) <= STATUS_CODES
    assert set(np.unique(model.central.platform).tolist()) <= PLATFORM_CODES


def check_platforms_and_prerequisites(model: EGovModel, history: dict) -> None:
    """No standard adoption without a live platform; prerequisites before dependants."""
    s, q = model.state, model.quarter
    live = (model.central.platform == central_codes.LIVE) | ~model.blocks.central_owned
    # A platform once live stays live (so "live when it started" = "live now").
    assert not np.any(history["live"] & ~live), q
    history["live"] = history["live"] | live
    standard_cells = (s.status == ADOPTED) | ((s.status == IMPLEMENTING) & ~s.building_local)
    assert not np.any(standard_cells & ~live[None, :]), q
    prereq = model.blocks.prereq  # [b, p]: p is a prerequisite of b
    adopted = s.status == ADOPTED
    running = s.running  # adopted, local, or local while migrating to the standard
    for b in range(s.n_blocks):
        needs = prereq[b]
        if not needs.any():
            continue
        ok_std = adopted[:, needs].all(axis=1)
        bad = standard_cells[:, b] & ~ok_std
        assert not bad.any(), (q, "standard", b, np.flatnonzero(bad))
        ok_loc = running[:, needs].all(axis=1)
        bad = s.local[:, b] & ~ok_loc
        history["local_violations"] += int(bad.sum())


def run_and_check(model: EGovModel) -> dict:
    history = {"live": np.zeros(len(model.catalogue), dtype=bool), "local_violations": 0}
    while model.running:
        model.step()
        check_shares(model)
        check_state_bounds(model)
        check_money(model)
        check_codes(model)
        check_platforms_and_prerequisites(model, history)
    return history


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_invariants_hold_every_quarter(scenario):
    model, _ = scenario
    history = run_and_check(model)
    assert model.quarter == model.params.time.n_quarters
    assert history["local_violations"] == 0


def test_local_solutions_keep_their_prerequisites():
    """A running local solution needs its prerequisites running (adopted or local).

    Regression: migrating a local prerequisite to the standard used to stop its local
    service (status IMPLEMENTING) and a failed migration destroyed it (FAILED) while
    dependent local solutions kept running. A migrating cell now keeps its local
    service running and a failed migration reverts to LOCAL.
    """
    params = ModelParams(
        country=CountryParams(name="synthetic", n_municipalities=40, n_regions=3),
        time=TimeParams(n_quarters=40),
        decision=DecisionParams(local_trust_threshold=0.7, consider_hazard=0.6),
    )
    mandate = Legislation(start=10, deadline=20, target=Target(blocks=MANDATED))
    model = EGovModel(params=params, instruments=[mandate], rng=0)
    history = run_and_check(model)
    assert history["local_violations"] == 0
