"""The central and regional governments' own decisions.

Declared with :func:`sim.model.fields.param`: unit, bounds, default and source.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.fields import Validated, param

CAL = "docs/calibration-sources.md"


@dataclass(frozen=True)
class CentralParams(Validated):
    """The central government's own decisions (docs/ODD.md §7.3–7.4)."""

    priority_mean: float = param(
        0.6, unit="share", bounds=(0.01, 0.99), doc="mean central priority"
    )
    leadership: float = param(
        0.6, unit="share", bounds=(0.0, 1.0), doc="strength of the central sponsor"
    )
    build_hazard: float = param(
        0.25, unit="1/quarter", bounds=(0.0, 1.0), doc="chance central reviews an unbuilt platform"
    )
    credibility_init: float = param(
        0.6, unit="share", bounds=(0.0, 1.0), doc="initial delivery record of central"
    )
    credibility_loss: float = param(
        0.25, unit="share", bounds=(0.0, 1.0), doc="credibility lost after a failed platform"
    )
    platform_overrun_scale: float = param(
        1.0,
        unit="-",
        bounds=(0.0, 5.0),
        doc="overrun of platform builds relative to large projects",
    )
    priority_concentration: float = param(
        8.0,
        unit="-",
        bounds=(0.5, 1000.0),
        doc="Beta concentration of central priority at elections",
    )
    sponsor_noise: float = param(
        0.15, unit="share", bounds=(0.0, 1.0), doc="spread of a new sponsor's leadership strength"
    )
    leadership_failure_effect: float = param(
        1.0,
        unit="-",
        bounds=(0.0, 2.0),
        doc="platform failure hazard multiplier is 1 + effect * (0.5 - leadership)",
    )
    credibility_gain: float = param(
        0.125,
        unit="share",
        bounds=(0.0, 1.0),
        doc="gap to full credibility closed by a platform delivered",
    )
    expected_coverage: float = param(
        0.5, unit="share", bounds=(0.0, 1.0), doc="coverage central expects when valuing a platform"
    )
    standard_rule: bool = param(
        True,
        unit="-",
        source="[OECD2009] §473 'Standards' (a national competence); pattern P5 (Germany's "
        "OZG: a mandate without standards fragments); issue 14: central decides on its own",
        doc="central fixes a live platform's interoperability standard by its own rule "
        "(false: only at start or by the standards instrument)",
    )
    standard_fragmentation: float = param(
        0.25,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: a quarter of the municipalities that have the service run "
        "local non-standard solutions",
        doc="share of local solutions among a block's adopters that makes central fix its standard",
    )
    standard_coverage: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: once half the population is connected the platform's interface "
        "is the de facto standard and central makes it formal",
        doc="population share connected to a live platform that makes central fix its standard",
    )
    standard_min_adopters: float = param(
        0.05,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: fragmentation is judged once a twentieth of municipalities "
        "have the service",
        doc="share of municipalities with the service before the fragmentation trigger counts",
    )
    adaptive_levels: int = param(
        0,
        unit="levels",
        bounds=(0, 10),
        source="[OECD2009] Figure 1 (start soft, harden when progress stalls); 4 = the "
        "escalation ladder's default rungs",
        doc="rungs of central's own adaptive policy (0: no adaptive policy)",
    )
    adaptive_pressure: float = param(
        0.5,
        unit="index",
        bounds=(0.0, 20.0),
        source="assumption: a rung weighs as much as being named a laggard "
        "(monitoring_benchmarking.shame_pressure)",
        doc="pressure per rung on open cells of live central platforms",
    )
    adaptive_review_every: int = param(
        8,
        unit="quarters",
        bounds=(1, 100),
        source="assumption: as escalation_ladder.review_every",
        doc="quarters between central's reviews of adoption against its target",
    )
    adaptive_first_target: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: as escalation_ladder.first_target",
        doc="adoption of live central platforms central expects at its first review",
    )
    adaptive_target_step: float = param(
        0.15,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: as escalation_ladder.target_step",
        doc="rise of central's expected adoption at each review",
    )


@dataclass(frozen=True)
class RegionalParams(Validated):
    """Regional decisions: own adoption, shared centres and co-funding."""

    consider_hazard: float = param(
        0.2,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        doc="chance a region reviews a block for its own services",
    )
    centre_small_share: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        doc="share of small municipalities that makes a region found a centre",
    )
    centre_small_population: float = param(
        20_000.0,
        unit="inhabitants",
        bounds=(0.0, None),
        source=f"{CAL} §3: NO small <15k pool more",
        doc="size below which a municipality counts as small for shared centres",
    )
    centre_cost_per_member: float = param(
        20_000.0,
        unit="EUR/member/year",
        bounds=(0.0, None),
        doc="running cost of a shared centre or inter-municipal body per member",
    )
    centre_cost_cut: float = param(
        0.35, unit="share", bounds=(0.0, 1.0), doc="integration cost saved by centre members"
    )
    centre_capacity: float = param(
        10.0, unit="FTE", bounds=(0.0, 1000.0), doc="pooled ICT capacity a centre adds to a member"
    )
    centre_join_probability: float = param(
        0.15,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        doc="quarterly chance a small municipality joins, times trust or 1 - autonomy",
    )
    service_share: float = param(
        0.2,
        unit="share",
        bounds=(0.0, 1.0),
        doc="regional services' weight relative to municipal ones",
    )
    spillover_to_region: float = param(
        0.25,
        unit="share",
        bounds=(0.0, 1.0),
        doc="part of a block's spillover benefit falling to regions",
    )
    cofund_share: float = param(
        0.15,
        unit="share",
        bounds=(0.0, 1.0),
        doc="share of integration cost a co-funding region pays",
    )
    centre_support: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 1.0),
        doc="implementation support a shared centre gives members",
    )
    slip_probability: float = param(
        0.1, unit="1/quarter", bounds=(0.0, 0.95), doc="chance a quarter of regional work slips"
    )
    failure_scale: float = param(
        0.5, unit="-", bounds=(0.0, 2.0), doc="regional failure hazard relative to the block's"
    )
    autonomy: float = param(
        0.3, unit="share", bounds=(0.0, 1.0), doc="autonomy concern of regional governments"
    )
    cofund_priority_threshold: float = param(
        0.3, unit="share", bounds=(0.0, 1.0), doc="co-funding chance is priority minus this"
    )
    cofund_pool_share: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        doc="share of the free regional budget set aside for co-funding",
    )
    centre_founding_share: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        doc="share of small municipalities expected to join a new centre",
    )
