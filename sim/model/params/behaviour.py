"""Behaviour: the adoption decision, trust, citizens and leadership.

Declared with :func:`sim.model.fields.param`: unit, bounds, default and source.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.fields import Validated, param

CAL = "docs/calibration-sources.md"


@dataclass(frozen=True)
class DecisionParams(Validated):
    """The municipal adoption decision (docs/ODD.md §7.5)."""

    consider_hazard: float = param(
        0.3,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        doc="chance a municipality reviews a block in a quarter",
    )
    logit_scale: float = param(
        0.6,
        unit="index",
        bounds=(0.01, 100.0),
        doc="noise of the logit choice (bounded rationality)",
    )
    wait_value: float = param(
        0.0,
        unit="index",
        bounds=(-10.0, 10.0),
        doc="value of waiting (benefit-cost index of doing nothing)",
    )
    horizon_years: float = param(
        8.0, unit="years", bounds=(1.0, 30.0), doc="appraisal horizon of benefits"
    )
    discount_rate: float = param(
        0.04,
        unit="1/year",
        bounds=(0.0, 0.5),
        source="assumption (public-sector discount rates 3-5%)",
        doc="discount rate of the appraisal",
    )
    peer_weight: float = param(
        1.2, unit="index", bounds=(0.0, 10.0), doc="weight of the share of neighbours adopted"
    )
    autonomy_weight: float = param(
        0.6, unit="index", bounds=(0.0, 10.0), doc="cost of giving up visible local services"
    )
    credibility_weight: float = param(
        0.6,
        unit="share",
        bounds=(0.0, 1.0),
        doc="benefit discount at zero trust in the platform owner",
    )
    risk_inflation: float = param(
        1.5, unit="-", bounds=(0.0, 10.0), doc="perceived failure risk inflation at zero trust"
    )
    network_floor: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 1.0),
        doc="benefit share realised with no one else connected",
    )
    local_benefit_share: float = param(
        0.6,
        unit="share",
        bounds=(0.0, 1.0),
        doc="benefit of a local non-standard solution vs standard",
    )
    local_cost_factor: float = param(
        1.3, unit="-", bounds=(0.1, 10.0), doc="cost of a local solution relative to integration"
    )
    local_trust_threshold: float = param(
        0.25,
        unit="share",
        bounds=(0.0, 1.0),
        doc="below this trust, local solutions stay an option",
    )
    migration_cost_share: float = param(
        0.6,
        unit="share",
        bounds=(0.0, 5.0),
        doc="migration cost from local to standard, share of integration cost",
    )
    belief_init: float = param(
        0.6, unit="share", bounds=(0.0, 1.0), doc="initial belief in the benefit share realised"
    )
    belief_learning: float = param(
        0.15,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        doc="rate at which beliefs move to observed outcomes",
    )
    failure_belief_drop: float = param(
        0.3, unit="share", bounds=(0.0, 1.0), doc="belief lost after an own failed implementation"
    )
    retry_after: int = param(
        8,
        unit="quarters",
        bounds=(0, 100),
        doc="quarters before a failed block is considered again",
    )
    mandated_retry_after: int = param(
        2,
        unit="quarters",
        bounds=(0, 100),
        source="assumption: the obligation outlives a failed project, which is re-tendered "
        "at once rather than shelved",
        doc="quarters before a failed block under a mandate's pull is tried again",
    )
    entrepreneur_bonus: float = param(
        0.6, unit="index", bounds=(0.0, 10.0), doc="leadership term of public entrepreneurs"
    )
    laggard_penalty: float = param(
        0.6, unit="index", bounds=(0.0, 10.0), doc="leadership term subtracted for laggards"
    )
    follower_peer_boost: float = param(
        0.5, unit="share", bounds=(0.0, 10.0), doc="extra peer weight of fellow travellers"
    )


@dataclass(frozen=True)
class TrustParams(Validated):
    """Asymmetric trust between levels (docs/ODD.md §7.8)."""

    municipal_central_init: float = param(
        0.45,
        unit="share",
        bounds=(0.0, 1.0),
        source=f"{CAL} §5: AT trust local>regional>central",
        doc="mean initial trust of municipalities in central government",
    )
    municipal_regional_init: float = param(
        0.55,
        unit="share",
        bounds=(0.0, 1.0),
        doc="mean initial trust of municipalities in their region",
    )
    regional_central_init: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        doc="mean initial trust of regions in central government",
    )
    init_concentration: float = param(
        20.0, unit="-", bounds=(0.5, 1000.0), doc="Beta concentration of initial trust draws"
    )
    gain_rate: float = param(
        0.03,
        unit="per event",
        bounds=(0.0, 1.0),
        doc="trust gained per unit of positive experience",
    )
    loss_ratio: float = param(
        3.0,
        unit="-",
        bounds=(0.0, 20.0),
        source="docs/ODD.md §7.8 (assumption: loss ~ 3x gain); OECD 2009",
        doc="loss rate relative to gain rate",
    )
    decay: float = param(
        0.01, unit="1/quarter", bounds=(0.0, 1.0), doc="pull of trust back to its baseline"
    )
    failure_shock: float = param(
        1.0,
        unit="events",
        bounds=(0.0, 20.0),
        doc="negative experience of a failed central platform",
    )
    joint_success_weight: float = param(
        0.5,
        unit="events",
        bounds=(0.0, 10.0),
        doc="experience of one successful joint (central) project",
    )
    grant_weight: float = param(
        0.5,
        unit="events",
        bounds=(0.0, 10.0),
        doc="experience of receiving a regional co-funding grant",
    )


@dataclass(frozen=True)
class CitizenParams(Validated):
    """Citizen take-up with a digital divide (docs/ODD.md §7.7)."""

    skills_mean: float = param(
        0.7,
        unit="share",
        bounds=(0.0, 1.0),
        source=f"{CAL} §6: DK 70% at least basic digital skills",
        doc="mean share of citizens with digital skills (urban)",
    )
    rural_penalty: float = param(
        0.12,
        unit="share",
        bounds=(0.0, 1.0),
        source=f"{CAL} §6: urban-rural gap 10-15 pp",
        doc="skills gap of the smallest municipalities",
    )
    skills_growth: float = param(
        0.04, unit="1/year", bounds=(0.0, 1.0), doc="yearly closing of the gap to full skills"
    )
    bass_p: float = param(
        0.02,
        unit="1/year",
        bounds=(0.0, 1.0),
        source=f"{CAL} §6: Bass p 0.0007-0.03",
        doc="Bass innovation coefficient",
    )
    bass_q: float = param(
        0.45,
        unit="1/year",
        bounds=(0.0, 5.0),
        source=f"{CAL} §6: Bass q 0.38-0.53",
        doc="Bass imitation coefficient",
    )
    coproduction_threshold: float = param(
        0.4,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: demand grows once a sizeable minority of those who can use the "
        "online services do ([WeGov])",
        doc="take-up of the services in operation, as a share of the citizens with digital "
        "skills, above which citizens demand more (co-production)",
    )
    working_use_share: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: a connected service counts as in working use once half of the "
        "citizens who could use it do; registers of 'joined' authorities can run years "
        "ahead of use (NL MijnOverheid, docs/calibration-sources.md T2)",
        doc="take-up, as a share of the citizens with digital skills, above which an "
        "adopted block counts as in working use (outputs in_use, compliance_in_use)",
    )
    coproduction_boost: float = param(
        0.01,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        doc="priority gain per quarter from citizen demand",
    )
    skills_noise: float = param(
        0.03,
        unit="share",
        bounds=(0.0, 0.5),
        doc="idiosyncratic spread of skills across municipalities",
    )
    takeup_loss_on_stop: float = param(
        0.5,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        doc="share of users lost per quarter when a service stops",
    )


@dataclass(frozen=True)
class LeadershipParams(Validated):
    """Leadership roles and election turnover (docs/ODD.md §7.2)."""

    entrepreneur_share: float = param(
        0.12,
        unit="share",
        bounds=(0.0, 1.0),
        doc="share of public entrepreneurs among municipalities",
    )
    laggard_share: float = param(
        0.2,
        unit="share",
        bounds=(0.0, 1.0),
        source=f"{CAL} §3: ~20% of DE municipalities have no strategy",
        doc="share of laggards",
    )
    size_leadership: float = param(
        0.5,
        unit="-",
        bounds=(0.0, 5.0),
        doc="tilt of entrepreneurship towards larger municipalities",
    )
    guardian_share: float = param(
        0.2,
        unit="share",
        bounds=(0.0, 1.0),
        doc="share of a champion's municipalities it sponsors (their guardian angel)",
    )
    champion_share: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption ([BCS-NZ] guardian angels; [UNeGov] political leadership)",
        doc="chance that central or a region has an e-government champion after a change",
    )
    sponsor_bonus: float = param(
        0.3,
        unit="index",
        bounds=(0.0, 10.0),
        source="assumption ([BCS-NZ]: the guardian angel backs the joined-up project)",
        doc="leadership term of a municipality sponsored by a champion (standard only)",
    )
    guardian_risk_cut: float = param(
        0.5, unit="share", bounds=(0.0, 1.0), doc="perceived risk removed by a guardian angel"
    )
    entrepreneur_belief_push: float = param(
        0.02,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        doc="belief gain of neighbours of an entrepreneur",
    )
    turnover: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        doc="chance an election brings a new majority (programme, leader, champion)",
    )
    stance_swing: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 0.45),
        source="assumption ([OECD2009] §466: priorities follow the political situation)",
        doc="shift of a new majority's mean priority: + pro, - contra digital",
    )
    national_tide: float = param(
        0.8,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption (local elections held on one day follow a national swing)",
        doc="how far one election day's new majorities lean the same way (0: independent)",
    )
    stance_leadership: float = param(
        1.0,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption ([UNeGov]: political leadership sets vision and priorities)",
        doc="how far a new majority's stance sets its leader: odds of an entrepreneur "
        "x (1 + this x stance), of a laggard x (1 - this x stance)",
    )
    stop_probability: float = param(
        0.5,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption ([UNeGov]: leadership must be sustained)",
        doc="chance a contra majority stops an own-funded project under way",
    )
    central_stance_intensity: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption ([OECD2009] §466, conflicts of leadership between levels)",
        doc="instrument pressure of a pro (contra) central government: x (1 +/- this)",
    )
    central_branding: float = param(
        0.0,
        unit="share",
        bounds=(0.0, 1.0),
        doc="central branding of services: lowers their local visibility",
    )
    autonomy_small: float = param(
        0.3,
        unit="share",
        bounds=(0.0, 1.0),
        doc="mean autonomy concern of the smallest municipalities",
    )
    autonomy_large: float = param(
        0.6,
        unit="share",
        bounds=(0.0, 1.0),
        doc="mean autonomy concern of the largest (brands, visibility)",
    )
    autonomy_concentration: float = param(
        6.0, unit="-", bounds=(0.5, 1000.0), doc="Beta concentration of autonomy draws"
    )
