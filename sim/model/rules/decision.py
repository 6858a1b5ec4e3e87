"""The adoption decision of one decision maker for one block (docs/ODD.md §7.5, §7.11).

The value of starting block *b* is a net present value made dimensionless by
dividing by the gross integration cost, so that the additive terms (peer influence,
instrument pressure, leadership, autonomy) weigh the same in a village and in a
capital::

    V_ib = [ (1 - p_fail') * PV(private benefit * take-up * network * belief * credibility)
             - PV(running cost) - net cost ] / gross cost
           - autonomy_weight * autonomy_i * (1 - visibility_b)
           + peer_weight_i * share of neighbours adopted + leadership_i (standard only)
           + instrument pressure_ib

Private benefit excludes the spillover share: this is where "sow here, harvest
there" enters (OECD 2009). Low trust in the platform owner discounts the benefit
(credibility) and inflates the perceived failure risk. A local non-standard
solution needs no trust in another level and keeps the service visible, but costs
more, earns only part of the benefit and none of the network benefit
(fragmentation). The choice among waiting, the standard block and a local build is
a multinomial logit thinned by a review hazard.

Municipalities (``kernels/decide.py``) and regions (``kernels/regional.py``) call
the same functions; only their inputs differ.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

import numpy as np

from sim.model.jit import njit, pick
from sim.model.rules.numeric import clip, nan_max
from sim.model.state import ENTREPRENEUR, FELLOW, LAGGARD


class Choice(IntEnum):
    """What a decision maker does with a block this quarter."""

    WAIT = 0
    STANDARD = 1  # start implementing the standard block
    LOCAL_BUILD = 2  # start building a local non-standard solution


WAIT, STANDARD, LOCAL_BUILD = Choice


class DecisionRule(NamedTuple):
    """Parameters of the value rule and the choice (from ``DecisionParams``).

    Kernels receive it as a record (``jit.record``) with the same field names.
    """

    pv: float  # years: present value of 1 EUR a year over the appraisal horizon
    credibility_weight: float  # share: benefit discount at zero trust
    risk_inflation: float  # -: perceived failure risk inflation at zero trust
    migration_cost_share: float  # share of gross cost paid to leave a local solution
    autonomy_weight: float  # index: cost of giving up visible local services
    local_benefit_share: float  # share: benefit of a local solution vs the standard
    network_floor: float  # share: benefit realised with no one else connected
    local_cost_factor: float  # -: cost of a local solution relative to integration
    logit_scale: float  # index: noise of the logit choice
    wait_value: float  # index: value of waiting

    @classmethod
    def from_params(cls, dp) -> DecisionRule:
        """Build from ``DecisionParams`` (the appraisal horizon becomes an annuity)."""
        return pick(cls, dp, pv=annuity(dp.horizon_years, dp.discount_rate))


class BlockColumns(NamedTuple):
    """(B,) catalogue columns the kernels read; kernels get them as one table of records.

    ``jit.table`` turns them into a structured array with one record per block, so
    a rule reads ``blk.benefit`` of the block it is given.
    """

    benefit: np.ndarray  # EUR per citizen-year at full take-up
    spillover: np.ndarray  # share of the benefit falling to other levels
    visibility: np.ndarray  # share: visibility of the service to voters
    running: np.ndarray  # EUR per inhabitant-year
    failure: np.ndarray  # share: failure hazard of an implementation
    divisor: np.ndarray  # years over which a start commits its cost: max(quarters / 4, 1)
    quarters: np.ndarray  # int: integration time in quarters
    central_owned: np.ndarray  # bool: the platform is central's (else regions')
    prereq_mask: np.ndarray  # int64: bit p set if block p is a prerequisite

    @classmethod
    def from_blocks(cls, blocks) -> BlockColumns:
        """Build from the model's ``BlockArrays`` (at most 62 blocks: one bit each)."""
        prereq = np.asarray(blocks.prereq, dtype=bool)
        if prereq.shape[0] > 62:
            raise ValueError(f"at most 62 building blocks are supported, got {prereq.shape[0]}")
        bits = np.left_shift(np.int64(1), np.arange(prereq.shape[0], dtype=np.int64))
        return cls(
            benefit=np.asarray(blocks.benefit, dtype=np.float64),
            spillover=np.asarray(blocks.spillover, dtype=np.float64),
            visibility=np.asarray(blocks.visibility, dtype=np.float64),
            running=np.asarray(blocks.running, dtype=np.float64),
            failure=np.asarray(blocks.failure, dtype=np.float64),
            divisor=np.maximum(blocks.quarters / 4.0, 1.0).astype(np.float64),
            quarters=np.asarray(blocks.quarters, dtype=np.int64),
            central_owned=np.asarray(blocks.central_owned, dtype=bool),
            prereq_mask=(prereq * bits[None, :]).sum(axis=1).astype(np.int64),
        )


