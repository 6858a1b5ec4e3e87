"""Accounting of every cost and benefit by level (docs/ODD.md §7.10).

Money is booked to the level that pays or receives it, with a category, so the
sow-harvest imbalance, the net benefit by level and the cost of each instrument can
be reported. Money is conserved by construction: a level's balance is always
``budgets + transfers in - transfers out - spending``, and transfers between levels
cancel, so the sum of balances equals the sum of budgets minus the sum of spending.
Balances may go negative: overruns and running costs are paid even when the
e-government envelope is exhausted, and the deficit shows as a negative balance
instead of silently disappearing.

Benefits (savings and citizen value) are booked on a separate account: they are
value, not cash in the e-government envelope.
"""

from __future__ import annotations

from collections import defaultdict

LEVELS = ("central", "regional", "municipal")


class Ledger:
    """Cumulative flows per level and category."""

    def __init__(self) -> None:
        self.budget = dict.fromkeys(LEVELS, 0.0)
        self.spending = dict.fromkeys(LEVELS, 0.0)
        self.transfers_in = dict.fromkeys(LEVELS, 0.0)
        self.transfers_out = dict.fromkeys(LEVELS, 0.0)
        self.benefit = dict.fromkeys(LEVELS, 0.0)
        self.by_category: dict[tuple[str, str], float] = defaultdict(float)

    def allocate(self, level: str, amount: float, category: str = "") -> None:
        """Book a budget allocation to a level (a yearly envelope, or ``category`` money)."""
        self._check(level, amount)
        self.budget[level] += amount
        if category:
            self.by_category[(level, f"allocation:{category}")] += amount

    def spend(self, level: str, amount: float, category: str) -> None:
        """Book spending by a level."""
        self._check(level, amount)
        self.spending[level] += amount
        self.by_category[(level, category)] += amount

    def transfer(self, payer: str, payee: str, amount: float, category: str) -> None:
        """Book a transfer (grant, co-funding, withheld transfer) between levels."""
        self._check(payer, amount)
        self._check(payee, amount)
        self.transfers_out[payer] += amount
        self.transfers_in[payee] += amount
        self.by_category[(payer, f"transfer:{category}")] += amount

    def gain(self, level: str, amount: float) -> None:
        """Book a benefit (savings, citizen value) received by a level."""
        self._check(level, amount)
        self.benefit[level] += amount

    def balance(self, level: str) -> float:
        """Unspent money of a level (negative: deficit)."""
        return (
            self.budget[level]
            + self.transfers_in[level]
            - self.transfers_out[level]
            - self.spending[level]
        )

    def conservation_error(self) -> float:
        """Absolute gap in spent + unspent = budgets + net transfers, over all levels."""
        total_budget = sum(self.budget.values())
        total_spent = sum(self.spending.values())
        total_balance = sum(self.balance(lv) for lv in LEVELS)
        net_transfers = sum(self.transfers_in.values()) - sum(self.transfers_out.values())
        return abs(total_spent + total_balance - total_budget - net_transfers) + abs(net_transfers)

    def category(self, level: str, category: str) -> float:
        """Cumulative amount booked under one category."""
        return self.by_category.get((level, category), 0.0)

    @staticmethod
    def _check(level: str, amount: float) -> None:
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
        if not amount >= 0:  # also rejects NaN
            raise ValueError(f"booked amount must be >= 0, got {amount!r} for {level}")
