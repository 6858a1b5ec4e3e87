"""Expected coverage of each block: the state behind the expectations rule (docs/ODD.md §7.11).

One (B,) expectation per block is shared by every government (all observe the same
national coverage); coordination devices add a per-cell signal at decision time
(``effects.coverage_signal``). The rule is in ``rules/expectations.py``; this module
keeps its state, which moves on once a quarter (accounting stage), reads the
expectation at decision time from the coverage seen then, and turns it into the
network factors the value rule reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.rules import expectations as er
from sim.model.rules.decision import network_factor

if TYPE_CHECKING:
    from sim.model.model import EGovModel


@dataclass
class ExpectationState:
    """(B,) expected coverage, smoothed trend and the coverage last observed.

    Kept only for forward-looking expectations: under static ones (the defaults) it
    stays at its start, since what is expected is the coverage seen at each decision.
    """

    expected: np.ndarray
    trend: np.ndarray
    observed: np.ndarray

    @classmethod
    def start(cls, coverage: np.ndarray) -> ExpectationState:
        """At the start governments expect today's coverage and see no trend."""
        cov = np.asarray(coverage, dtype=np.float64)
        return cls(expected=cov.copy(), trend=np.zeros_like(cov), observed=cov.copy())

    def current(self, model: EGovModel) -> np.ndarray:
        """(B,) coverage expected now, from the coverage observed at this moment.

        Read at decision time (regions, then municipalities after this quarter's
        completions), so a decision sees the latest coverage; the smoothed state moves
        on once a quarter (:meth:`observe`).
        """
        ep = model.params.expectations
        own = self._update(model)[0]
        return er.anchored(own, model.blocks.prereq, ep.prerequisite_weight)

    def observe(self, model: EGovModel) -> None:
        """Commit this quarter's expectation and trend (once a quarter, accounting stage).

        Static expectations need no state (the parameters are fixed for a run).
        """
        if model.params.expectations.static:
            return
        self.expected, self.trend, self.observed = self._update(model)

    def _update(self, model: EGovModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(expected, trend, coverage) after observing the coverage now."""
        ep = model.params.expectations
        cov = model.coverage()
        trend = er.smoothed_trend(self.trend, cov - self.observed, ep.adaptive_weight)
        horizon = 4.0 * model.params.decision.horizon_years
        target = er.extrapolated(cov, trend, horizon, ep.trend_weight)
        return er.adapted(self.expected, target, ep.adaptive_weight), trend, cov


def expected_network(model: EGovModel) -> np.ndarray:
    """(B,) network factor at the expected coverage, before any device (regions use it).

    Static expectations: the network factor now (the same numbers, cached per quarter).
    """
    if model.params.expectations.static:
        return model.network_now()
    return network_factor(
        model.expectations.current(model),
        model.blocks.network_exponent,
        model.params.decision.network_floor,
    )


def expected_network_cells(model: EGovModel) -> np.ndarray:
    """(M, B) network factor each municipality expects, with this quarter's device signals."""
    signal = model.effects.coverage_signal
    if not signal.any():
        return np.ascontiguousarray(np.broadcast_to(expected_network(model), signal.shape))
    weight = model.params.expectations.signal_weight
    expected = er.with_signal(model.expectations.current(model)[None, :], signal, weight)
    return network_factor(
        expected, model.blocks.network_exponent[None, :], model.params.decision.network_floor
    )
