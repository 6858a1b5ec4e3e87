"""Implementations: slips, capacity, support, failure, duration, overruns (ODD §7.5, §7.6).

An implementation takes the block's time, longer when a quarter's work slips
(likelier with low ICT capacity) and shorter with support (shared centres, task
forces). It ends 'red' with a chance that rises as capacity falls and support
shrinks (roughly a quarter of large projects fail). Its cost overruns are
fat-tailed: a logistic body and a Pareto tail, mean about +45% with ~17% of
projects above +200% (Flyvbjerg & Budzier 2011; McKinsey & Oxford 2012; see
docs/calibration-sources.md §5).

Each random number is used once: the uniform that decides whether a quarter's work
advanced is rescaled to a fresh uniform for the success draw of a finishing
implementation, and one uniform serves both parts of the overrun mixture (exact
conditional uniforms), so the stages draw the same number of values every quarter
whatever the state (common random numbers).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model.jit import njit, pick
from sim.model.rules.numeric import clip


class ImplementationRule(NamedTuple):
    """Parameters of municipal implementations (from ``ImplementationParams`` and others)."""

    centre_support: float  # share: support a shared-centre member gets
    centre_capacity: float  # staff: ICT capacity a centre adds to a member
    capacity_half: float  # staff at which own capacity is one half
    support_capacity: float  # share: capacity added per unit of support
    slip_probability: float  # 1/quarter: chance a quarter slips at zero capacity
    fail_capacity_effect: float  # -: failure hazard increase at zero capacity
    support_failure_cut: float  # share: failure hazard cut at full support
    failure_belief_drop: float  # share: belief lost after a failure
    joint_success_weight: float  # events: trust gain of a joint success with central
    support_speedup: float  # share: duration cut at full support

    @classmethod
    def from_params(cls, params) -> ImplementationRule:
        """Build from ``ModelParams`` (implementation first: regions have a slip rate too)."""
        p = params
        return pick(cls, p.implementation, p.regional, p.decision, p.trust)


@njit
def support(rule: ImplementationRule, instrument_support: float, centre_member: bool) -> float:
    """Implementation support of a cell: instruments plus centre membership, in [0, 1]."""
    return clip(instrument_support + (rule.centre_support if centre_member else 0.0), 0.0, 1.0)


@njit
def capacity(rule: ImplementationRule, staff: float, centre_member: bool, support: float) -> float:
    """Effective capacity: own staff pooled with the centre's, saturating, plus support."""
    pooled = staff + (rule.centre_capacity if centre_member else 0.0)
    own = pooled / (pooled + rule.capacity_half)
    return clip(own + rule.support_capacity * support, 0.0, 1.0)


@njit
def advance(slip_probability: float, capacity: float, u: float):
    """(advanced, u_next): whether a quarter's work got done; ``u`` rescaled if it did."""
    slip = slip_probability * (1.0 - clip(capacity, 0.0, 1.0))
    advanced = u >= slip
    u_next = (u - slip) / max(1.0 - slip, 1e-12) if advanced else 1.0
    return advanced, u_next


@njit
def failure_probability(
    rule: ImplementationRule, base: float, capacity: float, support: float, extra: float
) -> float:
    """Chance a finished implementation ends 'red' (``extra`` from instruments)."""
    p = base * (1.0 + rule.fail_capacity_effect * (1.0 - capacity))
    p = clip(p * (1.0 - rule.support_failure_cut * clip(support, 0.0, 1.0)), 0.0, 0.95)
    return clip(p + extra, 0.0, 0.95)


@njit
def duration(rule: ImplementationRule, block_quarters: float, support: float) -> int:
    """Quarters an implementation takes: the block's time, shortened by support, >= 1."""
    return max(int(np.ceil(block_quarters * (1.0 - rule.support_speedup * support))), 1)


def overrun(u: np.ndarray, ip) -> np.ndarray:
    """Fat-tailed cost overrun share from one uniform per cell (``ip``: ImplementationParams).

    A mixture: with probability ``overrun_tail_probability`` a black swan whose
    overrun is Pareto(alpha) from ``overrun_tail_min``, capped; otherwise a
    logistic body (unit-variance logistic scaled by ``overrun_body_sd``, floored at
    ``overrun_floor``). Below the tail probability the uniform is rescaled to a
    fresh uniform for the tail, above it for the body.

    The one rule evaluated with numpy over the starting cells rather than compiled
    per cell: numpy's vectorised ``log`` and ``power`` are what the published
    outputs were computed with, and they can differ from the C library's in the
    last bit. Works on arrays of any shape, including 0-d (one cell).
    """
    u = np.asarray(u, dtype=np.float64)
    p = ip.overrun_tail_probability
    in_tail = u < p
    n_tail = np.count_nonzero(in_tail)
    # Each part is computed elementwise on all cells, and skipped when no cell uses it.
    if n_tail:
        tail_u = np.minimum(np.maximum(u / p, 1e-12), 1.0) if p > 0 else np.ones_like(u)
        tail = np.minimum(
            ip.overrun_tail_min * tail_u ** (-1.0 / ip.overrun_tail_alpha), ip.overrun_cap
        )
        if n_tail == u.size:
            return tail
    body_u = (
        np.minimum(np.maximum((u - p) / (1.0 - p), 1e-12), 1.0 - 1e-12)
        if p < 1
        else np.full_like(u, 0.5)
    )
    z = np.log(body_u / (1.0 - body_u)) * (np.sqrt(3.0) / np.pi)
    body = np.maximum(ip.overrun_body_mean + ip.overrun_body_sd * z, ip.overrun_floor)
    return np.where(in_tail, tail, body) if n_tail else body


@njit
def region_failure_probability(failure_scale: float, base: float) -> float:
    """Chance a region's own implementation fails: professional staff, a fraction of the base."""
    return failure_scale * base
