"""Citizens' take-up of online channels, skills and co-production demand (docs/ODD.md §7.7).

Citizens are aggregated per municipality. Take-up of a block in operation follows
a Bass process (innovation ``p``, imitation ``q``, per year) towards the share with
digital skills; a stopped service loses users. Skills grow slowly. Where most of
the skilled use the services in operation, citizens ask for more and local
e-government priority rises (co-production demand).
"""

from __future__ import annotations

from typing import NamedTuple

from sim.model.jit import njit, pick
from sim.model.rules.numeric import clip


class CitizenRule(NamedTuple):
    """Parameters of take-up and demand (from ``CitizenParams``)."""

    bass_p: float  # 1/year: innovation coefficient
    bass_q: float  # 1/year: imitation coefficient
    takeup_loss_on_stop: float  # share of users lost per quarter when a service stops
    skills_growth: float  # 1/year: growth of the share with digital skills
    coproduction_threshold: float  # share of the skilled using the services in operation
    coproduction_boost: float  # share of the gap to 1 closed per quarter above it

    @classmethod
    def from_params(cls, cp) -> CitizenRule:
        """Build from ``CitizenParams``."""
        return pick(cls, cp)


@njit
def takeup(rule: CitizenRule, share: float, ceiling: float, in_operation: bool) -> float:
    """One quarter of take-up: Bass growth towards ``ceiling``, or decay if stopped."""
    if not in_operation:
        return share * (1.0 - rule.takeup_loss_on_stop)
    rate = (rule.bass_p + rule.bass_q * share / ceiling) / 4.0
    grown = share + clip(rate, 0.0, 1.0) * max(ceiling - share, 0.0)
    return min(grown, ceiling)


@njit
def enrolled(share: float, ceiling: float, enrolment: float) -> float:
    """Take-up after default enrolment: at least ``enrolment`` of those with skills.

    Citizens without digital skills are exempt (the ceiling), as in Denmark's
    mandatory Digital Post (calibration T1).
    """
    return max(share, enrolment * ceiling)


@njit
def skills(rule: CitizenRule, share: float) -> float:
    """One quarter of growth of the share with digital skills."""
    return share + rule.skills_growth / 4.0 * (1.0 - share)


@njit
def priority(rule: CitizenRule, level: float, use: float, push: float) -> float:
    """Priority after co-production demand and instruments' pushes.

    ``use`` is the share of the citizens with digital skills who use the
    municipality's online services in operation: where most of those who can use
    them do, they ask for more (co-production, [WeGov]; [BCS-NZ]).
    """
    if use > rule.coproduction_threshold:
        level += rule.coproduction_boost * (1.0 - level)
    return level + push * (1.0 - level)


@njit
def ceiling(skills_share: float) -> float:
    """The take-up ceiling of a municipality: its share with skills, kept above zero."""
    return clip(skills_share, 1e-6, 1.0)
