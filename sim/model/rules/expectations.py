"""Expected coverage: what governments think others will have connected (docs/ODD.md §7.11).

Network benefits make a block worth more the more of the country is connected, so
each government's value depends on what it expects the others to do: everyone may
wait for everyone else (excess inertia, Farrell & Saloner 1985; "sow here, harvest
there", [OECD2009] §475). Expectations are adaptive: each quarter the expected
coverage of a block moves ``adaptive_weight`` of the way towards what is observed,
the coverage now extrapolated along its recent (smoothed) trend over part of the
appraisal horizon. While few adopt, the trend is flat and the expected network
benefit stays low (the stall); once adoption picks up, the trend lifts expectations
above current coverage, the value of joining crosses the value of waiting and
adoption accelerates (the tip). Coordination devices (a credible commitment, an
agreement, an announced mandate) add a signal: the share of the remaining gap to full
coverage a decision maker expects the device to close.

The expectation functions work element-wise on numpy arrays (once a quarter on (B,)
or (M, B) arrays, outside the compiled kernels); the value of waiting for others is a
compiled scalar rule that the decision kernel calls per cell.
"""

from __future__ import annotations

import numpy as np

from sim.model.jit import njit


def smoothed_trend(trend: np.ndarray, change: np.ndarray, weight: float) -> np.ndarray:
    """The recent quarterly gain in coverage, exponentially smoothed with ``weight``."""
    return trend + weight * (change - trend)


def extrapolated(
    coverage: np.ndarray, trend: np.ndarray, horizon_quarters: float, trend_weight: float
) -> np.ndarray:
    """Coverage observed now, carried along its trend over ``trend_weight`` of the horizon."""
    return np.clip(coverage + trend_weight * horizon_quarters * trend, 0.0, 1.0)


def adapted(expected: np.ndarray, observed: np.ndarray, weight: float) -> np.ndarray:
    """Adaptive expectation: ``weight`` of the gap to the observation closed this quarter.

    At weight 1 the observation itself (exactly, not up to rounding): with trend
    weight 0 and no device the model then values blocks at the coverage it sees.
    """
    if weight >= 1.0:
        return np.array(observed, dtype=np.float64)
    return expected + weight * (observed - expected)


def anchored(expected: np.ndarray, prereq: np.ndarray, weight: float) -> np.ndarray:
    """(B,) expected coverage: at least ``weight`` x that of the least-expected prerequisite.

    Blocks built on a prerequisite (payment, post and portal on eID) serve the users
    the prerequisite connects: a government that expects eID everywhere expects the
    services on it to follow. ``prereq[b, p]`` is True when p is a prerequisite of b;
    blocks without one keep their own expectation.
    """
    if weight == 0.0 or not prereq.any():
        return expected
    least = np.where(prereq, expected[None, :], np.inf).min(axis=1)
    floor = np.where(np.isfinite(least), weight * least, 0.0)
    return np.maximum(expected, floor)


def with_signal(expected: np.ndarray, signal: np.ndarray, weight: float) -> np.ndarray:
    """Expected coverage once coordination devices' signals are heard.

    A signal s in [0, 1] (instruments' signals add up, capped at 1) is the share of the
    gap to full coverage the device is expected to close: E' = E + (1 - E) w s.
    It never lowers an expectation, and with no device E' = E exactly.
    """
    return expected + (1.0 - expected) * (weight * np.clip(signal, 0.0, 1.0))


@njit
def first_mover_cost(weight: float, network: float) -> float:
    """Value of waiting for others, subtracted from the standard option's value index.

    What still hangs on others' joining (1 - the expected network factor) is what a
    first mover risks; waiting lets others go first (Farrell & Saloner 1986,
    "penguins"). It vanishes once others are expected to be connected and for blocks
    without network benefits (factor 1).
    """
    return weight * (1.0 - network)
