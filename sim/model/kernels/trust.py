"""Trust of every pair of levels and municipal beliefs (docs/ODD.md §7.8, §7.9)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model.jit import njit
from sim.model.rules.trust import update_belief, update_trust
from sim.model.state import FAILED


class Links(NamedTuple):
    """The adjacency as CSR arrays, with each municipality's (weighted) degree."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    degree: np.ndarray


class BeliefPush(NamedTuple):
    """External pushes on beliefs this quarter."""

    instruments: np.ndarray  # (M, B) from instruments (soft measures, monitoring)
    champions: np.ndarray  # (M,) share of neighbours led by an entrepreneur
    champion_push: float  # push per unit of that share
    learning: float  # weight of neighbours' evidence


@njit
def trust(rule, values, pos, neg, baseline):
    """Update one level pair's trust values in place (``rule``: a ``TrustRule`` record)."""
    r = rule[0]
    for i in range(values.shape[0]):
        values[i] = update_trust(r, values[i], pos[i], neg[i], baseline)


@njit
def beliefs(belief, success, links, status, push):
    """Municipal beliefs from neighbours' successes (given) and failures (counted here)."""
    links = Links(*links)
    push = BeliefPush(*push)
    n_blocks = status.shape[1]
    failed = np.zeros(n_blocks)
    for i in range(status.shape[0]):
        failed[:] = 0.0
        for k in range(links.indptr[i], links.indptr[i + 1]):
            j = links.indices[k]
            for b in range(n_blocks):
                if status[j, b] == FAILED:
                    failed[b] += links.data[k]
        deg = links.degree[i]
        lift = push.champion_push * push.champions[i]
        for b in range(n_blocks):
            share = failed[b] / deg if deg > 0 else 0.0
            belief[i, b] = update_belief(
                belief[i, b], success[i, b], share, push.instruments[i, b] + lift, push.learning
            )
