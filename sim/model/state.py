"""Struct-of-arrays state of the municipal tier and the regional tier.

Per docs/architecture.md (Performance design), every per-municipality quantity is a
numpy array, municipality × block where it varies by block. Municipality agents are
thin views over a row of these arrays, so Mesa idioms and per-agent inspection work
while the hot path runs as vectorised kernels over all rows at once.

Initial attributes that no data gives (priority, autonomy concern, leadership role,
trust, digital skills) are drawn here from documented distributions that depend on
size and rurality (docs/ODD.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.model.blocks import Catalogue
from sim.model.country import Country, size_class
from sim.model.country_money import integration_cost, price_level
from sim.model.fastmath import clip
from sim.model.params import ModelParams


class Status(IntEnum):
    """Status of a municipality x block cell (stored as int8 in the state arrays)."""

    NONE = 0
    IMPLEMENTING = 1
    ADOPTED = 2
    LOCAL = 3  # a local non-standard solution in operation
    FAILED = 4


class Role(IntEnum):
    """Leadership role of a municipality (stored as int8)."""

    FELLOW = 0  # fellow traveller: follows peers
    ENTREPRENEUR = 1  # public entrepreneur: lower threshold, raises neighbours' beliefs
    LAGGARD = 2


# Module-level names of the members, as the kernels spell them (``status == ADOPTED``).
NONE, IMPLEMENTING, ADOPTED, LOCAL, FAILED = Status
FELLOW, ENTREPRENEUR, LAGGARD = Role
STATUS_NAMES = ("none", "implementing", "adopted", "local", "failed")
ROLE_NAMES = ("fellow traveller", "public entrepreneur", "laggard")


def beta_draw(rng: np.random.Generator, mean: np.ndarray | float, conc: float, size: int):
    """Beta draws parameterised by mean and concentration (mean clipped into (0, 1))."""
    m = clip(mean, 1e-3, 1 - 1e-3)
    return rng.beta(m * conc, (1 - m) * conc, size=size)


def effective_population(pop: np.ndarray, breaks: tuple[float, ...], rates: tuple[float, ...]):
    """Population weighted by the concave vendor curve (KMD 2006, docs/calibration-sources.md §4).

    Each inhabitant in band k counts ``rates[k]``, so integration cost per inhabitant
    falls with size while total cost still rises.
    """
    edges = np.concatenate([[0.0], np.asarray(breaks, float), [np.inf]])
    eff = np.zeros_like(pop, dtype=float)
    for k, rate in enumerate(rates):
        eff += rate * clip(pop - edges[k], 0.0, edges[k + 1] - edges[k])
    return eff


@dataclass
class MunicipalState:
    """All municipal arrays. M municipalities, B blocks."""

    n: int
    n_blocks: int
    population: np.ndarray
    region: np.ndarray
    size_class: np.ndarray
    rurality: np.ndarray  # 1 for the smallest, 0 for the largest (log-size rank)
    capacity: np.ndarray  # ICT staff (FTE)
    capacity_index: np.ndarray  # capacity / (capacity + half), in [0, 1]
    ict_budget: np.ndarray  # EUR/year
    free_budget: np.ndarray  # EUR left this year for new commitments
    realloc_left: np.ndarray  # EUR this year can still be moved to mandated starts
    priority: np.ndarray
    autonomy: np.ndarray
    role: np.ndarray
    guardian: np.ndarray
    trust_central: np.ndarray
    trust_region: np.ndarray
    skills: np.ndarray
    centre_member: np.ndarray  # (M,) bool, member of any shared resource centre
    instrument_member: np.ndarray  # (M,) bool, ... of one run (and paid for) by an instrument
    gross_cost: np.ndarray  # (M, B) standard integration cost before cuts and grants
    status: np.ndarray  # (M, B) int8
    building_local: np.ndarray  # (M, B) bool, current implementation is a local solution
    since: np.ndarray  # (M, B) quarter the current status began
    remaining: np.ndarray  # (M, B) quarters of work left
    due: np.ndarray  # (M, B) EUR the municipality still owes on the current implementation
    instalment: np.ndarray  # (M, B) EUR per quarter
    spent: np.ndarray  # (M, B) cumulative EUR spent by the municipality
    belief: np.ndarray  # (M, B) expected share of the benefit that materialises
    takeup: np.ndarray  # (M, B) share of citizens using the block's channel
    mandated: np.ndarray  # (M, B) int8, level that mandated the current implementation (0: none)
    granted: np.ndarray  # (M, B) EUR of higher-level grants received for the current implementation
    grant_unspent: np.ndarray  # (M, B) EUR of that grant not yet spent on instalments
    adopted_at: np.ndarray  # (M, B) quarter of adoption, -1 if never
    failed_at: np.ndarray  # (M, B) quarter of the last failed implementation (or migration), -1
    ever_local: np.ndarray  # (M, B) bool, ran a local solution at some point
    migrating: np.ndarray  # (M, B) bool, a running local solution is being replaced by the standard

    @property
    def adopted(self) -> np.ndarray:
        """(M, B) bool: standard block adopted."""
        return self.status == ADOPTED

    @property
    def local(self) -> np.ndarray:
        """(M, B) bool: local non-standard solution in operation (also while migrating)."""
        return (self.status == LOCAL) | self.migrating

    @property
    def running(self) -> np.ndarray:
        """(M, B) bool: a service runs, standard or local."""
        return (self.status == ADOPTED) | self.local


def draw_attributes(
    params: ModelParams, pop: np.ndarray, rural: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Attributes no data gives, from documented distributions (docs/ODD.md §5).

    The draw order is part of the model's definition: changing it changes every run.
    """
    m, bud, lp, tp, cp = pop.size, params.budget, params.leadership, params.trust, params.citizens
    noise = rng.lognormal(-0.5 * bud.ict_dispersion**2, bud.ict_dispersion, m)
    out = {"ict_budget": bud.ict_per_capita * price_level(params) * pop * noise}
    out["priority"] = beta_draw(rng, bud.priority_mean, bud.priority_concentration, m)
    autonomy_mean = lp.autonomy_small + (lp.autonomy_large - lp.autonomy_small) * (1 - rural)
    out["autonomy"] = beta_draw(rng, autonomy_mean, lp.autonomy_concentration, m)
    out["role"] = draw_roles(params, rural, rng)
    out["guardian"] = rng.random(m) < lp.guardian_share
    out["trust_central"] = beta_draw(rng, tp.municipal_central_init, tp.init_concentration, m)
    out["trust_region"] = beta_draw(rng, tp.municipal_regional_init, tp.init_concentration, m)
    skills = cp.skills_mean - cp.rural_penalty * (rural - 0.5) + rng.normal(0, cp.skills_noise, m)
    out["skills"] = clip(skills, 0.05, 0.99)
    return out


