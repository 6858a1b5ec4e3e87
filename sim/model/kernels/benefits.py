"""Benefits and running costs summed over cells (docs/ODD.md §7.10).

Cell values come from ``rules/benefits.py``; totals are numpy's pairwise sums
(``exact_sums``), as the ledger's other totals.
"""

from __future__ import annotations

import numpy as np

from sim.model.jit import njit
from sim.model.kernels.exact_sums import array_sum
from sim.model.rules import benefits as br
from sim.model.state import ADOPTED, LOCAL


@njit
def municipal(status, migrating, takeup, population, blocks, network, local_share, floor):
    """(kept by municipalities, spilled to other levels) EUR this quarter.

    ``blocks`` is the block table (benefit and spillover read).
    """
    m, n_blocks = status.shape
    spill = np.zeros(m * n_blocks)
    own = np.zeros(m * n_blocks)
    local = np.zeros(m * n_blocks)
    for i in range(m):
        for b in range(n_blocks):
            k = i * n_blocks + b
            users = br.quarterly_users(takeup[i, b], population[i])
            s = status[i, b]
            if s == ADOPTED:
                value = br.service_value(users, blocks[b].benefit, network[b])
                spill[k] = br.spilled(value, blocks[b].spillover)
                own[k] = br.kept(value, blocks[b].spillover)
            if s == LOCAL or migrating[i, b]:
                local[k] = br.local_benefit(users, blocks[b].benefit, local_share, floor)
    return array_sum(own) + array_sum(local), array_sum(spill)


@njit
def regional(status, served, skills, blocks, network):
    """(kept by regions, spilled) EUR of the regions' own services this quarter.

    Regional services reach citizens with digital skills (no separate take-up
    process): a documented simplification, since regions serve few transactions.
    ``served`` is each region's population times the regional service share.
    """
    n_regions, n_blocks = status.shape
    value = np.zeros(n_regions * n_blocks)
    spill = np.zeros(n_regions * n_blocks)
    for r in range(n_regions):
        users = br.quarterly_users(skills[r], served[r])
        for b in range(n_blocks):
            if status[r, b] == ADOPTED:
                v = br.service_value(users, blocks[b].benefit, network[b])
                value[r * n_blocks + b] = v
                spill[r * n_blocks + b] = br.spilled(v, blocks[b].spillover)
    spilled = array_sum(spill)
    return array_sum(value) - spilled, spilled


@njit
def regional_running(status, running, served):
    """Quarterly running cost of the regions' adopted blocks, pairwise-summed."""
    n_regions, n_blocks = status.shape
    cost = np.zeros(n_regions * n_blocks)
    for r in range(n_regions):
        for b in range(n_blocks):
            if status[r, b] == ADOPTED:
                cost[r * n_blocks + b] = br.running_cost(running[b], served[r])
    return array_sum(cost)
