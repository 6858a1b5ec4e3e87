"""What each payment of an implementation pays for: the work, a migration, an overrun.

An implementation's cost is fixed when it starts (docs/ODD.md §7.6): its base (the
integration after cost cuts, plus the migration cost when a municipality leaves its
own local solution for the standard) times one plus the drawn overrun. It is paid in
instalments. The ledger books each instalment under three categories in the shares
fixed at the start, so overruns and migrations show as their own flows
(docs/ODD.md §7.10): ``OVERRUN`` is the part above the base (an underrun books none),
``MIGRATION`` the migration cost's part of the rest.
"""

from __future__ import annotations

import numpy as np

INTEGRATION, MIGRATION, OVERRUN = "integration", "migration", "overrun"


def shares(base: np.ndarray, migration: np.ndarray, total: np.ndarray) -> tuple:
    """(overrun, migration) shares of every payment, from the amounts fixed at the start."""
    safe = np.where(total > 0, total, 1.0)
    over = np.where(total > 0, np.maximum(total - base, 0.0) / safe, 0.0)
    mig = np.where(base > 0, migration / np.where(base > 0, base, 1.0), 0.0) * (1.0 - over)
    return over, mig


class CostSplit:
    """(M, B) shares of the open implementations' payments, set when a cell starts."""

    def __init__(self, n: int, n_blocks: int) -> None:
        self.overrun = np.zeros((n, n_blocks))
        self.migration = np.zeros((n, n_blocks))

    def open(self, rows, cols, base, migration, total) -> None:  # noqa: ANN001 - arrays
        """Fix the shares of the cells that start now."""
        over, mig = shares(base, migration, total)
        self.overrun[rows, cols] = over
        self.migration[rows, cols] = mig

    def book(self, ledger, level: str, cells: np.ndarray, paid: np.ndarray) -> None:  # noqa: ANN001
        """Book ``paid`` (one amount per cell of the flat index ``cells``) by category."""
        over = float((paid * self.overrun.ravel()[cells]).sum())
        mig = float((paid * self.migration.ravel()[cells]).sum())
        work = float(paid.sum()) - over - mig
        for category, amount in ((INTEGRATION, work), (MIGRATION, mig), (OVERRUN, over)):
            if amount > 0:
                ledger.spend(level, amount, category)
