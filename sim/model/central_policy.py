"""Central as a decision-maker: its own standard rule and its own adaptive policy.

Two decisions central takes by itself, without an instrument (docs/ODD.md §7.3):

* **Standard rule** (``central.standard_rule``): interoperability standards are a
  national competence (OECD 2009 §473). Once a platform is live, central fixes its
  standard when fragmentation of the block (the share of local non-standard solutions
  among the municipalities that have the service) reaches
  ``central.standard_fragmentation`` (counted once ``standard_min_adopters`` of the
  municipalities have the service), or when the population share connected to the
  platform reaches ``central.standard_coverage``. A fixed standard stays fixed.
  Pattern P5 (Germany's OZG) is what the rule answers: without standards,
  voluntary and mandated adoption fragments.
* **Adaptive policy** (``central.adaptive_levels`` > 0): every
  ``adaptive_review_every`` quarters central compares adoption of its live platforms
  with a rising target and climbs one rung when the target is missed, descends one
  when it is met (the rule of ``sim.model.adaptive``, shared with the escalation
  ladder instrument). Each rung adds ``adaptive_pressure`` to the pressure on open
  cells of live central platforms: central's formality rises as targets are missed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.adaptive import Ladder, next_level
from sim.model.state import ADOPTED, IMPLEMENTING, LOCAL

if TYPE_CHECKING:
    from sim.model.agents import CentralGovernment


def fragmentation_by_block(
    status: np.ndarray, migrating: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(B,) share of local solutions among those with the service, and (B,) share with it.

    A municipality has the service when it adopted the standard block or runs a
    local solution (also while migrating away from it, as the ``fragmentation``
    output counts it); blocks nobody has yet get fragmentation 0.
    """
    n_std = (status == ADOPTED).sum(axis=0)
    n_loc = ((status == LOCAL) | migrating).sum(axis=0)
    have = n_std + n_loc
    frag = np.divide(n_loc, have, out=np.zeros(have.shape), where=have > 0)
    return frag, have / max(status.shape[0], 1)


def set_standards(gov: CentralGovernment, live: np.ndarray) -> None:
    """Fix the standard of live platforms whose fragmentation or coverage passed its trigger.

    Args:
        gov: The central government.
        live: (B,) bool, central's platforms that are live now.
    """
    model = gov.model
    cp = model.params.central
    if not cp.standard_rule:
        return
    open_ = live & ~gov.standard_set & model.blocks.central_owned
    if not open_.any():
        return
    frag, have = fragmentation_by_block(model.state.status, model.state.migrating)
    fragmented = (have >= cp.standard_min_adopters) & (frag >= cp.standard_fragmentation)
    covered = model.coverage() >= cp.standard_coverage
    fix = open_ & (fragmented | covered)
    gov.standard_set[fix] = True
    gov.standard_since[fix] = model.quarter


def adapt(gov: CentralGovernment, live: np.ndarray) -> None:
    """Review adoption against the target when due; press open cells by the current rung.

    Args:
        gov: The central government.
        live: (B,) bool, central's platforms that are live now.
    """
    model = gov.model
    cp = model.params.central
    if cp.adaptive_levels == 0:
        return
    q = model.quarter
    ladder = Ladder(0, cp.adaptive_review_every, cp.adaptive_first_target, cp.adaptive_target_step)
    live = live & model.blocks.central_owned
    st = model.state
    if q > 0 and ladder.is_review(q):
        achieved = float(st.adopted[:, live].mean()) if live.any() else 1.0
        expected = ladder.expected(q)
        gov.policy_level = next_level(gov.policy_level, achieved, expected, 0, cp.adaptive_levels)
    gov.policy_history.append(gov.policy_level)
    if gov.policy_level == 0 or not live.any():
        return
    open_cells = live[None, :] & ~st.adopted & (st.status != IMPLEMENTING)
    model.effects.pressure[open_cells] += gov.policy_level * cp.adaptive_pressure
