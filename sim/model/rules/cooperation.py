"""Co-operation: joining, founding and cost sharing of shared bodies (docs/ODD.md §7.4).

A shared body is a region-hosted shared resource centre or an inter-municipal body
of neighbouring municipalities that pools administration and ICT while each member
keeps its own political arena (the Danish virtual town hall of [JoinedUp]; OECD
2009 §478: shared resource centres "to achieve economy of scale or share scarce or
very expensive resources"). Small municipalities pool more (Statistics Norway:
65.7% of municipalities under 15k co-operate on IT strategy against 40.3% above,
docs/calibration-sources.md §3), so only those below ``regional.centre_small_population``
join. Members connect to a block once for the body: the shared part of the fixed
integration cost is split among them. Running costs are shared: a region pays its
host share, members the rest in proportion to their population.
"""

from __future__ import annotations

from sim.model.jit import njit
from sim.model.rules.numeric import clip


@njit
def join_chance(probability: float, willingness: float) -> float:
    """Quarterly chance an eligible municipality joins: base rate times willingness in [0, 1].

    Willingness is trust in the region for a region-hosted centre, and
    1 - autonomy concern for a body of neighbours (pooling ICT gives up some control).
    """
    return probability * clip(willingness, 0.0, 1.0)


@njit
def member_gross(base: float, fixed: float, shared: float, members: int) -> float:
    """Integration cost of a member: the shared part of the fixed cost split ``members`` ways."""
    if members < 1:
        return base
    return base - shared * fixed * (1.0 - 1.0 / members)


@njit
def member_fee(yearly_cost: float, share: float, population: float, body_population: float):
    """EUR/year a member pays: its population's part of the members' share of the body's cost."""
    if body_population <= 0.0:
        return 0.0
    return share * yearly_cost * population / body_population


@njit
def affordable(
    cost_per_member: float, share: float, members: int, population: float, body_population: float,
    limit: float,
) -> bool:  # fmt: skip
    """Whether a member's fee in a body of ``members`` fits ``limit`` (EUR/year).

    ``limit`` is the operating ICT work the member hands over to the body
    (``cooperation.handover_share`` of its operating ICT budget): pooling pays when
    the body costs no more than what the member stops doing itself.
    """
    fee = member_fee(cost_per_member * members, share, population, body_population)
    return fee <= limit


@njit
def host_cost(founding: float, member_cost: float, expected_members: float, member_share: float):
    """EUR a region needs to found a centre: founding plus its first year's host share."""
    return founding + (1.0 - member_share) * member_cost * expected_members


@njit
def region_founds(
    enabled: bool, small_share: float, threshold: float, u: float, priority: float, cost: float,
    free: float,
) -> bool:  # fmt: skip
    """A region founds a centre where small municipalities dominate, if priority and money allow."""
    return enabled and small_share >= threshold and u < priority and cost <= free
