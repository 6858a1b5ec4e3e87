"""Inter-municipal co-operation and shared centres (docs/ODD.md §7.4).

Two kinds of shared body pool administration and ICT for small municipalities while
each keeps its own council: a shared resource centre hosted by a region where small
municipalities dominate, and an inter-municipal body founded by a group of small
neighbours (the Danish virtual town hall of [JoinedUp]; [OECD2009] §478; small
Norwegian municipalities pool IT more, docs/calibration-sources.md §3). Members get
the centre benefits of §7.5 (cost cut, pooled staff, support) and connect to a
block once for the body (the shared part of the fixed integration cost is split
among them); they pay the running cost (a region pays its host share of a centre)
and founders pay the founding cost. ``cooperation.enabled = false`` switches all
of it off. Rules: ``rules/cooperation.py``; loops: ``kernels/cooperation.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.country_money import integration_cost
from sim.model.kernels import cooperation as ck
from sim.model.rules import cooperation as cr

if TYPE_CHECKING:
    from sim.model.agents import RegionalGovernment
    from sim.model.model import EGovModel


@dataclass
class CoopState:
    """Shared bodies of a run; per-body arrays have room for every possible body."""

    body: np.ndarray  # (M,) int64: body of each municipality, -1 for none
    size: np.ndarray  # (K,) members of each body
    population: np.ndarray  # (K,) inhabitants of the members
    host: np.ndarray  # (K,) hosting region, -1 for an inter-municipal body
    region_body: np.ndarray  # (R,) body each region hosts, -1 for none
    base_gross: np.ndarray  # (M, B) integration cost without sharing
    fixed: np.ndarray  # (M, B) fixed part of each municipality's integration cost (EUR)
    fees: np.ndarray  # (M,) EUR/year each member pays now
    paid: np.ndarray  # (M,) EUR each municipality paid so far (founding shares and fees)
    small: np.ndarray  # (M,) bool: small enough to pool (fixed for the run)
    limit: np.ndarray  # (M,) EUR/year: the most each member's fee may be (fixed for the run)
    n_bodies: int = 0

    @property
    def bodies(self) -> tuple:
        """The kernels' ``Bodies`` record, as a plain tuple."""
        return tuple(ck.Bodies(self.body, self.size, self.population, self.host))

    @property
    def n_intermunicipal(self) -> int:
        """Inter-municipal bodies founded so far."""
        return int((self.host[: self.n_bodies] < 0).sum())


def init(model: EGovModel) -> CoopState:
    """No bodies at the start; the unshared integration costs are kept."""
    st = model.state
    k = st.n + model.rstate.n
    return CoopState(
        body=np.full(st.n, -1, dtype=np.int64),
        size=np.zeros(k, dtype=np.int64),
        population=np.zeros(k),
        host=np.full(k, -1, dtype=np.int64),
        region_body=np.full(model.rstate.n, -1, dtype=np.int64),
        base_gross=st.gross_cost.copy(),
        fixed=fixed_part(model),
        fees=np.zeros(st.n),
        paid=np.zeros(st.n),
        small=small(model),
        limit=limits(model),
    )


def fixed_part(model: EGovModel) -> np.ndarray:
    """(M, B) the fixed part of each municipality's integration cost, as it is charged.

    The same rule as the gross cost (``country_money.integration_cost``: the country's
    price level, scaled down below ``budget.fixed_full_population``) with the
    per-inhabitant part left out, so sharing never takes away more than was charged.
    """
    st = model.state
    fixed = np.array([b.integration_fixed for b in model.catalogue], dtype=float)
    none = np.zeros(fixed.size)
    zero_pop = np.zeros(st.n)
    bp, price = model.params.budget, model.money.price_level
    return integration_cost(fixed, none, st.population, zero_pop, bp, price)


def small(model: EGovModel) -> np.ndarray:
    """(M,) bool: municipalities small enough to pool (``regional.centre_small_population``)."""
    return model.state.population < model.params.regional.centre_small_population


def limits(model: EGovModel) -> np.ndarray:
    """(M,) EUR/year: the most each municipality's fee may be (operating ICT handed over)."""
    st = model.state
    operating = (1.0 - model.params.budget.innovation_share) * st.ict_budget
    return model.params.cooperation.handover_share * operating


def _eligible(model: EGovModel) -> tuple:
    st, adj, coop = model.state, model.country.adjacency, model.coop
    return tuple(
        ck.Eligible(
            coop.small,
            st.centre_member,
            st.region,
            coop.region_body,
            st.trust_region,
            st.autonomy,
            st.population,
            coop.limit,
            adj.indptr,
            adj.indices,
        )
    )


