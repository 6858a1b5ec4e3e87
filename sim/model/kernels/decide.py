"""The municipal adoption decision as one compiled pass over the cells (docs/ODD.md §7.5).

For each municipality: which options each block has (standard, local build), the
candidate test (only rows with an option whose review draw is below the hazard
are valued; every start probability is at most the hazard, so the other rows wait
whatever their values), the value rule and the choice of ``rules/decision.py``
for every cell of a candidate row, then the yearly budget in the quarter's random
block order. The stage function (``municipal.py``) gathers the records below and
reads the starts back.

Parameters reach the kernels as records (``jit.record``: ``rule``, ``terms``) and
the catalogue as a table of block records (``jit.table`` of ``BlockColumns``).
The choice rule is an argument: :func:`decide` uses :func:`rules.decision.choose`
and is cached on disk; :func:`decide_with` accepts another compiled rule of the
same signature (compiled in the process that uses it).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model.jit import njit
from sim.model.rules import decision as dr
from sim.model.rules import expectations as er
from sim.model.rules.numeric import clip
from sim.model.state import ADOPTED, FAILED, LOCAL, NONE


class MunicipalTerms(NamedTuple):
    """Municipal parameters of the decision beyond the value rule."""

    entrepreneur_bonus: float  # index: leadership term of a public entrepreneur
    laggard_penalty: float  # index: leadership term of a laggard (subtracted)
    peer_weight: float  # index: weight of the share of neighbours adopted
    follower_peer_boost: float  # share: extra peer weight of fellow travellers
    centre_cost_cut: float  # share: cost cut for shared-centre members
    cost_cut_cap: float  # share: ceiling of all cost cuts together
    guardian_risk_cut: float  # share: perceived risk removed by a guardian angel
    sponsor_bonus: float  # index: leadership term of a municipality a champion sponsors
    local_trust_threshold: float  # trust in central below which a local build is open
    consider_hazard: float  # 1/quarter: chance a block is reviewed
    retry_after: int  # quarters before a failed block may be tried again
    mandated_retry_after: int  # the same for a block under a mandate's pull
    first_mover_weight: float  # index: value of waiting for others (expectations)


class DecideContext(NamedTuple):
    """This quarter's national context and draws."""

    live: np.ndarray  # (B,) bool: platform live
    standard: np.ndarray  # (B,) bool: interoperability standard set
    credibility: float  # central's delivery record
    quarter: int
    u: np.ndarray  # (M, B) review-and-choice draws
    block_order: np.ndarray  # (B,) order in which a municipality's budget meets its blocks


class DecideCells(NamedTuple):
    """(M, B) state and inputs of the municipality x block cells."""

    status: np.ndarray
    since: np.ndarray
    failed_at: np.ndarray
    migrating: np.ndarray
    belief: np.ndarray
    peer: np.ndarray  # share of neighbours adopted
    pressure: np.ndarray  # instruments' pressure
    grant: np.ndarray  # grant share on offer
    cost_cut: np.ndarray  # instruments' cost cut
    gross_cost: np.ndarray
    obligation: np.ndarray  # mandates: how far the deadline has come (0..1)
    enforcement: np.ndarray  # mandates: credibility of enforcement
    signal: np.ndarray  # credibility added by sanctions and monitoring
    network: np.ndarray  # network factor at the coverage expected (rules/expectations.py)


class DecideRows(NamedTuple):
    """(M,) attributes of the municipalities."""

    role: np.ndarray
    centre_member: np.ndarray
    guardian: np.ndarray
    population: np.ndarray
    skills: np.ndarray
    autonomy: np.ndarray
    trust_central: np.ndarray
    trust_region: np.ndarray
    realloc_left: np.ndarray  # EUR still movable to mandated starts this year


class DecideOut(NamedTuple):
    """Written by the kernel: budgets left, starts, local builds, the cuts applied."""

    free_budget: np.ndarray  # (M,)
    started: np.ndarray  # (M, B) bool
    local: np.ndarray  # (M, B) bool
    cut: np.ndarray  # (M, B)
    reallocated: np.ndarray  # (M,) EUR moved from other lines to mandated starts


