"""Mesa agents: the central government, regional governments and municipalities.

All three are real ``mesa.Agent``s. Municipalities are thin views over one row of
the struct-of-arrays state (their attributes are properties reading and writing
the arrays), because the municipal hot path runs as vectorised kernels over all
rows; per-agent inspection, ``AgentSet`` selection, DataCollector agent reporters
and SolaraViz still work on them. The central and regional governments are few,
so their decisions run as ordinary agent methods (see ``central.py``,
``regional.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model import central, regional
from sim.model.state import ROLE_NAMES, STATUS_NAMES

if TYPE_CHECKING:
    from sim.model.model import EGovModel


class CentralGovernment(mesa.Agent):
    """The one central government: owns national platforms and runs instruments."""

    def __init__(self, model: EGovModel):
        super().__init__(model)
        cp = model.params.central
        nb = len(model.catalogue)
        self.budget_year = model.money.central_budget  # size and price level applied
        self.free_budget = 0.0
        self.obliged_budget = 0.0  # rest of the year's budget, open to mandated builds only
        self.priority = cp.priority_mean
        self.leadership = cp.leadership
        self.credibility = cp.credibility_init
        live = np.array([b.platform_live_at_start for b in model.catalogue], dtype=bool)
        self.platform = np.where(live, central.LIVE, central.NONE).astype(np.int8)
        self.standard_set = np.array([b.standard_set_at_start for b in model.catalogue], dtype=bool)
        self.standard_since = np.where(self.standard_set, 0, -1).astype(np.int32)
        self.policy_level = 0  # rung of central's own adaptive policy (central_policy.adapt)
        self.policy_history: list[int] = []
        self.remaining = np.zeros(nb, dtype=np.int32)
        self.due = np.zeros(nb)
        self.instalment = np.zeros(nb)
        self.overrun_share = np.zeros(nb)  # part of each build payment above the cost
        self.since = np.zeros(nb, dtype=np.int32)
        self.obliged = np.zeros(nb, dtype=bool)  # a mandate obliged the block last quarter
        self.failures = 0
        self.running: np.ndarray | None = None  # (B,) quarterly platform running cost

    def __repr__(self) -> str:
        """Platforms live and under way, credibility, priority (see ``describe``)."""
        from sim.model.describe import central_government

        return central_government(self)

    def new_year(self) -> None:
        """Yearly budget: allocate, then free what priority leaves for new builds."""
        central.new_year(self)

    def step(self) -> None:
        """Progress platform builds, decide new ones, pay running costs."""
        central.step(self)


class RegionalGovernment(mesa.Agent):
    """A regional government: own adoption, shared resource centre, co-funding."""

    def __init__(self, model: EGovModel, index: int):
        super().__init__(model)
        self.index = index
        self.grant_pool = None
        # Municipal membership is fixed at construction: computed once, not per quarter.
        self.mine = model.state.region == index
        self.mine_rows = np.flatnonzero(self.mine)
        self.cofund_cells: np.ndarray | None = None  # (M, B) co-funding share, built once

    def __repr__(self) -> str:
        """Name, municipalities, population, blocks, trust in central (see ``describe``)."""
        from sim.model.describe import regional_government

        return regional_government(self)

    @property
    def name(self) -> str:
        """Region name from the country preset."""
        return self.model.country.region_names[self.index]

    @property
    def trust_central(self) -> float:
        """Trust of this region in the central government."""
        return float(self.model.rstate.trust_central[self.index])

    @property
    def hosts_centre(self) -> bool:
        """Whether the region runs a shared resource centre."""
        return bool(self.model.rstate.hosts_centre[self.index])

    def new_year(self) -> None:
        """Budget, shared-centre and co-funding decisions for the year."""
        regional.new_year(self)

    def step(self) -> None:
        """Co-funding offer and shared-centre running costs (own adoption is vectorised)."""
        regional.step(self)


class Municipality(mesa.Agent):
    """A municipality: a view over row ``index`` of the municipal state arrays."""

    def __init__(self, model: EGovModel, index: int):
        super().__init__(model)
        self.index = index

    def __repr__(self) -> str:
        """Name, code, population, region, role, blocks, trust (see ``describe``)."""
        from sim.model.describe import municipality

        return municipality(self)

    # Scalar attributes (read-write views).
    def _get(self, name: str) -> float:
        return getattr(self.model.state, name)[self.index].item()

    def _set(self, name: str, value: float) -> None:
        getattr(self.model.state, name)[self.index] = value

    @property
    def code(self) -> str:
        """Official municipality code (string, leading zeros kept)."""
        return str(self.model.country.codes[self.index])

    @property
    def name(self) -> str:
        """Municipality name."""
        return str(self.model.country.names[self.index])

    population = property(lambda self: self._get("population"), doc="inhabitants")
    region = property(lambda self: int(self._get("region")), doc="region index (-1: none)")
    capacity = property(lambda self: self._get("capacity"), doc="ICT staff (FTE)")
    priority = property(
        lambda self: self._get("priority"),
        lambda self, v: self._set("priority", v),
        doc="e-government priority against competing needs",
    )
    trust_central = property(
        lambda self: self._get("trust_central"),
        lambda self, v: self._set("trust_central", v),
        doc="trust in the central government",
    )
    trust_region = property(
        lambda self: self._get("trust_region"),
        lambda self, v: self._set("trust_region", v),
        doc="trust in the region",
    )
    skills = property(lambda self: self._get("skills"), doc="share of citizens with digital skills")

    @property
    def role(self) -> str:
        """Leadership role name."""
        return ROLE_NAMES[int(self.model.state.role[self.index])]

    @property
    def block_status(self) -> dict[str, str]:
        """Status of every building block, by key."""
        row = self.model.state.status[self.index]
        return {
            k: STATUS_NAMES[int(s)] for k, s in zip(self.model.catalogue.keys, row, strict=True)
        }

    @property
    def adoption(self) -> float:
        """Share of blocks adopted (standard)."""
        return float(self.model.state.adopted[self.index].mean())

    @property
    def takeup(self) -> float:
        """Mean citizen take-up over blocks."""
        return float(self.model.state.takeup[self.index].mean())
