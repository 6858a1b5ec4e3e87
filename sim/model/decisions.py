"""Vectorised adoption-decision kernel (MODEL.md §6 Decision to adopt).

Pure functions over arrays of decision makers × blocks: the same kernel serves all
municipalities at once and, with one row per region, the regional governments. The
slow per-agent reference in ``tests/model/reference.py`` implements the same rule
in plain Python loops; the equivalence test checks both give the same distribution.

The value of starting block *b* for decision maker *i* is a net present value made
dimensionless by dividing by the gross integration cost, so that the additive
terms (peer influence, instrument pressure, leadership, autonomy) weigh the same in
a village and in a capital::

    V_ib = [ (1 - p_fail') * PV(private benefit * take-up * network * belief * credibility)
             - PV(running cost) - net cost ] / gross cost
           - autonomy_weight * autonomy_i * (1 - visibility_b)
           + peer_weight_i * share of neighbours adopted
           + instrument pressure_ib + leadership_i

Private benefit excludes the spillover share ("sow here, harvest there"). Low trust
in the platform owner discounts the benefit (credibility) and inflates the
perceived failure risk. The choice among waiting, the standard block and a local
non-standard solution is a multinomial logit, thinned by a review hazard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.blocks import Catalogue
from sim.model.fastmath import clip
from sim.model.params import DecisionParams

WAIT, STANDARD, LOCAL_BUILD = 0, 1, 2


@dataclass(frozen=True)
class BlockArrays:
    """Catalogue columns as (B,) arrays, built once per model."""

    benefit: np.ndarray
    spillover: np.ndarray
    network_exponent: np.ndarray
    visibility: np.ndarray
    failure: np.ndarray
    running: np.ndarray
    quarters: np.ndarray
    stage: np.ndarray
    once_only: np.ndarray
    running_platform: np.ndarray
    platform_failure: np.ndarray
    central_owned: np.ndarray
    prereq: np.ndarray  # (B, B) bool, [b, p]: p is a (transitive) prerequisite of b


def block_arrays(catalogue: Catalogue, central_branding: float = 0.0) -> BlockArrays:
    """Extract kernel inputs; central branding lowers visibility to municipalities."""

    def col(name: str, dtype: type = float) -> np.ndarray:
        return np.array([getattr(b, name) for b in catalogue], dtype=dtype)

    return BlockArrays(
        benefit=col("benefit_per_capita"),
        spillover=col("spillover_share"),
        network_exponent=col("network_exponent"),
        visibility=col("visibility") * (1.0 - central_branding),
        failure=col("failure_hazard"),
        running=col("running_per_capita"),
        quarters=col("integration_quarters", int),
        stage=col("maturity_stage", int),
        once_only=col("once_only", bool),
        running_platform=col("platform_running_per_capita"),
        platform_failure=col("platform_failure_hazard"),
        central_owned=np.array([b.owner == "central" for b in catalogue], dtype=bool),
        prereq=np.asarray(catalogue.prerequisite_matrix, dtype=bool),
    )


def annuity(years: float, rate: float) -> float:
    """Present value of 1 EUR a year for ``years`` years at ``rate``."""
    if rate <= 0:
        return float(years)
    return float((1.0 - (1.0 + rate) ** -years) / rate)


def network_factor(coverage: np.ndarray, exponent: np.ndarray, floor: float) -> np.ndarray:
    """Benefit share realised when ``coverage`` of the population is connected."""
    return floor + (1.0 - floor) * clip(coverage, 0.0, 1.0) ** exponent


@dataclass
class ValueInputs:
    """Everything the value rule reads, as arrays over N decision makers."""

    population: np.ndarray  # (N,)
    skills: np.ndarray  # (N,) expected eventual take-up
    autonomy: np.ndarray  # (N,)
    trust_owner: np.ndarray  # (N,) or (N, B) trust in the platform-owning level
    credibility: float  # delivery record of the owner
    leadership: np.ndarray  # (N,) leadership term
    peer_weight: np.ndarray  # (N,)
    risk_cut: np.ndarray  # (N,) share of perceived risk removed (guardian angels)
    belief: np.ndarray  # (N, B)
    peer_share: np.ndarray  # (N, B)
    pressure: np.ndarray  # (N, B)
    grant: np.ndarray  # (N, B) co-funding share of gross cost
    cost_cut: np.ndarray  # (N, B) share of gross cost saved (centres, reuse, standards)
    gross_cost: np.ndarray  # (N, B)
    fail_prob: np.ndarray  # (N, B) or (1, B): failure hazard as known (block base rate)
    network: np.ndarray  # (B,) network factor of the standard block now


def standard_value(
    inp: ValueInputs, blocks: BlockArrays, dp: DecisionParams, migrating: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Value index and net cost (EUR) of starting the standard block.

    Args:
        inp: Decision inputs.
        blocks: Catalogue arrays.
        dp: Decision parameters.
        migrating: (N, B) bool, rows that run a local solution now: they forgo its
            benefit and pay a migration cost on top.

    Returns:
        ``(value, net_cost)``, both (N, B).
    """
    pv = annuity(dp.horizon_years, dp.discount_rate)
    trust = as_cells(inp.trust_owner)
    cred = 1.0 - dp.credibility_weight * (1.0 - 0.5 * (trust + inp.credibility))
    risk = perceived_risk(inp, dp)
    yearly = (
        blocks.benefit[None, :]
        * (1.0 - blocks.spillover[None, :])
        * (inp.population * inp.skills)[:, None]
        * inp.network[None, :]
        * inp.belief
        * cred
    )
    benefit = (1.0 - risk) * yearly * pv
    running = blocks.running[None, :] * inp.population[:, None] * pv
    gross = np.maximum(inp.gross_cost, 1.0)
    net_cost = gross * clip(1.0 - inp.cost_cut - inp.grant, 0.0, 1.0)
    if migrating is not None and migrating.any():
        local_yearly = local_yearly_benefit(inp, blocks, dp)
        benefit = benefit - np.where(migrating, local_yearly * pv, 0.0)
        net_cost = net_cost + np.where(migrating, dp.migration_cost_share * gross, 0.0)
    npv_index = (benefit - running - net_cost) / gross
    value = (
        npv_index
        - dp.autonomy_weight * inp.autonomy[:, None] * (1.0 - blocks.visibility[None, :])
        + common_terms(inp)
        + inp.pressure
    )
    return value, net_cost


