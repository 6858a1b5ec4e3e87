"""Calendar, citizens, trust and benefit stages of a quarter (docs/ODD.md §3 steps 1, 5, 6, 7).

The municipal decision stage lives in ``municipal.py``; central and regional
decisions in ``central.py`` and ``regional.py``. Each function here is one named
stage of :meth:`sim.model.model.EGovModel.step`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import politics, regional
from sim.model.kernels import benefits as bk
from sim.model.kernels import citizens as ck
from sim.model.kernels import trust as tk
from sim.model.state import ENTREPRENEUR, IMPLEMENTING

if TYPE_CHECKING:
    from sim.model.model import EGovModel


def calendar_stage(model: EGovModel) -> None:
    """Q1: elections when due (``politics.py``), then budgets and priorities in Q1 of a year."""
    rng = model.streams.elections
    u_shock = rng.random(model.state.n)
    politics.elections(model)
    if model.quarter % 4 == 0:
        municipal_new_year(model, u_shock)
        model.central.new_year()
        for reg in model.region_agents:
            reg.new_year()


def municipal_new_year(model: EGovModel, u_shock: np.ndarray) -> None:
    """Yearly envelope; competing-needs shocks cut priority unless funding is committed.

    Multi-annual commitments from higher levels (an implementation co-funded by a
    grant is under way and part of the grant is still to be spent) protect a
    municipality's e-government priority against the shock. Unspent
    project money carries over (capped at ``budget.carry_over_years`` envelopes), so
    a small municipality can save up for a block it cannot afford in one year.
    """
    st, bp = model.state, model.params.budget
    envelope = bp.innovation_share * st.ict_budget
    model.ledger.allocate("municipal", float(envelope.sum()))
    committed_funding = ((st.status == IMPLEMENTING) & (st.grant_unspent > 0)).any(axis=1)
    shock = (u_shock < bp.shock_probability) & ~committed_funding
    st.priority[shock] *= 1.0 - bp.shock_size
    busy = st.status == IMPLEMENTING
    own_due = np.maximum(st.due - st.grant_unspent, 0.0)  # grants in hand are spent first
    committed = np.where(busy, np.minimum(4 * st.instalment, own_due), 0.0).sum(axis=1)
    carried = np.minimum(st.free_budget, bp.carry_over_years * envelope)
    st.free_budget[:] = np.maximum(st.priority * envelope - committed + carried, 0.0)
    st.realloc_left[:] = bp.mandate_reallocation_share * st.ict_budget


def citizens_stage(model: EGovModel) -> None:
    """Take-up grows by Bass diffusion; skills grow; demand raises local priority."""
    st = model.state
    ck.citizens(
        model.records.citizens,
        st.status,
        st.migrating,
        st.takeup,
        st.skills,
        st.priority,
        model.effects.priority_push,
        model.effects.enrolment,
    )


def trust_stage(model: EGovModel) -> None:
    """Trust between every pair of levels, and beliefs, from this quarter's experiences."""
    st, eff, tp, rs = model.state, model.effects, model.params.trust, model.rstate
    rule = model.records.trust
    tk.trust(
        rule,
        st.trust_central,
        eff.trust_central_pos,
        eff.trust_central_neg,
        tp.municipal_central_init,
    )
    tk.trust(
        rule,
        st.trust_region,
        eff.trust_region_pos,
        eff.trust_region_neg,
        tp.municipal_regional_init,
    )
    if rs.n:
        tk.trust(
            rule,
            rs.trust_central,
            eff.region_trust_pos,
            eff.region_trust_neg,
            tp.regional_central_init,
        )
    adj = model.country.adjacency
    links = tk.Links(adj.indptr, adj.indices, adj.data, model.degree)
    push = tk.BeliefPush(
        eff.belief_push,
        champion_share(model)[:, 0],
        float(model.params.leadership.entrepreneur_belief_push),
        float(model.params.decision.belief_learning),
    )
    tk.beliefs(st.belief, model.peer_adoption(), tuple(links), st.status, tuple(push))
    regional.learn(model)


def municipal_benefits(model: EGovModel) -> tuple[float, float]:
    """(kept by municipalities, spilled to other levels) EUR of this quarter's services."""
    st, dp = model.state, model.params.decision
    return bk.municipal(
        st.status,
        st.migrating,
        st.takeup,
        st.population,
        model.records.blocks,
        model.network_now(),
        dp.local_benefit_share,
        dp.network_floor,
    )


def champion_share(model: EGovModel) -> np.ndarray:
    """(M, 1) share of neighbours led by an entrepreneur, recomputed only when roles change.

    Roles change only at municipal elections, so the sparse neighbour sum is reused
    between them (the cached result is the same computation on the same roles).
    """
    role = model.state.role
    cached = model.champions_cache
    if cached is None or not np.array_equal(cached[0], role):
        share = model.neighbour_share((role == ENTREPRENEUR)[:, None])
        model.champions_cache = cached = (role.copy(), share)
    return cached[1]


def benefit_stage(model: EGovModel) -> None:
    """Book this quarter's benefits to the levels that receive them.

    The spillover share of a standard block's benefit falls to other levels: to
    central, and to the region where a regional tier exists (split by
    ``regional.spillover_to_region``). Local solutions keep all their (smaller)
    benefit at home: they connect to no one.
    """
    own, spill = municipal_benefits(model)
    to_region = spill * model.params.regional.spillover_to_region if model.rstate.n else 0.0
    region_own, region_spill = regional.service_benefits(model)
    gains = {
        "municipal": own,
        "central": spill - to_region + region_spill,
        "regional": to_region + region_own,
    }
    for level, amount in gains.items():
        model.ledger.gain(level, amount)
    model.quarter_benefit = gains
