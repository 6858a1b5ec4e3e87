"""Inter-municipal co-operation and shared centres (docs/ODD.md §7.4).

Declared with :func:`sim.model.fields.param`: unit, bounds, default and source.
Who counts as small, what a member gains (cost cut, pooled staff, support) and
the running cost per member stay in ``RegionalParams`` (``regional.centre_*``),
which the shared-centre instrument reuses; this group holds how bodies form and
how their costs are shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.fields import Validated, param

CAL = "docs/calibration-sources.md"


@dataclass(frozen=True)
class CooperationParams(Validated):
    """Formation and cost sharing of region-hosted centres and inter-municipal bodies."""

    enabled: bool = param(
        True,
        unit="-",
        source="switch (false: no centre or inter-municipal body ever forms)",
        doc="co-operation on: regions host shared centres, neighbours form bodies",
    )
    member_share: float = param(
        0.75,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: members carry most of a region-hosted centre's running cost",
        doc="share of a region-hosted centre's running cost paid by its members",
    )
    founding_cost: float = param(
        150_000.0,
        unit="EUR/body",
        bounds=(0.0, None),
        source="assumption: set-up of a joint ICT unit (a few person-years)",
        doc="one-off cost of founding a centre or body, paid by the host or the founders",
    )
    shared_fixed: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        source=(
            "assumption; [OECD2009] §478: shared centres for economy of scale "
            "(the connection is built once, local data work stays with each member)"
        ),
        doc="share of a block's fixed integration cost built once and split among members",
    )
    handover_share: float = param(
        0.1,
        unit="share",
        bounds=(0.0, 1.0),
        source=(
            "assumption; [OECD2009] §478: joint ICT centres take over part of the members' "
            "own operation; set so that ~70% of Austria's municipalities pool by quarter 60, "
            f"within the 65.7-75.4% of small NO municipalities co-operating on IT ({CAL} §3)"
        ),
        doc="share of its operating ICT budget a member hands over: the most its fee may be",
    )
    group_probability: float = param(
        0.3,
        unit="1/year",
        bounds=(0.0, 1.0),
        source=f"assumption; {CAL} §3: 65.7% of small NO municipalities pool IT strategy",
        doc="yearly chance a small unpooled municipality proposes a body, times 1 - autonomy",
    )
    group_min_members: int = param(
        3,
        unit="municipalities",
        bounds=(2, 100),
        source="assumption: a body needs partners on more than one border",
        doc="founders an inter-municipal body needs (proposer included)",
    )
    group_max_members: int = param(
        12,
        unit="municipalities",
        bounds=(2, 1000),
        source="assumption: inter-municipal ICT bodies of a handful to a dozen members",
        doc="largest size of an inter-municipal body (no one joins a full body)",
    )
