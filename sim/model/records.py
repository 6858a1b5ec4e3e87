"""The kernels' inputs that are fixed for a run, built once per model.

Parameters, catalogue columns and population do not change once a model is
built, so the named records the kernels read (``rules/`` and ``kernels/``) are
assembled here, in one place, instead of being rebuilt each quarter or cached
piecemeal on the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.jit import pick, record, table
from sim.model.kernels import decide as dk
from sim.model.kernels import implement as ik
from sim.model.kernels import regional as rk
from sim.model.rules import decision as dr
from sim.model.rules.citizens import CitizenRule
from sim.model.rules.implementation import ImplementationRule
from sim.model.rules.trust import TrustRule

if TYPE_CHECKING:
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class Records:
    """Everything the kernels read that is fixed for a run.

    Scalar parameters are (1,) structured arrays (``jit.record``) and the catalogue
    a structured array of block records (``jit.table``): named fields for the
    kernels, and one cheap type check per call (a NamedTuple costs one per field).
    """

    decision: np.ndarray  # DecisionRule record
    municipal: np.ndarray  # MunicipalTerms record
    implementation: np.ndarray  # ImplementationRule record
    citizens: np.ndarray  # CitizenRule record
    trust: np.ndarray  # TrustRule record
    regional: np.ndarray  # RegionalTerms record
    blocks: np.ndarray  # (B,) BlockColumns records
    running: np.ndarray  # (M, B) EUR per quarter of a standard block in operation
    running_local: np.ndarray  # (M, B) the same for a local solution
    region_served: np.ndarray  # (R,) inhabitants reached by each region's own services
    region_counts: np.ndarray  # (R,) municipalities of each region

    @classmethod
    def build(cls, model: EGovModel) -> Records:
        """From the model's parameters, catalogue, population and regions."""
        p, st = model.params, model.state
        rate = model.blocks.running[None, :] * st.population[:, None] / 4.0
        has = st.region >= 0
        return cls(
            decision=record(dr.DecisionRule.from_params(p.decision)),
            municipal=record(_municipal_terms(p)),
            implementation=record(ImplementationRule.from_params(p)),
            citizens=record(CitizenRule.from_params(p.citizens)),
            trust=record(TrustRule.from_params(p.trust)),
            regional=record(_regional_terms(p)),
            blocks=table(dr.BlockColumns.from_blocks(model.blocks)),
            running=rate,
            running_local=p.decision.local_cost_factor * rate,
            region_served=model.rstate.population * p.regional.service_share,
            region_counts=np.bincount(st.region[has], minlength=model.rstate.n),
        )


def _municipal_terms(p) -> dk.MunicipalTerms:
    """Decision first: regions have their own review hazard."""
    return pick(
        dk.MunicipalTerms, p.decision, p.regional, p.implementation, p.leadership, p.expectations
    )


def _regional_terms(p) -> rk.RegionalTerms:
    """Regional first: municipalities have their own slip and review rates."""
    return pick(rk.RegionalTerms, p.regional, p.decision)


@dataclass(frozen=True)
class Views:
    """Named groups of the state arrays the kernels read and write, built once.

    The state's arrays are the same objects for the whole run (kernels change
    their contents in place), so the groups need not be rebuilt each quarter.
    Kept as plain tuples in the NamedTuples' field order: kernels name them on entry.
    """

    work: tuple  # ik.Work, as the plain tuple the kernels take
    impl_rows: tuple  # ik.ImplRows
    decide_rows: tuple  # dk.DecideRows

    @classmethod
    def build(cls, model: EGovModel) -> Views:
        """From the model's municipal state."""
        st = model.state
        work = ik.Work(
            st.status,
            st.remaining,
            st.due,
            st.instalment,
            st.spent,
            st.grant_unspent,
            st.granted,
            st.building_local,
            st.migrating,
            st.mandated,
            st.ever_local,
            st.adopted_at,
            st.failed_at,
            st.since,
            st.belief,
        )
        rows = dk.DecideRows(
            st.role,
            st.centre_member,
            st.guardian,
            st.population,
            st.skills,
            st.autonomy,
            st.trust_central,
            st.trust_region,
            st.realloc_left,
        )
        return cls(tuple(work), tuple(ik.ImplRows(st.capacity, st.centre_member)), tuple(rows))
