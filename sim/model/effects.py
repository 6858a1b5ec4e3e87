"""The quarter's instrument effects: the narrow interface between tools and the model.

Instruments never touch agents. Each quarter the model hands every active
instrument a fresh :class:`Effects`; instruments *add* to its arrays (pressure,
grants, cost cuts, support, belief pushes, trust experiences) and the model's
kernels read them. Because effects add up, any stack of instruments composes
without special cases: a mandate becomes "funded" only because a financial
incentive's grant offer covers the cost in the same cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from sim.model.model import EGovModel


# Who imposed an obligation on a cell (int8 codes in ``Effects.mandator``).
class Mandator(IntEnum):
    """Who imposed an obligation on a cell (stored as int8 in ``Effects.mandator``)."""

    NONE = 0
    CENTRAL = 1
    REGIONAL = 2


MANDATE_NONE, MANDATE_CENTRAL, MANDATE_REGIONAL = Mandator
MANDATORS = {"central": MANDATE_CENTRAL, "regional": MANDATE_REGIONAL}


@dataclass
class GrantPool:
    """Money a level has set aside for grants; shared by the offers drawing on it.

    Attributes:
        payer: Level paying the grants ("central" or "regional").
        remaining: Euros left (``inf`` for an open-ended programme).
        label: Instrument name, for accounting.
        paid: Euros paid so far.
        refused: Number of applications refused because the pool was empty.
    """

    payer: str
    remaining: float
    label: str
    paid: float = 0.0
    refused: int = 0


@dataclass
class GrantOffer:
    """A co-funding share offered on some municipality × block cells this quarter."""

    share: np.ndarray  # (M, B) share of the integration cost paid by the pool
    pool: GrantPool
    members: np.ndarray | None = None  # (M,) bool: the only rows where share may be > 0
    member_rows: np.ndarray | None = None  # flatnonzero(members), when the offerer keeps it


@dataclass
class Effects:
    """Per-quarter sums of all active instruments' effects.

    Shapes: M municipalities, B blocks, R regions.
    """

    n_mun: int
    n_blocks: int
    n_regions: int
    pressure: np.ndarray = field(init=False)  # (M, B) value-index pressure to start
    region_pressure: np.ndarray = field(init=False)  # (R, B)
    mandator: np.ndarray = field(init=False)  # (M, B) int8, level imposing an obligation
    # (M, B) compulsory pull of mandates: how far the deadline has come (0..1), the
    # credibility of enforcement the mandate carries, and credibility added by
    # sanctions and monitoring (docs/ODD.md §7.5 "Mandated starts").
    obligation: np.ndarray = field(init=False)
    enforcement: np.ndarray = field(init=False)
    enforcement_signal: np.ndarray = field(init=False)
    region_mandated: np.ndarray = field(init=False)  # (R, B) bool
    cost_cut: np.ndarray = field(init=False)  # (M, B) share of integration cost saved
    support: np.ndarray = field(init=False)  # (M, B) implementation support in [0, 1]
    extra_failure: np.ndarray = field(init=False)  # (M, B) failure probability added (lock-in)
    belief_push: np.ndarray = field(init=False)  # (M, B) per-quarter belief gain
    priority_push: np.ndarray = field(init=False)  # (M,) per-quarter priority gain
    enrolment: np.ndarray = field(init=False)  # (M, B) share of skilled citizens enrolled
    trust_central_pos: np.ndarray = field(init=False)  # (M,) positive experiences with central
    trust_central_neg: np.ndarray = field(init=False)  # (M,) negative experiences with central
    trust_region_pos: np.ndarray = field(init=False)  # (M,)
    trust_region_neg: np.ndarray = field(init=False)  # (M,)
    region_trust_pos: np.ndarray = field(init=False)  # (R,) regions' experiences with central
    region_trust_neg: np.ndarray = field(init=False)  # (R,)
    standard_set: np.ndarray = field(init=False)  # (B,) bool, standards fixed by an instrument
    # (M, B) coordination devices' expected-coverage signal: share of the gap to full
    # coverage the cell's decision maker expects the device to close (docs/ODD.md §7.11).
    coverage_signal: np.ndarray = field(init=False)
    grant_offers: list[GrantOffer] = field(default_factory=list)

    def __post_init__(self) -> None:
        m, b, r = self.n_mun, self.n_blocks, self.n_regions
        self.pressure = np.zeros((m, b))
        self.region_pressure = np.zeros((r, b))
        self.mandator = np.zeros((m, b), dtype=np.int8)
        self.obligation = np.zeros((m, b))
        self.enforcement = np.zeros((m, b))
        self.enforcement_signal = np.zeros((m, b))
        self.region_mandated = np.zeros((r, b), dtype=bool)
        self.cost_cut = np.zeros((m, b))
        self.support = np.zeros((m, b))
        self.extra_failure = np.zeros((m, b))
        self.belief_push = np.zeros((m, b))
        self.priority_push = np.zeros(m)
        self.enrolment = np.zeros((m, b))
        self.trust_central_pos = np.zeros(m)
        self.trust_central_neg = np.zeros(m)
        self.trust_region_pos = np.zeros(m)
        self.trust_region_neg = np.zeros(m)
        self.region_trust_pos = np.zeros(r)
        self.region_trust_neg = np.zeros(r)
        self.standard_set = np.zeros(b, dtype=bool)
        self.coverage_signal = np.zeros((m, b))

    @property
    def mandated(self) -> np.ndarray:
        """(M, B) bool: an obligation by a higher level is in force."""
        return self.mandator != MANDATE_NONE

    def impose(self, cells: np.ndarray, level: str) -> None:
        """Record an obligation; central outranks a region on the same cell."""
        current = self.mandator[cells]
        self.mandator[cells] = np.where(current == MANDATE_CENTRAL, current, MANDATORS[level])

    def offered_grant_share(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Co-funding share a municipality can expect now (pools with money left).

        (M, B) for all municipalities, or (len(rows), B) for the given rows. An offer
        that declares its ``members`` adds only on those rows: shares are >= 0 and
        adding 0.0 elsewhere changes nothing, so the sum is the same, without
        gathering every offer's full array (regions each offer on their own rows).
        """
        n = self.n_mun if rows is None else len(rows)
        total = np.zeros((n, self.n_blocks))
        for offer in self.grant_offers:
            if offer.pool.remaining <= 0:
                continue
            if offer.members is None:
                total += offer.share if rows is None else offer.share[rows]
                continue
            if rows is None and offer.member_rows is not None:
                at = offer.member_rows
            else:
                at = np.flatnonzero(offer.members if rows is None else offer.members[rows])
            if at.size:
                total[at] += offer.share[at if rows is None else rows[at]]
        return np.minimum(total, 1.0)


class InstrumentLike(Protocol):
    """What the model asks of an instrument (``sim.instruments.base.Instrument`` is one).

    Declared here, in the model layer, so the model depends on this narrow
    interface and not on the instrument package above it.
    """

    def initialize(self, model: EGovModel) -> None:
        """Bind to a model before the first quarter (resolve targets, open pools)."""

    def is_active(self, quarter: int) -> bool:
        """Whether the instrument acts in ``quarter``."""

    def step(self, model: EGovModel, effects: Effects) -> None:
        """Add this quarter's effects."""
