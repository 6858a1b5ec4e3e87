"""EGovModel: one country, three levels of government, one quarter per step.

``step()`` runs the named stages of docs/ODD.md §3 in fixed order (``model.stages``:
calendar, instruments, central, regions, municipalities, citizens, trust,
accounting); a stage is a plain function of the model, so a user can list, time or
replace one. The model knows nothing of batches, files or plots
(docs/architecture.md, data flow).

Randomness: the Mesa ``rng`` seeds the model's generator; named sub-streams are
spawned from it once (``self.streams``), one per stage. Every draw therefore comes
from the model's generator, and a change in one stage (an instrument that makes
central build earlier) does not shift the random numbers of another stage, which
keeps scenario comparisons paired under common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import mesa
import numpy as np

from sim.model import cooperation, metrics, politics, regional
from sim.model.agents import CentralGovernment, Municipality, RegionalGovernment
from sim.model.block_arrays import block_arrays
from sim.model.blocks import Catalogue, load_catalogue
from sim.model.central import LIVE
from sim.model.cost_split import CostSplit
from sim.model.countries import build_country
from sim.model.country_money import country_money
from sim.model.effects import Effects, InstrumentLike
from sim.model.expectations import ExpectationState
from sim.model.kernels import neighbours
from sim.model.ledger import Ledger
from sim.model.municipal import municipal_stage
from sim.model.params import ModelParams
from sim.model.peers import build_clubs
from sim.model.records import Records, Views
from sim.model.rules.decision import choose, network_factor
from sim.model.stages import benefit_stage, calendar_stage, citizens_stage, trust_stage
from sim.model.state import init_municipal_state, init_regional_state


class Streams(NamedTuple):
    """Independent random streams, one per stage, spawned from the model's generator."""

    init: np.random.Generator
    elections: np.random.Generator
    central: np.random.Generator
    regions: np.random.Generator
    municipal: np.random.Generator
    instruments: np.random.Generator
    cooperation: np.random.Generator


class Stage(NamedTuple):
    """One named stage of a quarter: a function of the model."""

    name: str
    run: Callable[[EGovModel], None]


