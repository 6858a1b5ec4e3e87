"""Instrument base class: one small lifecycle shared by every enforcement tool.

Follows the Starsim intervention pattern: an instrument is declared by a frozen,
validated parameter dataclass (start, end, targets, intensity, cost, who runs it),
is *initialised* once against a built model (targets resolved to index arrays),
*steps* every quarter while active by writing into the quarter's
:class:`~sim.model.effects.Effects`. It never reaches into agents directly: the
narrow Effects interface is what lets thirteen instruments compose without special
cases.

Formality ranks follow OECD (2009, Figure 1) in decreasing formality: 1 is
legislation, 13 informal co-ordination.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

import numpy as np

from sim.model.fields import ParameterError, Validated, param

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel

LEVELS = ("central", "regional", "municipal")


@dataclass(frozen=True)
class Target(Validated):
    """Who an instrument applies to: levels, blocks and a municipality filter.

    Empty tuples mean "all". The municipality filters combine: a municipality is
    targeted when it is in one of the size classes (if any), has
    ``min_population <= population < max_population`` and lies in one of the regions
    (if any); the thresholds use the same convention as the size classes. Region names
    or codes are matched against the country preset when the instrument is initialised,
    so a typo fails loudly there.
    """

    levels: tuple[str, ...] = param(
        ("municipal",), unit="-", doc="levels the instrument acts on", choices=None
    )
    blocks: tuple[str, ...] = param((), unit="-", doc="block keys targeted (empty: all)")
    size_classes: tuple[int, ...] = param(
        (),
        unit="class",
        bounds=(0, 4),
        doc="municipal size classes 0 (<5k) to 4 (>=100k); empty: all",
    )
    regions: tuple[str, ...] = param((), unit="-", doc="region codes or names (empty: all)")
    min_population: float = param(
        0.0,
        unit="inhabitants",
        bounds=(0.0, None),
        doc="municipalities with at least this population (inclusive); 0: no lower limit",
    )
    max_population: float = param(
        float("inf"),
        unit="inhabitants",
        bounds=(1.0, None),
        doc="municipalities with fewer inhabitants than this (exclusive, as the size "
        "classes); inf: no upper limit",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for level in self.levels:
            if level not in LEVELS:
                raise ParameterError("levels", self.levels, f"a list drawn from {list(LEVELS)}")
        if self.max_population <= self.min_population:
            allowed = f"more than min_population ({self.min_population:g})"
            raise ParameterError("max_population", self.max_population, allowed)


@dataclass(frozen=True)
class InstrumentParams(Validated):
    """Settings every instrument has (docs/ODD.md §8)."""

    start: int = param(0, unit="quarter", bounds=(0, 400), doc="first active quarter")
    end: int = param(
        400, unit="quarter", bounds=(0, 400), doc="first quarter no longer active (exclusive)"
    )
    intensity: float = param(1.0, unit="share", bounds=(0.0, 1.0), doc="strength of the instrument")
    cost_per_quarter: float = param(
        0.0,
        unit="EUR/quarter",
        bounds=(0.0, None),
        doc="running cost booked to the level that runs it",
    )
    run_by: str = param(
        "central", unit="-", doc="level that runs and pays for it", choices=("central", "regional")
    )
    target: Target = dataclasses.field(default_factory=Target)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.end <= self.start:
            raise ParameterError("end", self.end, f"a quarter after start ({self.start})")

    def first_action(self) -> tuple[str, int]:
        """The key and quarter from which the instrument can act: ``start`` by default.

        Scenario validation refuses an instrument that can never act in the horizon.
        """
        return "start", self.start


def check_deadline(params: InstrumentParams, deadline: int) -> None:
    """Shared rule of deadline-bearing instruments: no deadline before the start."""
    if deadline < params.start:
        raise ParameterError("deadline", deadline, f"a quarter at or after start ({params.start})")


REGISTRY: dict[str, type[Instrument[Any]]] = {}


def register[I: Instrument[Any]](cls: type[I]) -> type[I]:
    """Class decorator adding an instrument to the registry under ``cls.name``."""
    if cls.name in REGISTRY:
        raise ValueError(f"instrument {cls.name!r} registered twice")
    REGISTRY[cls.name] = cls
    return cls


def instrument_class(name: str) -> type[Instrument[Any]]:
    """Look an instrument type up by name, with an error listing what exists."""
    _load_builtin()
    try:
        return REGISTRY[name]
    except KeyError:
        raise ParameterError("type", name, f"one of {sorted(REGISTRY)}") from None


def _load_builtin() -> None:
    """Import every module of this package: importing a family registers its tools.

    Discovery keeps the registry open for extension (a new module is enough) and is
    lazy to avoid an import cycle with the model.
    """
    import importlib
    import pkgutil

    import sim.instruments as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name != "base":
            importlib.import_module(f"{package.__name__}.{info.name}")


class Instrument[P: InstrumentParams]:
    """Base class: lifecycle, targets, activity window and cost booking.

    Generic over its parameter dataclass ``P``: a subclass declares
    ``class Legislation(Instrument[LegislationParams])`` and sets ``Params`` to the
    same class, so ``self.p`` is typed as its own parameters. Subclasses set the
    class attributes and implement :meth:`apply`.
    """

    name: ClassVar[str] = "instrument"
    formality_rank: ClassVar[int] = 13
    oecd_type: ClassVar[str] = ""
    Params: ClassVar[type[InstrumentParams]] = InstrumentParams
    p: P

    def __init__(self, params: P | None = None, **kwargs: Any):
        # ``Params`` is ``P`` by the subclass's declaration (a ClassVar cannot name P).
        self.p = params if params is not None else cast(P, self.Params(**kwargs))
        self.municipal_mask: np.ndarray | None = None
        self.block_mask: np.ndarray | None = None
        self.cost_booked = 0.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.p})"

    # -- lifecycle -------------------------------------------------------------------
    def initialize(self, model: EGovModel) -> None:
        """Resolve targets against the built model (index masks, validated names)."""
        self.municipal_mask = resolve_municipalities(self.p.target, model)
        self.block_mask = resolve_blocks(self.p.target, model)

    def is_active(self, quarter: int) -> bool:
        """Whether the instrument acts in this quarter."""
        return self.p.start <= quarter < self.p.end

    def step(self, model: EGovModel, effects: Effects) -> None:
        """Act for one quarter: book the running cost, then apply the mechanism."""
        if self.p.cost_per_quarter > 0:
            model.ledger.spend(self.p.run_by, self.p.cost_per_quarter, f"instrument:{self.name}")
            self.cost_booked += self.p.cost_per_quarter
        self.apply(model, effects)

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """The mechanism: write pressure, grants, support or trust events into effects."""
        raise NotImplementedError

    @property
    def target_cells(self) -> np.ndarray:
        """(M, B) boolean mask of targeted municipality × block cells."""
        assert self.municipal_mask is not None and self.block_mask is not None
        return self.municipal_mask[:, None] & self.block_mask[None, :]

    @property
    def targets_municipal(self) -> bool:
        """Whether the municipal level is among the targeted levels."""
        return "municipal" in self.p.target.levels


def resolve_blocks(target: Target, model: EGovModel) -> np.ndarray:
    """Boolean mask over the catalogue for the targeted blocks."""
    keys = model.catalogue.keys
    if not target.blocks:
        return np.ones(len(keys), dtype=bool)
    unknown = [b for b in target.blocks if b not in keys]
    if unknown:
        raise ParameterError("target.blocks", unknown[0], f"one of {list(keys)}")
    return np.isin(np.asarray(keys), np.asarray(target.blocks))


def resolve_municipalities(target: Target, model: EGovModel) -> np.ndarray:
    """Boolean mask over municipalities: size classes, population range and regions (AND)."""
    state = model.state
    mask = np.ones(state.n, dtype=bool)
    if target.size_classes:
        mask &= np.isin(state.size_class, np.asarray(target.size_classes))
    pop = state.population
    mask &= (pop >= target.min_population) & (pop < target.max_population)
    if target.regions:
        country = model.country
        lookup = {c: i for i, c in enumerate(country.region_codes)}
        lookup.update({n: i for i, n in enumerate(country.region_names)})
        wanted = []
        for r in target.regions:
            if r not in lookup:
                allowed = f"a region code or name of {country.name}: {list(country.region_names)}"
                raise ParameterError("target.regions", r, allowed)
            wanted.append(lookup[r])
        mask &= np.isin(state.region, np.asarray(wanted))
    return mask