class ValueCell(NamedTuple):
    """What one decision maker knows about one block this quarter."""

    trust: float  # trust in the level owning the platform
    credibility: float  # delivery record of central
    population: float  # inhabitants served
    skills: float  # expected eventual take-up (share with digital skills)
    risk_cut: float  # share of perceived risk removed (guardian angel)
    belief: float  # belief that the block delivers its benefit
    network: float  # network factor of the standard block now
    gross_cost: float  # EUR: integration cost before cuts and grants
    cut: float  # share of gross cost saved (centres, reuse, standards)
    grant: float  # share of gross cost expected as a grant
    migrating: bool  # runs a local solution now: forgoes it and pays a migration cost
    autonomy: float  # autonomy concern of the decision maker
    common: float  # peer influence (both options)
    pressure: float  # instrument pressure on the cell
    standard_set: bool  # an interoperability standard exists for the block
    leadership: float  # leadership term: favours the standard option only (§7.2)


def annuity(years: float, rate: float) -> float:
    """Present value of 1 EUR a year for ``years`` years at ``rate``."""
    if rate <= 0:
        return float(years)
    return float((1.0 - (1.0 + rate) ** -years) / rate)


def network_factor(coverage: np.ndarray, exponent: np.ndarray, floor: float) -> np.ndarray:
    """(B,) benefit share realised when ``coverage`` of the population is connected.

    Evaluated once a quarter for the B blocks with numpy (its power function is
    the one the published outputs were computed with).
    """
    return floor + (1.0 - floor) * np.minimum(np.maximum(coverage, 0.0), 1.0) ** exponent


@njit
def leadership_term(role: int, bonus: float, penalty: float) -> float:
    """Value added by the leadership role: entrepreneurs start sooner, laggards later."""
    if role == ENTREPRENEUR:
        return bonus
    if role == LAGGARD:
        return -penalty
    return 0.0


@njit
def peer_weight(role: int, weight: float, follower_boost: float) -> float:
    """Weight of neighbours' adoption: fellow travellers follow peers more."""
    return weight * (1.0 + follower_boost if role == FELLOW else 1.0)


@njit
def local_yearly(rule: DecisionRule, blk, pop_skills: float, belief: float) -> float:
    """Yearly private benefit of a local solution: own share only, network floor."""
    return blk.benefit * rule.local_benefit_share * rule.network_floor * pop_skills * belief


@njit
def standard_value(rule: DecisionRule, blk, c: ValueCell):
    """(value index, net cost in EUR) of starting the standard block ``blk`` (its record)."""
    pv = rule.pv
    cred = 1.0 - rule.credibility_weight * (1.0 - 0.5 * (c.trust + c.credibility))
    inflation = 1.0 + rule.risk_inflation * (1.0 - c.trust)
    risk = clip(blk.failure * inflation * (1.0 - c.risk_cut), 0.0, 0.95)
    pop_skills = c.population * c.skills
    yearly = blk.benefit * (1.0 - blk.spillover) * pop_skills * c.network * c.belief * cred
    benefit = (1.0 - risk) * yearly * pv
    running = blk.running * c.population * pv
    gross = nan_max(c.gross_cost, 1.0)
    net_cost = gross * clip(1.0 - c.cut - c.grant, 0.0, 1.0)
    if c.migrating:
        benefit = benefit - local_yearly(rule, blk, pop_skills, c.belief) * pv
        net_cost = net_cost + rule.migration_cost_share * gross
    index = (benefit - running - net_cost) / gross
    autonomy = rule.autonomy_weight * c.autonomy * (1.0 - blk.visibility)
    return index - autonomy + c.common + c.leadership + c.pressure, net_cost


