"""Trust between levels and beliefs about a block (docs/ODD.md §7.8, §7.9).

Trust rises slowly with good experiences (joint successes, funded obligations,
agreements, informal contacts) and falls fast with bad ones (unfunded mandates,
failed projects, broken funding promises), with losses ``loss_ratio`` times as
strong as gains (OECD 2009; the ratio is an assumption), and decays towards a
baseline. Beliefs move towards what neighbours experienced.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model.jit import njit, pick
from sim.model.rules.numeric import clip


class TrustRule(NamedTuple):
    """Parameters of the trust update (from ``TrustParams``)."""

    gain_rate: float  # 1/event: share of the gap to 1 closed per good experience
    loss_ratio: float  # -: strength of a bad experience relative to a good one
    decay: float  # 1/quarter: pull towards the baseline

    @classmethod
    def from_params(cls, tp) -> TrustRule:
        """Build from ``TrustParams``."""
        return pick(cls, tp)


@njit
def update_trust(rule: TrustRule, trust: float, pos: float, neg: float, baseline: float) -> float:
    """Asymmetric trust update: slow gains, fast losses, decay to a baseline.

    ``pos`` and ``neg`` are this quarter's experiences (in event units). Gains close
    a share of the gap to 1, losses remove a share of the level, each saturating so
    trust stays in [0, 1] whatever the number of events.
    """
    gain = 1.0 - np.exp(-rule.gain_rate * pos)
    loss = 1.0 - np.exp(-rule.gain_rate * rule.loss_ratio * neg)
    t = trust + gain * (1.0 - trust) - loss * trust
    t = t + rule.decay * (baseline - t)
    return clip(t, 0.0, 1.0)


@njit
def update_belief(
    belief: float, success: float, failure: float, push: float, learning: float
) -> float:
    """Move a belief towards the success rate neighbours saw, plus external pushes.

    ``success`` and ``failure`` are shares of neighbours (or members) that finished
    with each outcome; the evidence weighs more the more of them have finished.
    """
    seen = success + failure
    observed = success / seen if seen > 0 else 0.0
    weight = learning * clip(seen, 0.0, 1.0)
    b = belief + weight * (observed - belief)
    b = b + push * (1.0 - b)
    return clip(b, 0.0, 1.0)