class EGovModel(mesa.Model):
    """Multi-level e-government adoption model.

    Args:
        params: Model parameters (defaults: Denmark, 60 quarters).
        catalogue: Building-block catalogue (default: ``sim/data/blocks.toml``).
        instruments: Instruments to run (fresh instances: they hold per-run state).
        rng: Seed, ``SeedSequence`` or ``Generator`` for the model's generator.
        choice_rule: The municipal choice among waiting, the standard block and a
            local build: a numba-compiled function with the signature of
            :func:`sim.model.rules.decision.choose` (default: that rule). Another
            rule is compiled once in each process that uses it.
    """

    def __init__(
        self,
        params: ModelParams | None = None,
        catalogue: Catalogue | None = None,
        instruments: Sequence[InstrumentLike] = (),
        *,
        rng: int | np.random.SeedSequence | np.random.Generator | None = None,
        choice_rule: Callable[..., int] = choose,
    ) -> None:
        if isinstance(rng, np.random.SeedSequence):
            # Spawning streams advances a SeedSequence's child counter; build from an
            # unused copy so the same seed object always gives the same run.
            rng = np.random.SeedSequence(
                rng.entropy, spawn_key=rng.spawn_key, pool_size=rng.pool_size
            )
        super().__init__(rng=rng)
        self.params = params if params is not None else ModelParams()
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.streams = Streams(*self.rng.spawn(len(Streams._fields)))
        self.country = build_country(self.params.country, self.streams.init)
        self.money = country_money(self.params, float(self.country.population.sum()))
        self.cost_split = CostSplit(self.country.n_municipalities, len(self.catalogue))
        self.state = init_municipal_state(
            self.country, self.catalogue, self.params, self.streams.init
        )
        self.rstate = init_regional_state(
            self.country, self.catalogue, self.params, self.streams.init
        )
        self.blocks = block_arrays(
            self.catalogue, self.params.leadership.central_branding, self.money.price_level
        )
        self.choice_rule = choice_rule
        self.expectations = ExpectationState.start(self.coverage())
        self.degree = np.asarray(self.country.adjacency.sum(axis=1)).ravel()
        self.clubs = build_clubs(self.state.population, self.params.peers.club_size)
        self.region_retry_at = np.zeros((self.rstate.n, len(self.catalogue)), dtype=np.int32)
        self.region_gross = regional.region_gross_cost(self)
        self.coop = cooperation.init(self)
        self.ledger = Ledger()
        self.quarter = 0
        self.quarter_benefit = dict.fromkeys(("central", "regional", "municipal"), 0.0)
        self.effects = self._fresh_effects()
        self.central = CentralGovernment(self)
        self.region_agents = [RegionalGovernment(self, r) for r in range(self.rstate.n)]
        for i in range(self.state.n):
            Municipality(self, i)
        self.instruments = list(instruments)
        for inst in self.instruments:
            inst.initialize(self)
        self.politics = politics.init(self)
        self.current: dict[str, float] = {}
        self.records = Records.build(self)
        self.views = Views.build(self)
        self._init_caches()
        large, small = self.state.size_class >= 3, self.state.size_class <= 1
        # Fixed size groups for the size-gap output (None when a group is empty).
        self.size_groups = (large, small) if large.any() and small.any() else (None, None)
        self.block_metric_names = {
            m: [f"{m}__{k}" for k in self.catalogue.keys] for m in metrics.BLOCK_METRICS
        }
        self.datacollector = metrics.QuarterCollector(self.catalogue)

    def __repr__(self) -> str:
        """Country, size, quarter, municipal adoption, instruments (see ``describe``)."""
        from sim.model.describe import model

        return model(self)

    def _init_caches(self) -> None:
        """Values derived from the state, kept until what they depend on changes.

        Fixed for the run (computed on first use): weights and row indices. Until
        adoption changes (:meth:`adoption_changed`, the one invalidation point):
        neighbours' adoption and network factors. Until roles change: the
        entrepreneur neighbour share (checked against the roles themselves).
        """
        self._peer: np.ndarray | None = None
        self._network: np.ndarray | None = None
        self._weights: np.ndarray | None = None
        self._all_rows: np.ndarray | None = None
        self._size_rows: tuple[np.ndarray, np.ndarray] | None = None
        self.champions_cache: tuple[np.ndarray, np.ndarray] | None = None  # (roles, share)
        self.stages: list[Stage] = [
            Stage("calendar", calendar_stage),
            Stage("instruments", EGovModel.instruments_stage),
            Stage("central", EGovModel.central_stage),
            Stage("regions", EGovModel.regional_stage),
            Stage("municipalities", municipal_stage),
            Stage("citizens", citizens_stage),
            Stage("trust", trust_stage),
            Stage("accounting", EGovModel.accounting_stage),
        ]

    # -- the quarter ---------------------------------------------------------------
    def step(self) -> None:
        """One quarter: the named stages of docs/ODD.md §3 in ``self.stages`` order."""
        self.effects = self._fresh_effects()
        for stage in self.stages:
            stage.run(self)
        self.quarter += 1
        if self.quarter >= self.params.time.n_quarters:
            self.running = False

    def instruments_stage(self) -> None:
        """Instruments act first, so central's platform decisions see this quarter's mandates.

        Their pressure is scaled by the central government's stance (``politics.py``).
        """
        for inst in self.instruments:
            if inst.is_active(self.quarter):
                inst.step(self, self.effects)
        politics.scale_instruments(self)

    def central_stage(self) -> None:
        """Central reviews, builds and runs its national platforms."""
        self.central.step()

    def regional_stage(self) -> None:
        """Regions act in a random order drawn from the model's generator."""
        if self.region_agents:
            self.agents_by_type[RegionalGovernment].shuffle_do("step")
            regional.adoption_stage(self)

    def accounting_stage(self) -> None:
        """Book benefits, update expected coverage, compute this quarter's outputs, collect them."""
        benefit_stage(self)
        self.expectations.observe(self)
        self.current = metrics.compute(self)
        self.datacollector.collect(self)

    def run(self, n_quarters: int | None = None) -> EGovModel:
        """Step to the horizon (or ``n_quarters`` more quarters); returns self."""
        n = self.params.time.n_quarters - self.quarter if n_quarters is None else n_quarters
        for _ in range(n):
            self.step()
        return self

    # -- views used by the kernels ---------------------------------------------------
    def _fresh_effects(self) -> Effects:
        return Effects(self.state.n, len(self.catalogue), self.rstate.n)

    def platform_live(self) -> np.ndarray:
        """(B,) bool: national platform live (blocks owned regionally count as live)."""
        if not hasattr(self, "central"):
            return np.zeros(len(self.catalogue), dtype=bool)
        return (self.central.platform == LIVE) | ~self.blocks.central_owned

    def standard_set(self) -> np.ndarray:
        """(B,) bool: standard fixed (at start, by central's own rule or by an instrument)."""
        return self.central.standard_set | self.effects.standard_set

    def all_rows(self) -> np.ndarray:
        """(M,) indices of all municipalities (kept: read-only views of it are handed out)."""
        if self._all_rows is None:
            self._all_rows = np.arange(self.state.n)
            self._all_rows.flags.writeable = False
        return self._all_rows

    def size_group_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Row indices of the large and small size groups (both empty if one is)."""
        if self._size_rows is None:
            large, small = self.size_groups
            none = np.zeros(0, dtype=np.int64)
            self._size_rows = (
                (np.flatnonzero(large), np.flatnonzero(small))
                if large is not None
                else (none, none)
            )
        return self._size_rows

    def population_weights(self) -> np.ndarray:
        """(M,) population shares (fixed during a run: computed once)."""
        if self._weights is None:
            self._weights = self.state.population / self.state.population.sum()
        return self._weights

    def coverage(self) -> np.ndarray:
        """(B,) population share connected to the standard block."""
        st = self.state
        return st.population @ st.adopted / st.population.sum()

    def network_now(self) -> np.ndarray:
        """(B,) network factor of each standard block at current coverage.

        Cached until :meth:`adoption_changed`: coverage only moves when an
        implementation finishes, and regions, municipalities and the benefit stage
        all read it within one quarter.
        """
        if self._network is None:
            self._network = network_factor(
                self.coverage(), self.blocks.network_exponent, self.params.decision.network_floor
            )
        return self._network

    def adoption_changed(self) -> None:
        """Forget what was derived from adoption statuses (call after any status change).

        Statuses of adopted cells change only when implementations finish
        (``kernels/implement.settle``); a new kernel that adopts or drops blocks
        elsewhere must call this too.
        """
        self._peer = None
        self._network = None

    def peer_adoption(self) -> np.ndarray:
        """(M, B) share of neighbours that adopted each block (cached until a status changes)."""
        if self._peer is None:
            self._peer = self.neighbour_share(self.state.adopted)
        return self._peer

    def neighbour_share(self, flags: np.ndarray) -> np.ndarray:
        """(M, k) share of each municipality's neighbours with the flag set (CSR count)."""
        adj = self.country.adjacency
        return neighbours.neighbour_share(adj.indptr, adj.indices, adj.data, self.degree, flags)