def init_municipal_state(
    country: Country, catalogue: Catalogue, params: ModelParams, rng: np.random.Generator
) -> MunicipalState:
    """Initial municipal state: data from the country, the rest drawn (``draw_attributes``)."""
    m, b = country.n_municipalities, len(catalogue)
    pop = country.population.astype(float)
    logp = np.log(pop)
    span = max(logp.max() - logp.min(), 1e-9)
    rural = 1.0 - (logp - logp.min()) / span
    imp, bud = params.implementation, params.budget
    capacity = imp.capacity_per_1000 * (pop / 1000.0) ** imp.capacity_exponent
    drawn = draw_attributes(params, pop, rural, rng)
    eff_pop = effective_population(pop, bud.scale_breaks, bud.scale_rates)
    fixed = np.array([blk.integration_fixed for blk in catalogue])
    per_cap = np.array([blk.integration_per_capita for blk in catalogue])
    gross = integration_cost(fixed, per_cap, pop, eff_pop, bud, price_level(params))
    zeros = np.zeros((m, b))
    return MunicipalState(
        n=m,
        n_blocks=b,
        population=pop,
        region=country.region.astype(np.int64),
        size_class=size_class(country.population),
        rurality=rural,
        capacity=capacity,
        capacity_index=capacity / (capacity + imp.capacity_half),
        ict_budget=drawn["ict_budget"],
        free_budget=np.zeros(m),
        realloc_left=np.zeros(m),
        priority=drawn["priority"],
        autonomy=drawn["autonomy"],
        role=drawn["role"],
        guardian=drawn["guardian"],
        trust_central=drawn["trust_central"],
        trust_region=drawn["trust_region"],
        skills=drawn["skills"],
        centre_member=np.zeros(m, dtype=bool),
        instrument_member=np.zeros(m, dtype=bool),
        gross_cost=gross,
        status=np.zeros((m, b), dtype=np.int8),
        building_local=np.zeros((m, b), dtype=bool),
        since=np.zeros((m, b), dtype=np.int32),
        remaining=np.zeros((m, b), dtype=np.int32),
        due=zeros.copy(),
        instalment=zeros.copy(),
        spent=zeros.copy(),
        belief=np.full((m, b), params.decision.belief_init),
        takeup=zeros.copy(),
        mandated=np.zeros((m, b), dtype=np.int8),
        granted=zeros.copy(),
        grant_unspent=zeros.copy(),
        adopted_at=np.full((m, b), -1, dtype=np.int32),
        failed_at=np.full((m, b), -1, dtype=np.int32),
        ever_local=np.zeros((m, b), dtype=bool),
        migrating=np.zeros((m, b), dtype=bool),
    )


