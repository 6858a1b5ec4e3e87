"""Benefits by level and running costs of blocks in operation (docs/ODD.md §7.10).

A standard block's benefit per quarter is users x benefit per citizen-year x the
network factor / 4; its spillover share falls to other levels ("sow here, harvest
there", OECD 2009), the rest stays with the operator. A local solution keeps all
its (smaller) benefit at home: it connects to no one. Running costs are per
inhabitant and year; a local solution costs ``local_cost_factor`` times more to run.
"""

from __future__ import annotations

from sim.model.jit import njit


@njit
def service_value(users: float, benefit: float, network: float) -> float:
    """EUR of one standard service this quarter (``users`` in citizen-years)."""
    return users * benefit * network


@njit
def spilled(value: float, spillover: float) -> float:
    """The part of a standard service's value that falls to other levels."""
    return value * spillover


@njit
def kept(value: float, spillover: float) -> float:
    """The part of a standard service's value its operator keeps."""
    return value * (1.0 - spillover)


@njit
def local_benefit(users: float, benefit: float, local_share: float, floor: float) -> float:
    """EUR of one local solution this quarter: own share, network floor."""
    return users * benefit * local_share * floor


@njit
def quarterly_users(takeup: float, population: float) -> float:
    """Citizen-years of use in a quarter."""
    return takeup * population / 4.0


@njit
def running_cost(running_per_capita: float, population: float) -> float:
    """EUR per quarter of running a standard block for ``population`` inhabitants."""
    return running_per_capita * population / 4.0
