"""Elections, programmes, stopped projects and champions (docs/ODD.md §7.2).

An election is a change of direction, not a fresh draw. At each level a council
(or government) stays with probability ``1 - leadership.turnover`` and then renews
its programme: priority returns to the programme level it was elected on (a budget
shock is forgotten, the stance stays). Otherwise a new majority comes in with a
stance, pro or contra digital government (even odds on average: no prior
direction, but the councils of one election day share a national tide,
``leadership.national_tide``), and a new programme: priority ~ Beta(mean ±
``leadership.stance_swing``).

A new contra majority stops projects under way: each own-funded, unmandated
implementation is stopped with probability ``leadership.stop_probability`` (money
spent is sunk; the cell may be started again later). Projects co-funded by a grant
or obliged by a mandate are kept, as multi-annual commitments protect priority
against budget shocks (§7.1); projects of a municipality sponsored by a champion
(a guardian angel, [BCS-NZ]) are kept too. A new central government scales the
pressure of every instrument by ``1 ± leadership.central_stance_intensity`` and
a contra government stops central platform builds the same way, except those of
platforms a mandate obliges (the law commits central to provide them, §7.3); a
stopped platform may be built again by any later government. Stopped projects
per quarter are the output ``stopped_projects``: stop-and-go made visible.

Champions: central and each region have an e-government champion with
probability ``leadership.champion_share``, redrawn when the majority changes. A
champion sponsors ``leadership.guardian_share`` of the municipalities in its
domain (its guardian angels): their leadership term gains
``leadership.sponsor_bonus`` and their perceived risk falls (§7.5). Sponsorship
is redrawn when a central or regional majority changes.

Sources: [OECD2009] §466 (different priorities between levels and
between politicians and administrations, conflicts of leadership), [UNeGov]
("sustained leadership is essential"; political leadership sets the vision and
priorities), [BCS-NZ] (entrepreneur, guardian angel, fellow travellers). The
sizes are assumptions (docs/ODD.md §7.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.central import BUILDING, NONE, lose_credibility
from sim.model.state import IMPLEMENTING, LOCAL, beta_draw, draw_roles

if TYPE_CHECKING:
    from sim.model.model import EGovModel

PRO, CONTRA = 1.0, -1.0


@dataclass
class PoliticalState:
    """Programmes, stances and champions of every level; stopped projects this quarter.

    Attributes:
        programme: (M,) municipal priority each council was elected on.
        region_programme: (R,) the same for regions.
        central_programme: central government's priority programme.
        central_stance: +1 pro, -1 contra digital, 0 before the first change.
        central_champion: central has an e-government champion.
        region_champion: (R,) each region has one.
        reassign: (M,) rows whose covering champion may have changed this quarter.
        stopped: projects stopped this quarter (municipal cells + central builds).
        stopped_total: projects stopped since the start.
    """

    programme: np.ndarray
    region_programme: np.ndarray
    central_programme: float
    central_stance: float
    central_champion: bool
    region_champion: np.ndarray
    reassign: np.ndarray
    stopped: int = 0
    stopped_total: int = 0


def init(model: EGovModel) -> PoliticalState:
    """Programmes are the initial priorities; champions and sponsorship are drawn.

    The initial guardian draw of the state (share ``guardian_share``) becomes the
    sponsorship of municipalities covered by a champion; uncovered ones have none.
    Draws come from the elections stream, before the first quarter.
    """
    st, rs, lp = model.state, model.rstate, model.params.leadership
    rng = model.streams.elections
    pol = PoliticalState(
        programme=st.priority.copy(),
        region_programme=rs.priority.copy(),
        central_programme=float(model.central.priority),
        central_stance=0.0,
        central_champion=bool(rng.random() < lp.champion_share),
        region_champion=rng.random(rs.n) < lp.champion_share,
        reassign=np.zeros(st.n, dtype=bool),
    )
    st.guardian &= covered(model, pol)
    return pol


def covered(model: EGovModel, pol: PoliticalState) -> np.ndarray:
    """(M,) bool: a champion (central, or the municipality's region) is in office."""
    reg = model.state.region
    if pol.region_champion.size:
        by_region = np.where(reg >= 0, pol.region_champion[np.maximum(reg, 0)], False)
    else:
        by_region = np.zeros(model.state.n, dtype=bool)
    return by_region | pol.central_champion


def is_election(quarter: int, offset: int, period: int) -> bool:
    """Whether an election falls in this quarter; period 0 means no elections."""
    return period > 0 and quarter >= offset and (quarter - offset) % period == 0


def new_programme(
    rng: np.random.Generator, mean: float, conc: float, stance: np.ndarray, swing: float
) -> np.ndarray:
    """Priorities of new majorities: Beta around the mean shifted by their stance."""
    return beta_draw(rng, mean + swing * stance, conc, stance.size)


def stances(rng: np.random.Generator, n: int, tide: float) -> np.ndarray:
    """(n,) stances of new majorities elected on one day, pro or contra.

    Even odds on average (no prior direction), but an election day has a national
    tide: the chance of pro is 0.5 + ``tide`` * (u - 0.5) for one national draw u,
    so the councils of one election lean the same way (0: independent councils).
    """
    p_pro = 0.5 + tide * (rng.random() - 0.5)
    return np.where(rng.random(n) < p_pro, PRO, CONTRA)


def elections(model: EGovModel) -> None:
    """Calendar step: the elections due this quarter, at every level, then sponsorship.

    The draws of each level are made whether or not a majority changes, so that
    paired runs keep their random numbers aligned.
    """
    q, tp = model.quarter, model.params.time
    pol = model.politics
    pol.stopped = 0
    due = [
        is_election(q, tp.election_offset_central, tp.election_period),
        is_election(q, tp.election_offset_municipal, tp.election_period),
        is_election(q, tp.election_offset_regional, tp.election_period) and model.rstate.n > 0,
    ]
    if not any(due):
        return
    pol.reassign[:] = False
    levels = (central_election, municipal_election, regional_election)
    for held, election in zip(due, levels, strict=True):
        if held:
            election(model)
    responsor(model)
    pol.stopped_total += pol.stopped


def municipal_election(model: EGovModel) -> None:
    """Councils: re-elected ones renew their programme; new majorities bring a new one."""
    st, bp, lp = model.state, model.params.budget, model.params.leadership
    pol, rng = model.politics, model.streams.elections
    m = st.n
    u_change, stance = rng.random(m), stances(rng, m, lp.national_tide)
    fresh = new_programme(rng, bp.priority_mean, bp.priority_concentration, stance, lp.stance_swing)
    new_roles = draw_roles(model.params, st.rurality, rng, lp.stance_leadership * stance)
    u_stop = rng.random((m, st.n_blocks))
    change = u_change < lp.turnover
    pol.programme[change] = fresh[change]
    st.priority[:] = pol.programme
    st.role[change] = new_roles[change]
    contra = change & (stance == CONTRA) & ~st.guardian
    stop = contra[:, None] & (u_stop < lp.stop_probability) & stoppable(model)
    if stop.any():
        stop_cells(model, stop)


def stoppable(model: EGovModel) -> np.ndarray:
    """(M, B) bool: own-funded, unmandated implementations under way."""
    st = model.state
    return (st.status == IMPLEMENTING) & (st.granted <= 0) & (st.mandated == 0)


def stop_cells(model: EGovModel, stop: np.ndarray) -> None:
    """Stop the given implementations: money spent is sunk, nothing more is owed.

    A stopped migration leaves the running local solution in place; any other
    stopped cell returns to no service, and may be started again later.
    """
    st = model.state
    st.status[stop] = np.where(st.migrating[stop], LOCAL, 0).astype(st.status.dtype)
    for arr in (st.due, st.instalment, st.grant_unspent, st.granted):
        arr[stop] = 0.0
    st.remaining[stop] = 0
    st.building_local[stop] = False
    st.migrating[stop] = False
    st.since[stop] = model.quarter
    model.politics.stopped += int(stop.sum())


def central_election(model: EGovModel) -> None:
    """A new government (with chance ``turnover``): stance, programme, sponsor, champion.

    A re-elected government keeps its programme and sponsor. A contra government
    stops platform builds under way with chance ``stop_probability`` each, except
    builds of platforms a mandate obliges (``gov.obliged``): the mandate is law.
    """
    gov, cp, lp = model.central, model.params.central, model.params.leadership
    pol, rng = model.politics, model.streams.elections
    u_change, stance = rng.random(), float(stances(rng, 1, 0.0)[0])
    mean, conc = cp.priority_mean, cp.priority_concentration
    fresh = float(new_programme(rng, mean, conc, np.array([stance]), lp.stance_swing)[0])
    sponsor = float(np.clip(cp.leadership + rng.normal(0.0, cp.sponsor_noise), 0.0, 1.0))
    champion = bool(rng.random() < lp.champion_share)
    u_stop = rng.random(len(gov.platform))
    if u_change < lp.turnover:
        pol.central_programme, pol.central_stance = fresh, stance
        gov.leadership, pol.central_champion = sponsor, champion
        pol.reassign[:] = True
        if stance == CONTRA:
            under_way = (gov.platform == BUILDING) & ~gov.obliged  # a mandate is law
            stop_builds(model, under_way & (u_stop < lp.stop_probability))
    gov.priority = pol.central_programme


def stop_builds(model: EGovModel, stop: np.ndarray) -> None:
    """Stop the given platform builds: money spent is sunk, nothing more is owed.

    The block returns to no platform (a later government may build it again) and
    each stop costs central credibility, as a failure does.
    """
    gov = model.central
    gov.platform[stop] = NONE
    gov.due[stop], gov.instalment[stop], gov.remaining[stop] = 0.0, 0.0, 0
    gov.since[stop] = model.quarter
    n_stop = int(stop.sum())
    model.politics.stopped += n_stop
    lose_credibility(gov, n_stop)


def regional_election(model: EGovModel) -> None:
    """Regional councils, as municipal ones; a new majority redraws the champion."""
    rs, bp, lp = model.rstate, model.params.budget, model.params.leadership
    pol, rng = model.politics, model.streams.elections
    u_change, stance = rng.random(rs.n), stances(rng, rs.n, lp.national_tide)
    fresh = new_programme(rng, bp.priority_mean, bp.priority_concentration, stance, lp.stance_swing)
    champion = rng.random(rs.n) < lp.champion_share
    change = u_change < lp.turnover
    pol.region_programme[change] = fresh[change]
    pol.region_champion[change] = champion[change]
    reg = model.state.region
    pol.reassign |= (reg >= 0) & change[np.maximum(reg, 0)]
    rs.priority[:] = pol.region_programme


def responsor(model: EGovModel) -> None:
    """Municipalities under a new central or regional majority get their sponsor redrawn.

    A new majority may bring a new champion (or none); its sponsorship is a fresh
    draw among the municipalities a champion then covers.
    """
    st, pol = model.state, model.politics
    u = model.streams.elections.random(st.n)
    re = pol.reassign
    if re.any():
        now = covered(model, pol)
        st.guardian[re] = now[re] & (u[re] < model.params.leadership.guardian_share)


def stance_intensity(model: EGovModel) -> float:
    """Factor on instrument pressure set by the central government's stance."""
    return 1.0 + model.params.leadership.central_stance_intensity * model.politics.central_stance


def scale_instruments(model: EGovModel) -> None:
    """A pro (contra) central government presses harder (softer) with every instrument."""
    factor = stance_intensity(model)
    if factor != 1.0:
        model.effects.pressure *= factor
        model.effects.region_pressure *= factor