def costs(model: EGovModel) -> tuple[float, float]:
    """(founding cost, running cost per member and year) in the country's prices (EUR).

    The parameters are at Danish prices (docs/ODD.md §7.1, country scale).
    """
    price = model.money.price_level
    return (
        price * model.params.cooperation.founding_cost,
        price * model.params.regional.centre_cost_per_member,
    )


def region_year(reg: RegionalGovernment, u_host: float) -> None:
    """New year of region ``reg``: maybe found a centre; reserve the year's host share.

    A region founds where the share of its small municipalities reaches
    ``regional.centre_small_share``, when u < priority and the founding cost plus
    the host share of the expected members' first-year running cost fit its free budget.
    """
    model, r = reg.model, reg.index
    rs, rp, cp, coop = model.rstate, model.params.regional, model.params.cooperation, model.coop
    mine = reg.mine
    if coop.region_body[r] < 0 and mine.any():
        n_small = float(coop.small[mine].sum())
        expected = rp.centre_founding_share * n_small
        founding, per_member = costs(model)
        cost = cr.host_cost(founding, per_member, expected, cp.member_share)
        share = n_small / mine.sum()
        free, priority = rs.free_budget[r], rs.priority[r]
        if cr.region_founds(cp.enabled, share, rp.centre_small_share, u_host, priority, cost, free):
            k = coop.n_bodies
            coop.host[k], coop.region_body[r] = r, k
            coop.n_bodies += 1
            rs.hosts_centre[r] = True
            rs.free_budget[r] -= founding
            model.ledger.spend("regional", founding, "shared centre founding")
    rs.free_budget[r] -= 4.0 * host_share(model, r)


def host_share(model: EGovModel, r: int) -> float:
    """EUR per quarter region ``r`` pays for the centre it hosts (0 if none)."""
    k = model.coop.region_body[r]
    if k < 0:
        return 0.0
    members = float(model.coop.size[k])
    cost = costs(model)[1]
    return (1.0 - model.params.cooperation.member_share) * cost * members / 4.0


def region_step(reg: RegionalGovernment) -> None:
    """Region ``reg`` pays its host share of its centre's running cost this quarter."""
    cost = host_share(reg.model, reg.index)
    if cost > 0:
        reg.model.ledger.spend("regional", cost, "shared centre")


def municipal_stage(model: EGovModel, u_join: np.ndarray) -> None:
    """Found bodies (new year), join, share integration costs, pay members' fees.

    The cooperation stream draws the same numbers every new year whatever happens
    (2 x M uniforms and a permutation), so switching co-operation off keeps the
    other stages' random numbers paired.
    """
    st, cp, rp, coop = model.state, model.params.cooperation, model.params.regional, model.coop
    if model.quarter % 4 == 0:
        rng = model.streams.cooperation
        u_start, u_accept, order = rng.random(st.n), rng.random(st.n), rng.permutation(st.n)
        founding, per_member = costs(model)
        if cp.enabled:
            terms = (
                cp.group_probability,
                cp.group_min_members,
                cp.group_max_members,
                founding,
                per_member,
            )
            coop.n_bodies, paid = ck.form_groups(
                coop.bodies, _eligible(model), order, u_start, u_accept, terms,
                coop.n_bodies, st.free_budget, coop.paid,
            )  # fmt: skip
            if paid > 0:
                model.ledger.spend("municipal", float(paid), "co-operation founding")
    if coop.n_bodies == 0:
        return
    terms = (
        rp.centre_join_probability,
        cp.group_max_members,
        costs(model)[1],
        cp.member_share,
    )
    ck.join(coop.bodies, _eligible(model), u_join, terms, model.effects.trust_region_pos)
    shared = cp.shared_fixed
    ck.share_costs(coop.body, coop.size, coop.base_gross, coop.fixed, shared, st.gross_cost)
    _pay_fees(model)


def _pay_fees(model: EGovModel) -> None:
    """Members pay a quarter of their yearly fee from their operating ICT budget.

    The pooled staff take over operating work the members' own ICT did, so the fee
    is booked as an operating allocation and spent (as running costs, §7.5): it
    shows in municipal spending but leaves the project envelope alone.
    """
    st, coop = model.state, model.coop
    total = ck.fees(
        coop.bodies,
        st.population,
        costs(model)[1],
        model.params.cooperation.member_share,
        coop.fees,
    )
    if total > 0:
        coop.paid += coop.fees / 4.0
        model.ledger.allocate("municipal", total / 4.0)
        model.ledger.spend("municipal", total / 4.0, "co-operation fee")


def members_share(model: EGovModel) -> float:
    """Share of municipalities in a shared centre or inter-municipal body (``centre_members``)."""
    return float(np.count_nonzero(model.state.centre_member) / model.state.n)