def draw_roles(
    params: ModelParams, rural: np.ndarray, rng: np.random.Generator, lean: np.ndarray | float = 0.0
) -> np.ndarray:
    """Leadership roles; entrepreneurship tilts towards larger places (Homburg 2013).

    ``lean`` in [-1, 1] (a new majority's stance, docs/ODD.md §7.2) scales the odds
    of an entrepreneur by (1 + lean) and of a laggard by (1 - lean).
    """
    lp = params.leadership
    m = rural.size
    tilt = np.exp(lp.size_leadership * (0.5 - rural) * 2)
    p_ent = clip(lp.entrepreneur_share * tilt / tilt.mean() * (1.0 + lean), 0, 1)
    p_lag = clip(lp.laggard_share / tilt * (1 / (1 / tilt).mean()) * (1.0 - lean), 0, 1)
    u = rng.random(m)
    role = np.full(m, FELLOW, dtype=np.int8)
    role[u < p_ent] = ENTREPRENEUR
    role[(u >= p_ent) & (u < p_ent + p_lag)] = LAGGARD
    return role


@dataclass
class RegionalState:
    """Regional arrays. R regions, B blocks (empty when the preset has no regional tier)."""

    n: int
    population: np.ndarray
    budget: np.ndarray  # EUR/year
    free_budget: np.ndarray
    priority: np.ndarray
    trust_central: np.ndarray
    hosts_centre: np.ndarray  # bool
    cofunds: np.ndarray  # bool
    status: np.ndarray  # (R, B) int8
    remaining: np.ndarray  # (R, B)
    belief: np.ndarray  # (R, B)
    mandated: np.ndarray  # (R, B) bool


def init_regional_state(
    country: Country, catalogue: Catalogue, params: ModelParams, rng: np.random.Generator
) -> RegionalState:
    """Regions with populations summed from their municipalities."""
    r, b = country.n_regions, len(catalogue)
    pop = np.zeros(r)
    if r:
        np.add.at(pop, country.region, country.population.astype(float))
    return RegionalState(
        n=r,
        population=pop,
        budget=params.budget.regional_per_capita * price_level(params) * pop,
        free_budget=np.zeros(r),
        priority=beta_draw(
            rng, params.budget.priority_mean, params.budget.priority_concentration, r
        ),
        trust_central=beta_draw(
            rng, params.trust.regional_central_init, params.trust.init_concentration, r
        ),
        hosts_centre=np.zeros(r, dtype=bool),
        cofunds=np.zeros(r, dtype=bool),
        status=np.zeros((r, b), dtype=np.int8),
        remaining=np.zeros((r, b), dtype=np.int32),
        belief=np.full((r, b), params.decision.belief_init),
        mandated=np.zeros((r, b), dtype=bool),
    )
