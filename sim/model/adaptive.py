"""Adaptive policy: review adoption against a rising target, climb or descend a ladder.

OECD (2009, Figure 1) orders the co-ordination tools from the most formal to the
least and observes that countries start soft and harden their tools when voluntary
progress stalls. This module holds that review rule once, for both users: the
``escalation_ladder`` instrument (rungs are instruments) and central's own
adaptive policy (``central.adaptive_levels``; rungs are levels of pressure on
municipalities, docs/ODD.md §7.3). One rule, one place: the target path and the
climb/descend decision live here only.
"""

from __future__ import annotations

from typing import NamedTuple


class Ladder(NamedTuple):
    """When reviews fall and what they expect.

    Attributes:
        start: Quarter the policy starts (its first review is ``review_every`` later).
        review_every: Quarters between reviews.
        first_target: Adoption share expected at the first review.
        target_step: Rise of the expected share at each later review.
    """

    start: int
    review_every: int
    first_target: float
    target_step: float

    def is_review(self, quarter: int) -> bool:
        """Whether ``quarter`` is a review quarter (the start itself counts as one)."""
        return quarter >= self.start and (quarter - self.start) % self.review_every == 0

    def expected(self, quarter: int) -> float:
        """Adoption share the policy expects at a review in ``quarter`` (capped at 1)."""
        reviews = (quarter - self.start) // self.review_every
        return min(1.0, self.first_target + (reviews - 1) * self.target_step)


def next_level(level: int, achieved: float, expected: float, floor: int, top: int) -> int:
    """The ladder level after a review: up one when the target is missed, down one when met.

    Args:
        level: Current level (number of rungs on).
        achieved: Adoption share reached.
        expected: Adoption share the policy expects now.
        floor: Lowest level the policy keeps (the instrument keeps its first rung).
        top: Highest level (number of rungs).
    """
    if achieved < expected:
        return min(level + 1, top)
    return max(level - 1, floor)