@njit
def decide(rule, terms, blocks, ctx, cells, rows, out):
    """Every municipality decides with the model's own choice rule."""
    decide_with(rule, terms, blocks, ctx, cells, rows, out, dr.choose)


@njit
def decide_with(rule, terms, blocks, ctx, cells, rows, out, choose):
    """Every municipality: options, the candidate test, then the candidate rows."""
    ctx = DecideContext(*ctx)
    cells = DecideCells(*cells)
    rows = DecideRows(*rows)
    out = DecideOut(*out)
    r, t = rule[0], terms[0]
    n_blocks = blocks.size
    can_s = np.zeros(n_blocks, dtype=np.bool_)
    can_l = np.zeros(n_blocks, dtype=np.bool_)
    choice = np.zeros(n_blocks, dtype=np.int8)  # row buffers, reused
    commit = np.zeros(n_blocks)
    for i in range(ctx.u.shape[0]):
        if _options(t, blocks, ctx, cells, rows, i, can_s, can_l):
            for b in range(n_blocks):
                choice[b] = dr.WAIT
                if not (can_s[b] or can_l[b]):  # waits whatever its value: not valued
                    continue
                v_std, cost_std, v_loc, cost_loc = _value_cell(
                    r, t, blocks[b], (ctx, cells, rows), (i, b), (can_s[b], can_l[b]), out
                )
                ch = choose(r, t.consider_hazard, v_std, v_loc, can_s[b], can_l[b], ctx.u[i, b])
                if ch == dr.WAIT and ctx.u[i, b] < _pull(cells, i, b):
                    ch = dr.compulsory_choice(
                        can_s[b], can_l[b], ctx.standard[b], v_std, v_loc,
                        cells.status[i, b] == LOCAL,
                    )  # fmt: skip
                choice[b] = ch
                commit[b] = (cost_loc if ch == dr.LOCAL_BUILD else cost_std) / blocks[b].divisor
            _budget_row(i, ctx.block_order, choice, commit, cells.obligation, rows, out)


@njit
def _pull(cells, i, b):
    """The compulsory pull of cell (i, b) (zero where no mandate applies)."""
    return dr.compulsory_pull(cells.obligation[i, b], cells.enforcement[i, b], cells.signal[i, b])


@njit
def _options(t, blocks, ctx, cells, rows, i, can_s, can_l):
    """Options of row i's blocks into ``can_s``/``can_l``; True if the row is a candidate.

    Prerequisites as bit masks: done blocks of the row against each block's bits.
    A local solution may migrate, but not again within ``retry_after`` of a failed try.
    """
    q = ctx.quarter
    status, since, failed_at = cells.status, cells.since, cells.failed_at
    adopted, running_local = np.int64(0), np.int64(0)
    for b in range(blocks.size):
        s = status[i, b]
        if s == ADOPTED:
            adopted |= np.int64(1) << b
        elif s == LOCAL or cells.migrating[i, b]:
            running_local |= np.int64(1) << b
    distrust = rows.trust_central[i] < t.local_trust_threshold
    candidate = False
    for b in range(blocks.size):
        s = status[i, b]
        wait = t.mandated_retry_after if cells.obligation[i, b] > 0.0 else t.retry_after
        ready = s == NONE or (s == FAILED and q - since[i, b] >= wait)
        settled = failed_at[i, b] < 0 or q - failed_at[i, b] >= wait
        mask = blocks[b].prereq_mask
        pre_std = (mask & ~adopted) == 0
        pre_loc = (mask & ~(adopted | running_local)) == 0
        live = ctx.live[b]
        cs = (ready or (s == LOCAL and settled)) and live and pre_std
        cl = ready and pre_loc and (not live or not ctx.standard[b] or distrust)
        can_s[b], can_l[b] = cs, cl
        if (cs or cl) and (ctx.u[i, b] < t.consider_hazard or ctx.u[i, b] < _pull(cells, i, b)):
            candidate = True
    return candidate


