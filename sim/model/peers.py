"""Peer networks beyond adjacency: benchmarking clubs of similar-size municipalities.

Municipalities compare themselves not only with their neighbours but with
municipalities like them: benchmarking clubs and comparison tables group them by
size (the design outline's "benchmark clubs"; OECD 2009 §476 on monitoring and
benchmarking as levers). Each municipality's club is its ``peers.club_size``
nearest municipalities in log population, built once per country. The club acts
in two ways (docs/ODD.md §7.5 "Peers", §8):

* imitation: the club's adoption share joins the neighbours' share in the peer
  term of the decision, weighted ``peers.club_weight`` relative to it;
* comparison: monitoring rankings and public praise show a municipality how far
  its club is ahead (:func:`club_lead`), and the instruments press it by that lead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.model.kernels import neighbours

if TYPE_CHECKING:
    from sim.model.model import EGovModel


class Clubs(NamedTuple):
    """Directed club network as CSR arrays (row i lists the members of i's club)."""

    indptr: np.ndarray  # (M + 1,) int64
    indices: np.ndarray  # (M * k,) int64
    data: np.ndarray  # (M * k,) float64 ones
    degree: np.ndarray  # (M,) club size of each row (k, fewer in tiny countries)

    @property
    def empty(self) -> bool:
        """True when no municipality has a club (``club_size`` 0 or one municipality)."""
        return self.indices.size == 0


def build_clubs(population: np.ndarray, size: int) -> Clubs:
    """Each municipality's ``size`` nearest others in log population (ties: lower rank).

    The k nearest values of a sorted array lie within k ranks on either side, so
    only that window is searched: O(M k log k), deterministic (no draw).
    """
    m = population.shape[0]
    k = min(int(size), max(m - 1, 0))
    if k == 0:
        none = np.zeros(0, dtype=np.int64)
        return Clubs(np.zeros(m + 1, dtype=np.int64), none, np.zeros(0), np.zeros(m))
    logp = np.log(np.maximum(population.astype(float), 1.0))
    order = np.argsort(logp, kind="stable")
    ranks = np.arange(m)[:, None]
    offsets = np.concatenate((np.arange(-k, 0), np.arange(1, k + 1)))[None, :]
    cand = ranks + offsets  # (M, 2k) candidate ranks
    valid = (cand >= 0) & (cand < m)
    cand_c = np.clip(cand, 0, m - 1)
    dist = np.where(valid, np.abs(logp[order][cand_c] - logp[order][:, None]), np.inf)
    tie = np.abs(offsets) + (offsets > 0) * 0.5  # nearer rank first, lower rank on ties
    pick = np.lexsort((np.broadcast_to(tie, dist.shape), dist), axis=1)[:, :k]
    members = order[np.take_along_axis(cand_c, pick, axis=1)]  # (M, k) by rank row
    rows = np.empty((m, k), dtype=np.int64)
    rows[order] = members
    rows.sort(axis=1)
    indptr = np.arange(0, m * k + 1, k, dtype=np.int64)
    return Clubs(indptr, rows.ravel(), np.ones(m * k), np.full(m, float(k)))


def club_share(model: EGovModel, flags: np.ndarray) -> np.ndarray:
    """(M, B) share of each municipality's club with the flag set (0 without clubs)."""
    c = model.clubs
    if c.empty:
        return np.zeros(flags.shape)
    return neighbours.neighbour_share(c.indptr, c.indices, c.data, c.degree, flags)


def exposure(model: EGovModel) -> np.ndarray:
    """(M, B) peer adoption the decision's peer term weighs: neighbours plus the club.

    With ``peers.club_weight`` 0 (or no clubs) this is the neighbours' share itself,
    the same array as before clubs existed.
    """
    near = model.peer_adoption()
    w = model.params.peers.club_weight
    if w == 0.0 or model.clubs.empty:
        return near
    return near + w * club_share(model, model.state.adopted)


def club_lead(model: EGovModel, score: np.ndarray) -> np.ndarray:
    """(M,) how far each municipality's club is ahead of it on ``score`` (0 if not behind).

    ``score`` is a per-municipality share in [0, 1] (a ranking's score, an adoption
    share); the lead is the club's mean score minus the own score, floored at 0.
    Without clubs nobody is behind its club.
    """
    c = model.clubs
    if c.empty:
        return np.zeros(model.state.n)
    club_mean = score[c.indices].reshape(score.shape[0], -1).mean(axis=1)  # k per row
    return np.maximum(club_mean - score, 0.0)
