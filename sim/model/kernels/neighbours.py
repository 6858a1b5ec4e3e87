"""Shares of neighbours with a flag set, from the adjacency's CSR arrays (compiled).

A product of the 0/1 adjacency with a 0/1 matrix counts neighbours; doing the
counting in one loop over the CSR structure gives exactly the same integers without
scipy's per-call dispatch (which dominated at Denmark's size) or a float copy of the
flags, and stays linear in the number of links at France's size.
"""

from __future__ import annotations

import numpy as np

from sim.model.jit import njit


@njit
def neighbour_share(indptr, indices, data, degree, flags):
    """(M, k) weighted count of neighbours with ``flags`` set, divided by the degree.

    Rows without neighbours get 0. With 0/1 weights every count is an exact integer,
    so the result equals ``adjacency @ flags / degree`` bit for bit.
    """
    m, k = flags.shape
    out = np.zeros((m, k))
    for i in range(m):
        d = degree[i]
        if not d > 0:
            continue
        for p in range(indptr[i], indptr[i + 1]):
            j, w = indices[p], data[p]
            for c in range(k):
                if flags[j, c]:
                    out[i, c] += w
        for c in range(k):
            out[i, c] = out[i, c] / d
    return out