@njit
def local_value(rule: DecisionRule, blk, c: ValueCell):
    """(value index, cost in EUR) of building a local non-standard solution of ``blk``.

    Grants target the standard only, and so does leadership: an entrepreneur leads
    joined-up work ([BCS-NZ]), not a solution of its own. Instrument pressure (an
    obligation to have the service) counts for a local build only where no
    interoperability standard is set: without a common standard any working
    solution complies, which is how a mandate without standards fragments
    (Germany's OZG, pattern P5).
    """
    pv = rule.pv
    gross = nan_max(c.gross_cost, 1.0)
    risk = clip(blk.failure * (1.0 - c.risk_cut), 0.0, 0.95)
    benefit = (1.0 - risk) * local_yearly(rule, blk, c.population * c.skills, c.belief) * pv
    running = rule.local_cost_factor * blk.running * c.population * pv
    cost = rule.local_cost_factor * gross * clip(1.0 - c.cut, 0.0, 1.0)
    value = (benefit - running - cost) / gross + c.common
    return value + (0.0 if c.standard_set else c.pressure), cost


@njit
def compulsory_pull(obligation: float, credibility: float, signal: float) -> float:
    """Chance this quarter that a mandated cell is started because it must be.

    ``obligation`` is how far the deadline has come (announcement share .. 1 at and
    after the deadline), ``credibility`` the enforcement credibility the mandate
    carries (lowered by each announced extension) and ``signal`` what sanctions and
    monitoring add to it. A mandate nobody expects to be enforced pulls nothing.
    """
    return obligation * clip(credibility + signal, 0.0, 1.0)


@njit
def compulsory_choice(
    can_std: bool, can_loc: bool, standard_set: bool, v_std: float, v_loc: float, has_local: bool
) -> int:
    """What a compelled municipality starts.

    With an interoperability standard set only the standard block complies, so a
    local solution must migrate. Without one any working solution complies: one
    already running (``has_local``) is left alone, otherwise the municipality builds
    whichever open option it values more (how a mandate without standards
    fragments, P5).
    """
    if not standard_set and has_local:
        return WAIT
    if standard_set:
        return STANDARD if can_std else WAIT
    if can_std and (not can_loc or v_std >= v_loc):
        return STANDARD
    return LOCAL_BUILD if can_loc else WAIT


@njit
def choice_probabilities(
    rule: DecisionRule, hazard: float, v_std: float, v_loc: float, can_std: bool, can_loc: bool
):
    """(p_std, p_loc) this quarter: a multinomial logit thinned by the review hazard.

    The logit is over {wait, standard, local} among the options available; with no
    local option it reduces to ``hazard * logistic((V - wait) / scale)``.
    """
    if not can_std and not can_loc:
        return 0.0, 0.0
    s = rule.logit_scale
    zs = v_std / s if can_std else -np.inf
    zl = v_loc / s if can_loc else -np.inf
    zw = rule.wait_value / s
    top = nan_max(nan_max(zs, zl), zw)
    # exp(-inf - top) is exactly 0: unavailable options skip the call.
    es = np.exp(zs - top) if can_std else 0.0
    el = np.exp(zl - top) if can_loc else 0.0
    ew = np.exp(zw - top)
    total = es + el + ew
    return hazard * es / total, hazard * el / total


@njit
def draw(p_std: float, p_loc: float, u: float) -> int:
    """WAIT, STANDARD or LOCAL_BUILD from one uniform draw."""
    if u < p_std:
        return STANDARD
    if u >= p_std and u < p_std + p_loc:
        return LOCAL_BUILD
    return WAIT


@njit
def choose(
    rule: DecisionRule,
    hazard: float,
    v_std: float,
    v_loc: float,
    can_std: bool,
    can_loc: bool,
    u: float,
) -> int:
    """WAIT, STANDARD or LOCAL_BUILD: the model's choice rule (see :class:`EGovModel`)."""
    if not can_std and not can_loc:  # both probabilities are exactly 0
        return WAIT
    p_std, p_loc = choice_probabilities(rule, hazard, v_std, v_loc, can_std, can_loc)
    return draw(p_std, p_loc, u)
