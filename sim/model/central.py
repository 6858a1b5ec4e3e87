"""The central government's decisions: which national platforms to build and fund.

Central is not a passive stage (docs/ODD.md §7.3): each quarter it reviews unbuilt
platforms and starts those whose national value, weighed by its priority and the
strength of its sponsor, beats the build cost and fits the year's budget. Builds
slip and overrun (fat-tailed) and can fail, as GOV.UK Verify did; a failure costs
central credibility and every lower level's trust.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

from sim.model import central_policy
from sim.model.cost_split import OVERRUN
from sim.model.rules.decision import annuity
from sim.model.rules.implementation import overrun

if TYPE_CHECKING:
    from sim.model.agents import CentralGovernment


class Platform(IntEnum):
    """State of a national platform (stored as int8)."""

    NONE = 0
    BUILDING = 1
    LIVE = 2
    FAILED = 3


NONE, BUILDING, LIVE, FAILED = Platform
PLATFORM_NAMES = ("none", "building", "live", "failed")


def new_year(gov: CentralGovernment) -> None:
    """Allocate the yearly budget; priority decides how much is free for new builds."""
    model = gov.model
    model.ledger.allocate("central", gov.budget_year)
    committed = float(np.minimum(gov.instalment * 4, gov.due).sum())
    gov.free_budget = max(gov.priority * gov.budget_year - committed, 0.0)
    # The rest of the uncommitted budget is not free for chosen builds, but a mandate's
    # platform is obligatory spending: it may draw on it (docs/ODD.md §7.3).
    gov.obliged_budget = max(gov.budget_year - committed, 0.0) - gov.free_budget


def step(gov: CentralGovernment) -> None:
    """Progress builds, settle finished ones, decide new builds, pay running costs."""
    model = gov.model
    rng = model.streams.central
    nb = len(gov.platform)
    u_prog, u_fail, u_dec, u_ovr = rng.random(nb), rng.random(nb), rng.random(nb), rng.random(nb)
    # The law in force: a contra government elected next quarter may not stop these builds.
    gov.obliged = model.effects.mandated.any(axis=0)
    _progress_builds(gov, u_prog, u_fail)
    _retry_failed(gov)
    _decide_builds(gov, u_dec, u_ovr)
    live = gov.platform == LIVE
    central_policy.set_standards(gov, live)  # its own rules (docs/ODD.md §7.3, steps 4-5)
    central_policy.adapt(gov, live)
    if gov.running is None:  # population and catalogue are fixed: computed once
        gov.running = model.blocks.running_platform * model.state.population.sum() / 4.0
    cost = float(gov.running[gov.platform == LIVE].sum())
    if cost > 0:
        model.ledger.spend("central", cost, "platform running")


def _progress_builds(gov: CentralGovernment, u_prog: np.ndarray, u_fail: np.ndarray) -> None:
    model = gov.model
    building = gov.platform == BUILDING
    if not building.any():
        return
    slip = model.params.implementation.slip_probability * (1.0 - gov.leadership)
    advanced = building & (u_prog >= slip)
    pay = np.where(building, np.minimum(gov.instalment, gov.due), 0.0)
    _book_build(model, pay, gov.overrun_share)
    gov.due -= pay
    gov.remaining[advanced] -= 1
    done = building & (gov.remaining <= 0)
    if not done.any():
        return
    _book_build(model, np.where(done, gov.due, 0.0), gov.overrun_share)
    gov.due[done] = 0.0
    cp = model.params.central
    p_fail = model.blocks.platform_failure * (
        1.0 + cp.leadership_failure_effect * (0.5 - gov.leadership)
    )
    failed = done & (u_fail < p_fail)
    gov.platform[done & ~failed] = LIVE
    gov.platform[failed] = FAILED
    gov.since[done] = model.quarter
    n_failed = int(failed.sum())
    if n_failed:
        gov.failures += n_failed
        lose_credibility(gov, n_failed)
        shock = model.params.trust.failure_shock * n_failed
        model.effects.trust_central_neg += shock
        model.effects.region_trust_neg += shock
    n_live = int((done & ~failed).sum())
    if n_live:
        gov.credibility += (1.0 - gov.credibility) * (1.0 - (1.0 - cp.credibility_gain) ** n_live)


def lose_credibility(gov: CentralGovernment, n: int) -> None:
    """Central's delivery record after ``n`` platform builds that came to nothing.

    A failed build and a build stopped by a new government both cost
    ``central.credibility_loss`` of the credibility each (docs/ODD.md §7.2, §7.3).
    """
    gov.credibility *= (1.0 - gov.model.params.central.credibility_loss) ** n


def _book_build(model, pay: np.ndarray, overrun_share: np.ndarray) -> None:  # noqa: ANN001
    """Book build payments: the part above the planned cost as ``overrun``."""
    over = float((pay * overrun_share).sum())
    build = float(pay.sum()) - over
    if build > 0:
        model.ledger.spend("central", build, "platform build")
    if over > 0:
        model.ledger.spend("central", over, OVERRUN)


def _retry_failed(gov: CentralGovernment) -> None:
    """A failed platform may be re-tendered after the retry delay."""
    model = gov.model
    wait = model.params.decision.retry_after
    again = (gov.platform == FAILED) & (model.quarter - gov.since >= wait)
    gov.platform[again] = NONE


def _decide_builds(gov: CentralGovernment, u: np.ndarray, u_ovr: np.ndarray) -> None:
    """Start builds whose weighted national value beats their cost, within budget.

    Overruns are computed from their draws only when a build starts: elementwise, so
    the values are the same as computing them every quarter.
    """
    model = gov.model
    blocks, cat = model.blocks, model.catalogue
    ready = gov.platform == NONE
    if not ready.any():  # every platform live, building or failed: nothing to decide
        return
    live_or_building = (gov.platform == LIVE) | (gov.platform == BUILDING)
    prereq_ok = ~(blocks.prereq & ~live_or_building[None, :]).any(axis=1)
    candidates = np.flatnonzero(ready & prereq_ok)
    if candidates.size == 0:
        return
    dp, cp = model.params.decision, model.params.central
    overruns = None  # computed when a build starts
    pv = annuity(dp.horizon_years, dp.discount_rate)
    pop = model.state.population.sum()
    pop_w = model.state.population
    skills = float((model.state.skills * pop_w).sum() / pop_w.sum())  # as np.average
    # A mandate on a block commits central to provide its platform: the legal
    # obligation adds the mean pressure it puts on municipalities to central's value.
    # Only obligations (cells with a mandator) count: incentives and rankings press
    # municipalities, not central's build plans.
    eff = model.effects
    if eff.mandator.size and eff.mandator.any():
        commitment = np.where(eff.mandated, eff.pressure, 0.0).mean(axis=0)
    else:  # no obligation anywhere: the mean of zeros
        commitment = np.zeros(len(gov.platform))
    factor = model.money.platform_factor  # the country's size and price level
    for b in candidates:
        blk = cat[int(b)]
        cost = blk.platform_cost * factor
        national = blocks.benefit[b] * pop * skills * pv * cp.expected_coverage
        ratio = national * gov.priority * (0.5 + gov.leadership) / max(cost, 1.0)
        ratio += commitment[b]
        hazard = 1.0 if commitment[b] > 0 else cp.build_hazard  # the law obliges a review now
        p = hazard / (1.0 + np.exp(-(ratio - 1.0) / dp.logit_scale))
        yearly = cost / max(blk.platform_quarters / 4.0, 1.0)
        if u[b] < p and _afford(gov, yearly, commitment[b] > 0):
            if overruns is None:
                overruns = overrun(u_ovr, model.params.implementation)
            total = cost * (1.0 + cp.platform_overrun_scale * overruns[b])
            gov.platform[b] = BUILDING
            gov.since[b] = model.quarter
            quarters = max(blk.platform_quarters, 1)  # a zero build time means "next quarter"
            gov.remaining[b] = quarters
            gov.due[b] = total
            gov.instalment[b] = total / quarters
            gov.overrun_share[b] = max(total - cost, 0.0) / total if total > 0 else 0.0


def _afford(gov: CentralGovernment, yearly: float, obliged: bool) -> bool:
    """Take a build's first year from the free budget; an obliged build may use the rest.

    A platform a mandate obliges is the law, not a choice of the government's programme:
    whatever its priority, central finds the money in its uncommitted budget (as
    municipalities find obligatory spending beyond their envelope, §7.1). The free
    budget is drawn first. Returns False (and takes nothing) when the build does not fit.
    """
    room = gov.free_budget + (gov.obliged_budget if obliged else 0.0)
    if yearly > room:
        return False
    from_free = min(yearly, gov.free_budget)
    gov.free_budget -= from_free
    gov.obliged_budget -= yearly - from_free
    return True
