"""Model parameters: frozen dataclasses with units, bounds, defaults and sources.

Groups follow MODEL.md §6 submodels. Defaults marked ``assumption`` are starting
values exposed for sensitivity analysis; the others name the CALIBRATION.md row they
come from. All groups validate on construction, so an impossible model can never be
built, whichever door (scenario file, ``--set``, Python) the values came through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.model.fields import Validated, param

CAL = "CALIBRATION.md"


@dataclass(frozen=True)
class CountryParams(Validated):
    """Which country preset to build, and the shape of synthetic countries."""

    name: str = param(
        "denmark",
        unit="-",
        doc="country preset: real municipality tables or a synthetic country",
        choices=("synthetic", "denmark", "estonia", "netherlands", "austria"),
    )
    n_municipalities: int = param(
        200,
        unit="municipalities",
        bounds=(2, 200_000),
        doc="synthetic only: number of municipalities",
    )
    n_regions: int = param(
        5, unit="regions", bounds=(0, 1000), doc="synthetic only: regions (0 = no regional tier)"
    )
    size_distribution: str = param(
        "lognormal",
        unit="-",
        doc="synthetic only: municipal size law (lognormal, or Zipf fitted to a real country)",
        choices=("lognormal", "zipf"),
    )
    size_fit: str = param(
        "denmark",
        unit="-",
        doc="synthetic only: real country whose municipal sizes the law is fitted to",
        choices=("denmark", "estonia", "netherlands", "austria"),
    )
    neighbours: float = param(
        5.0,
        unit="neighbours",
        bounds=(1.0, 30.0),
        doc="synthetic only: k nearest neighbours linked (symmetrised, mean degree ~1.2k)",
    )
    island_links: str = param(
        "nearest",
        unit="-",
        doc="real presets: ferry-link islands to the nearest mainland municipality or isolate them",
        choices=("nearest", "isolated"),
    )


@dataclass(frozen=True)
class TimeParams(Validated):
    """Horizon and election calendar."""

    n_quarters: int = param(
        60, unit="quarters", bounds=(1, 400), doc="simulated horizon (15 years)"
    )
    election_period: int = param(
        16, unit="quarters", bounds=(4, 40), doc="quarters between elections at each level"
    )
    election_offset_central: int = param(
        6, unit="quarters", bounds=(0, 39), doc="quarter of the first central election"
    )
    election_offset_regional: int = param(
        11, unit="quarters", bounds=(0, 39), doc="quarter of the first regional election"
    )
    election_offset_municipal: int = param(
        11, unit="quarters", bounds=(0, 39), doc="quarter of the first municipal election"
    )


@dataclass(frozen=True)
class BudgetParams(Validated):
    """Yearly budgets and competing needs (MODEL.md §6 Budgets)."""

    ict_per_capita: float = param(
        75.0,
        unit="EUR/inhabitant/year",
        bounds=(1.0, 500.0),
        source=f"{CAL} §4: NL municipal ICT EUR 64-89 per inhabitant 2004-18",
        doc="municipal ICT budget per inhabitant (no per-capita economy of scale)",
    )
    ict_dispersion: float = param(
        0.15,
        unit="log-sd",
        bounds=(0.0, 1.0),
        source=f"{CAL} §4: SE IT share 0.4-4.6% across 48 municipalities (narrowed)",
        doc="log-normal dispersion of ICT spend per inhabitant across municipalities",
    )
    innovation_share: float = param(
        0.15,
        unit="share",
        bounds=(0.0, 1.0),
        source=f"{CAL} §4: US 85% of IT spend keeps systems running",
        doc="share of the ICT budget free for new projects at full priority",
    )
    priority_mean: float = param(
        0.5, unit="share", bounds=(0.01, 0.99), doc="mean municipal e-government priority"
    )
    priority_concentration: float = param(
        8.0, unit="-", bounds=(0.5, 1000.0), doc="Beta concentration of priority draws"
    )
    shock_probability: float = param(
        0.1, unit="1/year", bounds=(0.0, 1.0), doc="yearly chance of a competing-needs shock"
    )
    shock_size: float = param(
        0.4, unit="share", bounds=(0.0, 1.0), doc="priority lost in a competing-needs shock"
    )
    central_per_capita: float = param(
        12.0,
        unit="EUR/inhabitant/year",
        bounds=(0.0, 500.0),
        source=f"assumption, scaled to {CAL} §2 (NemID ~DKK 31 M/yr, MitID DKK 939 M)",
        doc="central e-government budget for platforms and instruments",
    )
    regional_per_capita: float = param(
        2.0, unit="EUR/inhabitant/year", bounds=(0.0, 500.0), doc="regional e-government budget"
    )
    scale_breaks: tuple[float, ...] = param(
        (20_000.0, 30_000.0, 50_000.0),
        unit="inhabitants",
        bounds=(0.0, None),
        source=f"{CAL} §4: KMD vendor curve 2006 (computerworld.dk/art/28955)",
        doc="population breakpoints of the concave per-inhabitant integration cost",
    )
    scale_rates: tuple[float, ...] = param(
        (1.0, 0.5, 0.25, 0.1),
        unit="share",
        bounds=(0.0, 1.0),
        source=f"{CAL} §4: KMD 100% to 20k, 50% next 10k, 10% above 50k (25% band assumed)",
        doc="per-inhabitant cost rate in each band (one more than breaks)",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.scale_rates) != len(self.scale_breaks) + 1:
            from sim.model.fields import ParameterError

            raise ParameterError(
                "scale_rates",
                self.scale_rates,
                f"{len(self.scale_breaks) + 1} rates (one more than scale_breaks)",
            )


@dataclass(frozen=True)
class DecisionParams(Validated):
    """The municipal adoption decision (MODEL.md §6 Decision to adopt)."""

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
class ImplementationParams(Validated):
    """Implementation delay, overrun and failure (MODEL.md §6 Implementation)."""

    capacity_per_1000: float = param(
        1.0,
        unit="FTE per 1000^0.7 inhabitants",
        bounds=(0.0, 100.0),
        doc="ICT staff scale: capacity = a * (population/1000)^exponent",
    )
    capacity_exponent: float = param(
        0.7, unit="-", bounds=(0.0, 1.0), doc="sub-linear growth of ICT staff with population"
    )
    capacity_half: float = param(
        8.0, unit="FTE", bounds=(0.1, 1000.0), doc="staff at which the capacity index reaches 0.5"
    )
    slip_probability: float = param(
        0.35,
        unit="1/quarter",
        bounds=(0.0, 0.95),
        doc="chance a quarter of work slips at zero capacity",
    )
    fail_capacity_effect: float = param(
        1.0, unit="-", bounds=(0.0, 10.0), doc="failure hazard multiplier gained at zero capacity"
    )
    overrun_body_mean: float = param(
        0.0,
        unit="share",
        bounds=(-0.5, 2.0),
        source=f"{CAL} §5 (McKinsey 2012, fitted with tail)",
        doc="mean overrun of ordinary projects",
    )
    overrun_body_sd: float = param(
        0.15, unit="share", bounds=(0.0, 2.0), doc="spread of ordinary overruns"
    )
    overrun_tail_probability: float = param(
        0.17,
        unit="share",
        bounds=(0.0, 1.0),
        source=f"{CAL} §5: 17% black swans >200%",
        doc="chance of a black-swan overrun",
    )
    overrun_tail_min: float = param(
        2.0,
        unit="share",
        bounds=(0.0, 20.0),
        source=f"{CAL} §5",
        doc="overrun at the start of the tail",
    )
    overrun_tail_alpha: float = param(
        1.0,
        unit="-",
        bounds=(0.1, 10.0),
        source=f"{CAL} §5: Pareto alpha <= 1 for IT",
        doc="Pareto shape of the tail",
    )
    overrun_cap: float = param(
        3.0,
        unit="share",
        bounds=(0.0, 50.0),
        source=f"{CAL} §5: cap chosen so the mixture mean is ~+45% with 17% above +200%",
        doc="largest overrun drawn (caps the Pareto tail)",
    )
    local_overrun_scale: float = param(
        0.3,
        unit="-",
        bounds=(0.0, 1.0),
        doc="overrun of a municipal integration relative to a large project",
    )


@dataclass(frozen=True)
class TrustParams(Validated):
    """Asymmetric trust between levels (MODEL.md §6 Trust)."""

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
        source="MODEL.md §6 (assume loss ~ 3x gain); OECD 2009",
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


@dataclass(frozen=True)
class CitizenParams(Validated):
    """Citizen take-up with a digital divide (MODEL.md §6 Citizens)."""

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
        0.4, unit="share", bounds=(0.0, 1.0), doc="mean take-up above which citizens demand more"
    )
    coproduction_boost: float = param(
        0.01,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        doc="priority gain per quarter from citizen demand",
    )


@dataclass(frozen=True)
class LeadershipParams(Validated):
    """Leadership roles and election turnover (MODEL.md §6 Leadership)."""

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
        0.1,
        unit="share",
        bounds=(0.0, 1.0),
        doc="share of municipalities mentored by a guardian angel",
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
        0.5, unit="share", bounds=(0.0, 1.0), doc="chance an election redraws the leadership role"
    )
    central_branding: float = param(
        0.0,
        unit="share",
        bounds=(0.0, 1.0),
        doc="central branding of services: lowers their local visibility",
    )


@dataclass(frozen=True)
class CentralParams(Validated):
    """The central government's own decisions (MODEL.md §6 Central and regional decisions)."""

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
        doc="running cost of a shared centre per member",
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
        doc="quarterly chance a small, trusting municipality joins",
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


@dataclass(frozen=True)
class ModelParams(Validated):
    """All model parameters; the building-block catalogue travels with them."""

    country: CountryParams = field(default_factory=CountryParams)
    time: TimeParams = field(default_factory=TimeParams)
    budget: BudgetParams = field(default_factory=BudgetParams)
    decision: DecisionParams = field(default_factory=DecisionParams)
    implementation: ImplementationParams = field(default_factory=ImplementationParams)
    trust: TrustParams = field(default_factory=TrustParams)
    citizens: CitizenParams = field(default_factory=CitizenParams)
    leadership: LeadershipParams = field(default_factory=LeadershipParams)
    central: CentralParams = field(default_factory=CentralParams)
    regional: RegionalParams = field(default_factory=RegionalParams)


PARAM_GROUPS: dict[str, type] = {
    "country": CountryParams,
    "time": TimeParams,
    "budget": BudgetParams,
    "decision": DecisionParams,
    "implementation": ImplementationParams,
    "trust": TrustParams,
    "citizens": CitizenParams,
    "leadership": LeadershipParams,
    "central": CentralParams,
    "regional": RegionalParams,
}
