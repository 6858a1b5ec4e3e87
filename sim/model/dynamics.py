"""Vectorised kernels for implementation, trust, beliefs and citizens (MODEL.md §6).

Pure functions of arrays and uniform draws. Callers draw random numbers for *every*
cell each quarter, whatever its state, so two scenarios run with the same seed
consume the same random stream: scenario differences are then paired (common
random numbers) instead of drowned in reshuffled noise.
"""

from __future__ import annotations

import numpy as np

from sim.model.fastmath import clip
from sim.model.params import CitizenParams, ImplementationParams, TrustParams


def overrun(u: np.ndarray, ip: ImplementationParams) -> np.ndarray:
    """Fat-tailed cost overrun share from one uniform per cell (CALIBRATION.md §5).

    A mixture: with probability ``overrun_tail_probability`` a black swan whose
    overrun is Pareto(alpha) from ``overrun_tail_min``, capped; otherwise a
    logistic body (unit-variance logistic scaled by ``overrun_body_sd``, floored at
    ``overrun_floor``). One uniform serves both parts: below the tail probability it is rescaled
    to a fresh uniform for the tail, above it for the body (exact conditional
    uniforms), which saves random numbers in the hot path. The defaults give a mean
    near +45% with ~17% of projects above +200% (McKinsey/Oxford).
    """
    p = ip.overrun_tail_probability
    in_tail = u < p
    n_tail = np.count_nonzero(in_tail)
    # Each part is computed elementwise on all cells, and skipped when no cell uses it.
    if n_tail:
        tail_u = clip(u / p, 1e-12, 1.0) if p > 0 else np.ones_like(u)
        tail = np.minimum(
            ip.overrun_tail_min * tail_u ** (-1.0 / ip.overrun_tail_alpha), ip.overrun_cap
        )
        if n_tail == u.size:
            return tail
    body_u = clip((u - p) / (1.0 - p), 1e-12, 1.0 - 1e-12) if p < 1 else np.full_like(u, 0.5)
    z = np.log(body_u / (1.0 - body_u)) * (np.sqrt(3.0) / np.pi)
    body = np.maximum(ip.overrun_body_mean + ip.overrun_body_sd * z, ip.overrun_floor)
    return np.where(in_tail, tail, body) if n_tail else body


def progress(u: np.ndarray, capacity: np.ndarray, ip: ImplementationParams):
    """Whether a quarter of work gets done (slips likelier with low capacity).

    Returns ``(advanced, u_next)``: ``u_next`` is the same uniform rescaled to a fresh
    uniform on the cells that advanced, so the success-or-failure draw of a
    finishing implementation needs no second random number.
    """
    slip = ip.slip_probability * (1.0 - clip(capacity, 0.0, 1.0))
    advanced = u >= slip
    u_next = np.where(advanced, (u - slip) / np.maximum(1.0 - slip, 1e-12), 1.0)
    return advanced, u_next


def failure_probability(
    base: np.ndarray, capacity: np.ndarray, support: np.ndarray, ip: ImplementationParams
) -> np.ndarray:
    """Chance an implementation ends 'red': higher with low capacity, lower with support."""
    cap = clip(capacity, 0.0, 1.0)
    p = (
        base
        * (1.0 + ip.fail_capacity_effect * (1.0 - cap))
        * (1.0 - ip.support_failure_cut * clip(support, 0, 1))
    )
    return clip(p, 0.0, 0.95)


def update_trust(
    trust: np.ndarray,
    pos: np.ndarray,
    neg: np.ndarray,
    baseline: float | np.ndarray,
    tp: TrustParams,
) -> np.ndarray:
    """Asymmetric trust update: slow gains, fast losses, decay to a baseline.

    ``pos`` and ``neg`` are this quarter's experiences (in event units). Gains close
    a share of the gap to 1, losses remove a share of the level, each saturating so
    trust stays in [0, 1] whatever the number of events.
    """
    gain = 1.0 - np.exp(-tp.gain_rate * pos)
    loss = 1.0 - np.exp(-tp.gain_rate * tp.loss_ratio * neg)
    t = trust + gain * (1.0 - trust) - loss * trust
    t = t + tp.decay * (baseline - t)
    return clip(t, 0.0, 1.0)


def update_beliefs(
    belief: np.ndarray,
    success_share: np.ndarray,
    failure_share: np.ndarray,
    push: np.ndarray,
    learning: float,
) -> np.ndarray:
    """Move beliefs towards what neighbours experienced, plus external pushes.

    The observed success rate among neighbours who finished (adopted or failed) is
    the evidence; its weight grows with how many neighbours have finished.
    """
    seen = success_share + failure_share
    observed = np.divide(success_share, seen, out=np.zeros_like(seen), where=seen > 0)
    weight = learning * clip(seen, 0.0, 1.0)
    b = belief + weight * (observed - belief)
    b = b + push * (1.0 - b)
    return clip(b, 0.0, 1.0)


def bass_takeup(
    takeup: np.ndarray, ceiling: np.ndarray, active: np.ndarray, cp: CitizenParams
) -> np.ndarray:
    """One quarter of Bass diffusion towards the share of citizens with skills.

    Only cells where the block is in operation grow; elsewhere take-up decays to
    zero (a failed or dropped service loses its users).
    """
    ceil = clip(ceiling, 1e-6, 1.0)
    rate = (cp.bass_p + cp.bass_q * takeup / ceil) / 4.0
    grown = takeup + clip(rate, 0.0, 1.0) * clip(ceil - takeup, 0.0, None)
    return np.where(active, np.minimum(grown, ceil), takeup * (1.0 - cp.takeup_loss_on_stop))
