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
    """Everything the kernels read that is fixed for a run."""

    decide: dk.DecideParams
    implementation: ImplementationRule
    blocks: ik.ImplBlocks
    citizens: CitizenRule
    trust: TrustRule
    region: rk.RegionParams
    running: np.ndarray  # (M, B) EUR per quarter of a standard block in operation
    running_local: np.ndarray  # (M, B) the same for a local solution
    region_served: np.ndarray  # (R,) inhabitants reached by each region's own services
    region_counts: np.ndarray  # (R,) municipalities of each region

    @classmethod
    def build(cls, model: EGovModel) -> Records:
        """From the model's parameters, catalogue, population and regions."""
        p, bl, st = model.params, model.blocks, model.state
        rule, columns = dr.DecisionRule.from_params(p.decision), dr.BlockColumns.from_blocks(bl)
        masks = dk.prereq_masks(np.ascontiguousarray(bl.prereq))
        rate = bl.running[None, :] * st.population[:, None] / 4.0
        has = st.region >= 0
        return cls(
            decide=dk.DecideParams(rule, columns, _municipal_terms(p), masks),
            implementation=ImplementationRule.from_params(p),
            blocks=ik.ImplBlocks(bl.failure, bl.central_owned, bl.quarters),
            citizens=CitizenRule.from_params(p.citizens),
            trust=TrustRule.from_params(p.trust),
            region=rk.RegionParams(
                rule, columns, _regional_terms(p), np.ascontiguousarray(bl.prereq), bl.quarters
            ),
            running=rate,
            running_local=p.decision.local_cost_factor * rate,
            region_served=model.rstate.population * p.regional.service_share,
            region_counts=np.bincount(st.region[has], minlength=model.rstate.n),
        )


def _municipal_terms(p) -> dk.MunicipalTerms:
    dp = p.decision
    return dk.MunicipalTerms(
        entrepreneur_bonus=float(dp.entrepreneur_bonus),
        laggard_penalty=float(dp.laggard_penalty),
        peer_weight=float(dp.peer_weight),
        follower_peer_boost=float(dp.follower_peer_boost),
        centre_cost_cut=float(p.regional.centre_cost_cut),
        cost_cut_cap=float(p.implementation.cost_cut_cap),
        guardian_risk_cut=float(p.leadership.guardian_risk_cut),
        local_trust_threshold=float(dp.local_trust_threshold),
        consider_hazard=float(dp.consider_hazard),
        retry_after=int(dp.retry_after),
    )


def _regional_terms(p) -> rk.RegionalTerms:
    rp, dp = p.regional, p.decision
    return rk.RegionalTerms(
        slip_probability=float(rp.slip_probability),
        failure_scale=float(rp.failure_scale),
        retry_after=int(dp.retry_after),
        failure_belief_drop=float(dp.failure_belief_drop),
        autonomy=float(rp.autonomy),
        peer_weight=float(dp.peer_weight),
        consider_hazard=float(rp.consider_hazard),
    )