def local_value(
    inp: ValueInputs, blocks: BlockArrays, dp: DecisionParams, standard_set: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Value index and cost of building a local non-standard solution.

    A local solution needs no trust in another level and keeps the service visible,
    but it costs more, earns only part of the benefit, and none of the network
    benefit (fragmentation). Grants target the standard only. Instrument pressure
    (an obligation to have the service) also counts for a local build where no
    interoperability standard is set (``standard_set``, (B,) bool): without a common
    standard any working solution complies, which is how a mandate without
    standards fragments (Germany's OZG, MODEL.md P5).
    """
    pv = annuity(dp.horizon_years, dp.discount_rate)
    gross = np.maximum(inp.gross_cost, 1.0)
    risk = clip(inp.fail_prob * (1.0 - inp.risk_cut[:, None]), 0.0, 0.95)
    benefit = (1.0 - risk) * local_yearly_benefit(inp, blocks, dp) * pv
    running = dp.local_cost_factor * blocks.running[None, :] * inp.population[:, None] * pv
    cost = dp.local_cost_factor * gross * clip(1.0 - inp.cost_cut, 0.0, 1.0)
    pressure = np.where(standard_set[None, :], 0.0, inp.pressure)
    return (benefit - running - cost) / gross + common_terms(inp) + pressure, cost


def local_yearly_benefit(inp: ValueInputs, blocks: BlockArrays, dp: DecisionParams) -> np.ndarray:
    """Yearly private benefit of a local solution: own share only, network floor."""
    return (
        blocks.benefit[None, :]
        * dp.local_benefit_share
        * dp.network_floor
        * (inp.population * inp.skills)[:, None]
        * inp.belief
    )


def perceived_risk(inp: ValueInputs, dp: DecisionParams) -> np.ndarray:
    """Failure risk as perceived: inflated by distrust, cut by a guardian angel."""
    inflation = 1.0 + dp.risk_inflation * (1.0 - as_cells(inp.trust_owner))
    return clip(inp.fail_prob * inflation * (1.0 - inp.risk_cut[:, None]), 0.0, 0.95)


def as_cells(values: np.ndarray) -> np.ndarray:
    """View a per-row (N,) array as (N, 1) so it broadcasts over blocks; (N, B) passes."""
    return values[:, None] if values.ndim == 1 else values


def common_terms(inp: ValueInputs) -> np.ndarray:
    """Peer influence and leadership, shared by the standard and local options."""
    return inp.peer_weight[:, None] * inp.peer_share + inp.leadership[:, None]


def choice_probabilities(
    v_std: np.ndarray,
    v_loc: np.ndarray,
    can_std: np.ndarray,
    can_loc: np.ndarray,
    hazard: float,
    dp: DecisionParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-quarter probabilities of starting the standard or a local solution.

    Multinomial logit over {wait, standard, local} among the options available,
    thinned by the review hazard; with no local option it reduces to
    ``hazard * logistic((V - wait) / scale)``.
    """
    s = dp.logit_scale
    big = -np.inf
    zs = np.where(can_std, v_std / s, big)
    zl = np.where(can_loc, v_loc / s, big)
    zw = np.full_like(zs, dp.wait_value / s)
    top = np.maximum(np.maximum(zs, zl), zw)
    es, el, ew = np.exp(zs - top), np.exp(zl - top), np.exp(zw - top)
    total = es + el + ew
    return hazard * es / total, hazard * el / total


def draw_choices(p_std: np.ndarray, p_loc: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Map one uniform draw per cell to WAIT, STANDARD or LOCAL_BUILD."""
    choice = np.full(u.shape, WAIT, dtype=np.int8)
    choice[u < p_std] = STANDARD
    choice[(u >= p_std) & (u < p_std + p_loc)] = LOCAL_BUILD
    return choice


def prerequisites_met(done: np.ndarray, prereq: np.ndarray) -> np.ndarray:
    """(N, B) bool: every prerequisite of block b is done for row i.

    ``done`` is (N, B) bool; ``prereq[b, p]`` marks p as a prerequisite of b. Only
    blocks that have prerequisites are checked, one boolean ``all`` over their
    prerequisite columns each: exact, and cheaper than an integer matrix product
    on large arrays (small ones keep the single product, which has less overhead).
    """
    if done.size < 20_000:  # small: one integer product beats a call per block
        return ((~done).astype(np.int32) @ prereq.T.astype(np.int32)) == 0
    met = np.ones(done.shape, dtype=bool)
    for b in np.flatnonzero(prereq.any(axis=1)):
        met[:, b] = done[:, prereq[b]].all(axis=1)
    return met