@njit
def _value_cell(r, t, blk, inputs, at, can, out):
    """(v_std, cost_std, v_loc, cost_loc) of cell ``at`` = (i, b); its cost cut goes to ``out``.

    ``inputs`` is (context, cells, rows); ``can`` the cell's (standard, local) options.
    """
    ctx, cells, rows = inputs
    i, b = at
    role = rows.role[i]
    lead = dr.leadership_term(role, t.entrepreneur_bonus, t.laggard_penalty)
    lead += t.sponsor_bonus if rows.guardian[i] else 0.0
    peer_w = dr.peer_weight(role, t.peer_weight, t.follower_peer_boost)
    centre = t.centre_cost_cut if rows.centre_member[i] else 0.0
    c = clip(cells.cost_cut[i, b] + centre, 0.0, t.cost_cut_cap)
    out.cut[i, b] = c
    owner = rows.trust_central[i] if blk.central_owned else rows.trust_region[i]
    cell = dr.ValueCell(
        trust=owner,
        credibility=ctx.credibility,
        population=rows.population[i],
        skills=rows.skills[i],
        risk_cut=rows.guardian[i] * t.guardian_risk_cut,
        belief=cells.belief[i, b],
        network=cells.network[i, b],
        gross_cost=cells.gross_cost[i, b],
        cut=c,
        grant=cells.grant[i, b],
        migrating=cells.status[i, b] == LOCAL,
        autonomy=rows.autonomy[i],
        common=peer_w * cells.peer[i, b],
        pressure=cells.pressure[i, b],
        standard_set=ctx.standard[b],
        leadership=lead,
    )
    v_std, cost_std, v_loc, cost_loc = 0.0, 0.0, 0.0, 0.0
    if can[0]:
        v_std, cost_std = dr.standard_value(r, blk, cell)
        v_std -= er.first_mover_cost(t.first_mover_weight, cell.network)  # §7.11
    if can[1]:
        v_loc, cost_loc = dr.local_value(r, blk, cell)
    return v_std, cost_std, v_loc, cost_loc


@njit
def probabilities(rule, terms, blocks, ctx, cells, rows, out, p):
    """Every cell's chance of starting the standard block and a local build this quarter.

    For inspection (tests, notebooks, the explorer): the same options, values and
    logit as :func:`decide`, for all rows, without drawing or spending. ``p`` is
    (2, M, B): standard, local.
    """
    ctx = DecideContext(*ctx)
    cells = DecideCells(*cells)
    rows = DecideRows(*rows)
    out = DecideOut(*out)
    r, t = rule[0], terms[0]
    can_s = np.zeros(blocks.size, dtype=np.bool_)
    can_l = np.zeros(blocks.size, dtype=np.bool_)
    for i in range(p.shape[1]):
        _options(t, blocks, ctx, cells, rows, i, can_s, can_l)
        for b in range(blocks.size):
            if can_s[b] or can_l[b]:
                can = (can_s[b], can_l[b])
                v_std, _, v_loc, _ = _value_cell(
                    r, t, blocks[b], (ctx, cells, rows), (i, b), can, out
                )
                p[0, i, b], p[1, i, b] = dr.choice_probabilities(
                    r, t.consider_hazard, v_std, v_loc, can_s[b], can_l[b]
                )


@njit
def _budget_row(i, block_order, choice, commit, obligation, rows, out):
    """Start the chosen blocks of row i, in the quarter's block order, while money lasts.

    Voluntary starts must fit the free envelope. A start on a mandated cell is
    obligatory spending: what the envelope lacks is moved from other lines, up to
    what the municipality can still reallocate this year (``realloc_left``).
    """
    free = out.free_budget[i]
    for b in block_order:
        if choice[b] == dr.WAIT:
            continue
        short = commit[b] - free
        if short <= 0.0:
            free -= commit[b]
        elif obligation[i, b] > 0.0 and short <= rows.realloc_left[i]:
            rows.realloc_left[i] -= short
            out.reallocated[i] += short
            free = 0.0
        else:
            continue
        out.started[i, b] = True
        out.local[i, b] = choice[b] == dr.LOCAL_BUILD
    out.free_budget[i] = free
