"""Model parameters: frozen dataclasses with units, bounds, defaults and sources.

Groups follow docs/ODD.md §7 submodels, one module per theme. Defaults marked
``assumption`` are starting values exposed for sensitivity analysis; the others name
the docs/calibration-sources.md row they come from. All groups validate on construction, so an
impossible model can never be built, whichever door (scenario file, ``--set``,
Python) the values came through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.model.fields import Validated
from sim.model.params.behaviour import CitizenParams, DecisionParams, LeadershipParams, TrustParams
from sim.model.params.cooperation import CooperationParams
from sim.model.params.expectations import ExpectationParams
from sim.model.params.geography import CountryParams, TimeParams
from sim.model.params.governments import CentralParams, RegionalParams
from sim.model.params.money import BudgetParams, ImplementationParams
from sim.model.params.peers import PeerParams

__all__ = [
    "PARAM_GROUPS",
    "BudgetParams",
    "CentralParams",
    "CitizenParams",
    "CooperationParams",
    "CountryParams",
    "DecisionParams",
    "ExpectationParams",
    "ImplementationParams",
    "LeadershipParams",
    "ModelParams",
    "PeerParams",
    "RegionalParams",
    "TimeParams",
    "TrustParams",
]


@dataclass(frozen=True)
class ModelParams(Validated):
    """All model parameters; the building-block catalogue travels with them."""

    country: CountryParams = field(default_factory=CountryParams)
    time: TimeParams = field(default_factory=TimeParams)
    budget: BudgetParams = field(default_factory=BudgetParams)
    decision: DecisionParams = field(default_factory=DecisionParams)
    expectations: ExpectationParams = field(default_factory=ExpectationParams)
    implementation: ImplementationParams = field(default_factory=ImplementationParams)
    trust: TrustParams = field(default_factory=TrustParams)
    citizens: CitizenParams = field(default_factory=CitizenParams)
    leadership: LeadershipParams = field(default_factory=LeadershipParams)
    central: CentralParams = field(default_factory=CentralParams)
    regional: RegionalParams = field(default_factory=RegionalParams)
    peers: PeerParams = field(default_factory=PeerParams)
    cooperation: CooperationParams = field(default_factory=CooperationParams)


PARAM_GROUPS: dict[str, type] = {
    "country": CountryParams,
    "time": TimeParams,
    "budget": BudgetParams,
    "decision": DecisionParams,
    "expectations": ExpectationParams,
    "implementation": ImplementationParams,
    "trust": TrustParams,
    "citizens": CitizenParams,
    "leadership": LeadershipParams,
    "central": CentralParams,
    "regional": RegionalParams,
    "peers": PeerParams,
    "cooperation": CooperationParams,
}
