"""Money and projects: budgets, integration cost scale, implementation, overruns.

Declared with :func:`sim.model.fields.param`: unit, bounds, default and source.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.fields import ParameterError, Validated, param

CAL = "docs/calibration-sources.md"


@dataclass(frozen=True)
class BudgetParams(Validated):
    """Yearly budgets and competing needs (docs/ODD.md §7.1)."""

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
    reference_population: float = param(
        5_932_561.0,
        unit="inhabitants",
        bounds=(1.0, None),
        source="sim/data/countries/denmark.csv (2023): the country every euro figure is "
        "written for",
        doc="population at which platform costs and the central budget are the "
        "catalogue's and BudgetParams' values (docs/ODD.md §7.1, country scale)",
    )
    platform_cost_exponent: float = param(
        0.5,
        unit="-",
        bounds=(0.0, 1.0),
        source="assumption: a national platform is mostly fixed cost (design, security, "
        "procurement) plus a part growing with users; halfway between fixed (0) and per "
        "inhabitant (1). Check: Estonia's derived central budget (EUR 21 M/yr) is about "
        f"half its central ICT investment (EUR 40 M in 2018, {CAL} §4)",
        doc="platform build cost grows as (population / reference_population) ** this "
        "(0: Denmark-sized cost in every country)",
    )
    central_budget_exponent: float = param(
        0.5,
        unit="-",
        bounds=(0.0, 1.0),
        source="assumption: the central budget carries the platform portfolio, so it "
        "follows the platform cost law (platform_cost_exponent)",
        doc="central e-government budget grows as (population / reference_population) "
        "** this (1: central_per_capita per inhabitant)",
    )
    fixed_full_population: float = param(
        10_000.0,
        unit="inhabitants",
        bounds=(0.0, None),
        source=f"assumption, after {CAL} §4 (KMD vendor curve 2006: every inhabitant up to "
        "20k at the full rate, so small places paid by size); half that band, because 20k "
        "halves the size gap of pattern P2 (0.084 < 0.1, docs/ODD.md §7.1)",
        doc="below this size the fixed integration cost falls in proportion to "
        "population (0: the full fixed cost for every municipality)",
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

    mandate_reallocation_share: float = param(
        0.05,
        unit="share of ICT budget per year",
        bounds=(0.0, 1.0),
        source="assumption: obligatory spending is found by cutting other ICT lines or "
        "borrowing; a twentieth of the ICT budget (EUR 3-4.5 per inhabitant a year at "
        "docs/calibration-sources.md §4) is what a municipality can move in a year",
        doc="money a municipality can reallocate per year to mandated starts beyond its "
        "voluntary envelope",
    )
    carry_over_years: float = param(
        2.0,
        unit="years of envelope",
        bounds=(0.0, 10.0),
        source="assumption: municipalities keep reserves; lets small places save for a block",
        doc="unspent project budget carried into the next year, capped at this many envelopes",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.scale_rates) != len(self.scale_breaks) + 1:
            raise ParameterError(
                "scale_rates",
                self.scale_rates,
                f"{len(self.scale_breaks) + 1} rates (one more than scale_breaks)",
            )


@dataclass(frozen=True)
class ImplementationParams(Validated):
    """Implementation delay, overrun and failure (docs/ODD.md §7.5–7.6)."""

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
    overrun_floor: float = param(
        -0.3, unit="share", bounds=(-1.0, 0.0), doc="largest underrun of an ordinary project"
    )
    support_capacity: float = param(
        0.5,
        unit="-",
        bounds=(0.0, 1.0),
        doc="capacity index added per unit of implementation support",
    )
    support_speedup: float = param(
        0.4, unit="-", bounds=(0.0, 0.9), doc="share of implementation time saved at full support"
    )
    support_failure_cut: float = param(
        0.5, unit="-", bounds=(0.0, 1.0), doc="share of the failure hazard removed at full support"
    )
    cost_cut_cap: float = param(
        0.9,
        unit="share",
        bounds=(0.0, 1.0),
        doc="largest share of integration cost that cuts can remove",
    )
