"""Co-operation as compiled passes over municipalities (docs/ODD.md §7.4).

:func:`form_groups` lets small neighbours found inter-municipal bodies (yearly, in
a random order); :func:`join` lets small municipalities join their region's centre
or a neighbouring body (quarterly, in index order); :func:`share_costs` writes the
members' shared integration cost; :func:`fees` each member's yearly fee. The
formulas are the rules of ``rules/cooperation.py``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model.jit import njit
from sim.model.rules import cooperation as cr


class Bodies(NamedTuple):
    """Shared bodies: one row per municipality (``body``) and one per body (the rest)."""

    body: np.ndarray  # (M,) int64: body of each municipality, -1 for none
    size: np.ndarray  # (K,) int64: members
    population: np.ndarray  # (K,) inhabitants of the members
    region: np.ndarray  # (K,) int64: hosting region, -1 for an inter-municipal body


class Eligible(NamedTuple):
    """(M,) inputs that say who may pool and how willing it is."""

    small: np.ndarray  # bool: below regional.centre_small_population
    member: np.ndarray  # bool: in any centre (written: joins set it)
    region: np.ndarray  # int64: region of each municipality, -1 for none
    region_body: np.ndarray  # (R,) int64: body a region hosts, -1 for none
    trust_region: np.ndarray
    autonomy: np.ndarray
    population: np.ndarray
    limit: np.ndarray  # EUR/year: the most a member's fee may be (operating work handed over)
    indptr: np.ndarray  # adjacency (CSR)
    indices: np.ndarray


@njit
def _enter(bodies, el, i, k):
    """Municipality ``i`` enters body ``k``."""
    bodies.body[i] = k
    bodies.size[k] += 1
    bodies.population[k] += el.population[i]
    el.member[i] = True


@njit
def _neighbour_body(bodies, el, i, max_members):
    """A neighbouring inter-municipal body with room (lowest adjacency position), or -1."""
    for p in range(el.indptr[i], el.indptr[i + 1]):
        k = bodies.body[el.indices[p]]
        if k >= 0 and bodies.region[k] < 0 and bodies.size[k] < max_members:
            return k
    return -1


@njit
def _fits(bodies, el, i, k, cost, share):
    """Whether municipality ``i``'s fee after joining body ``k`` fits its limit."""
    pop = el.population[i]
    after = bodies.population[k] + pop
    return cr.affordable(cost, share, bodies.size[k] + 1, pop, after, el.limit[i])


@njit
def join(bodies, el, u, terms, trust_pos):
    """Small non-members join their region's centre, or else a neighbouring body; returns joins.

    ``terms`` = (probability, max_members, cost_per_member, member_share). In a
    region hosting a centre a municipality considers that centre only (one joining
    is a positive experience with the region); elsewhere it may join an
    inter-municipal body one of its neighbours belongs to. Either way its fee after
    joining must fit its limit.
    """
    bodies, el = Bodies(*bodies), Eligible(*el)
    probability, max_members, cost, share = terms
    joins = 0
    for i in range(u.size):
        if not el.small[i] or el.member[i]:
            continue
        r = el.region[i]
        if r >= 0 and el.region_body[r] >= 0:
            k = el.region_body[r]
            chance = cr.join_chance(probability, el.trust_region[i])
            if u[i] < chance and _fits(bodies, el, i, k, cost, share):
                _enter(bodies, el, i, k)
                trust_pos[i] += 1.0
                joins += 1
            continue
        k = _neighbour_body(bodies, el, i, max_members)
        chance = cr.join_chance(probability, 1.0 - el.autonomy[i])
        if k >= 0 and u[i] < chance and _fits(bodies, el, i, k, cost, 1.0):
            _enter(bodies, el, i, k)
            joins += 1
    return joins


@njit
def form_groups(bodies, el, order, u_start, u_accept, terms, n_bodies, free_budget, paid_by):
    """Small unpooled neighbours found bodies; returns (bodies now, EUR of founding paid).

    ``terms`` = (probability, min_members, max_members, founding_cost,
    cost_per_member). Taken in ``order``, a small municipality outside any centre,
    in a region without one, proposes with chance ``probability`` x (1 - autonomy);
    its small unpooled neighbours accept when their uniform is below 1 - autonomy
    (up to ``max_members`` in all). The body is founded when it has at least
    ``min_members``, every founder can pay its equal share of the founding cost from
    its free budget, and every founder's fee (members pay all the running cost)
    fits its limit. Each founder's share is added to ``paid_by``.
    """
    bodies, el = Bodies(*bodies), Eligible(*el)
    probability, min_members, max_members, founding, cost = terms
    founders = np.empty(max(int(max_members), 1), dtype=np.int64)
    paid = 0.0
    for i in order:
        r = el.region[i]
        hosted = r >= 0 and el.region_body[r] >= 0
        if hosted or not el.small[i] or el.member[i]:
            continue
        if u_start[i] >= cr.join_chance(probability, 1.0 - el.autonomy[i]):
            continue
        founders[0], n = i, 1
        for p in range(el.indptr[i], el.indptr[i + 1]):
            j = el.indices[p]
            willing = u_accept[j] < cr.join_chance(1.0, 1.0 - el.autonomy[j])
            if n < max_members and el.small[j] and not el.member[j] and willing:
                founders[n] = j
                n += 1
        share = founding / n
        group_pop = 0.0
        for x in range(n):
            group_pop += el.population[founders[x]]
        ok = n >= min_members
        for x in range(n):
            j = founders[x]
            fee_ok = cr.affordable(cost, 1.0, n, el.population[j], group_pop, el.limit[j])
            ok = ok and free_budget[j] >= share and fee_ok
        if not ok:
            continue
        for x in range(n):
            _enter(bodies, el, founders[x], n_bodies)
            free_budget[founders[x]] -= share
            paid_by[founders[x]] += share
        bodies.region[n_bodies] = -1
        n_bodies += 1
        paid += founding
    return n_bodies, paid


@njit
def share_costs(body, size, base_gross, fixed, shared, gross):
    """Members' integration cost: the shared fixed part split among their body's members."""
    for i in range(body.size):
        k = body[i]
        if k < 0:
            continue
        for b in range(fixed.shape[1]):
            gross[i, b] = cr.member_gross(base_gross[i, b], fixed[i, b], shared, size[k])


@njit
def fees(bodies, population, cost_per_member, member_share, out):
    """Each member's yearly fee into ``out`` (zero elsewhere); returns the total.

    Inter-municipal bodies have no host: their members pay all of the running cost.
    """
    bodies = Bodies(*bodies)
    total = 0.0
    for i in range(out.size):
        k = bodies.body[i]
        out[i] = 0.0
        if k < 0:
            continue
        share = member_share if bodies.region[k] >= 0 else 1.0
        yearly = cost_per_member * bodies.size[k]
        out[i] = cr.member_fee(yearly, share, population[i], bodies.population[k])
        total += out[i]
    return total
