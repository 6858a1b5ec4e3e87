"""Expectations: the coverage governments expect when they appraise a block.

Declared with :func:`sim.model.fields.param`: unit, bounds, default and source.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.fields import Validated, param

FS = "Farrell & Saloner 1985 (excess inertia); [OECD2009] §475"


@dataclass(frozen=True)
class ExpectationParams(Validated):
    """Expected coverage, the wait for others and coordination devices (docs/ODD.md §7.11).

    The defaults are static expectations (the coverage seen now, no value of waiting):
    the calibrated baseline (patterns P1, P2) was fitted with them. Pattern P9 uses
    forward-looking governments: ``adaptive_weight`` 0.5, ``trend_weight`` 0.5,
    ``prerequisite_weight`` 1, ``first_mover_weight`` 1. ``signal_weight`` 0 switches
    the devices off.
    """

    adaptive_weight: float = param(
        1.0,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        source=f"assumption: adaptive expectations (Nerlove); 1 = static; {FS}",
        doc="share of the gap between the expected and the observed (trend-extrapolated) "
        "coverage closed each quarter; the same rate smooths the observed trend",
    )
    trend_weight: float = param(
        0.0,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: 0.5 = the mean coverage over the appraisal horizon if the recent "
        f"trend goes on linearly (P9); 0 = no extrapolation; {FS}",
        doc="share of the appraisal horizon (decision.horizon_years) over which the recent "
        "quarterly gain in coverage is extrapolated",
    )
    prerequisite_weight: float = param(
        0.0,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: services built on a prerequisite serve the users it connects "
        "(catalogue prerequisites: payment, post and portal need eID); 1 in P9",
        doc="a block is expected to reach at least this share of the coverage expected for "
        "its least-expected prerequisite; 0 = each block's own coverage only",
    )
    first_mover_weight: float = param(
        0.0,
        unit="index",
        bounds=(0.0, 10.0),
        source="Farrell & Saloner 1986 ('penguin effect': nobody wants to go first); "
        "assumption for the size (1 in P9, about the entrepreneur bonus 0.6 at zero coverage)",
        doc="value of waiting for others: subtracted from the standard option's value index "
        "times the share of its benefit that still hangs on others joining "
        "(1 - expected network factor); 0 switches it off",
    )
    signal_weight: float = param(
        1.0,
        unit="share",
        bounds=(0.0, 1.0),
        source=f"{FS}: coordination devices (commitments, agreements, announced mandates) "
        "shorten the wait for others",
        doc="weight of coordination devices' expected-coverage signals (instruments' "
        "effects.coverage_signal); 0 = devices do not move expectations",
    )

    @property
    def static(self) -> bool:
        """True when governments expect exactly the coverage they see (the defaults)."""
        return (
            self.adaptive_weight == 1.0
            and self.trend_weight == 0.0
            and self.prerequisite_weight == 0.0
        )
