"""Expectations: the coverage governments expect when they appraise a block.

Declared with :func:`sim.model.fields.param`: unit, bounds, default and source.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.fields import Validated, param

FS = "Farrell & Saloner 1985 (excess inertia); [OECD2009] §475"


@dataclass(frozen=True)
class ExpectationParams(Validated):
    """Expected coverage and coordination devices (docs/ODD.md §7.11).

    ``adaptive_weight`` 1 with ``trend_weight`` 0 and ``signal_weight`` 0 switches the
    mechanism off: governments then value a block at the coverage they see now.
    """

    adaptive_weight: float = param(
        0.5,
        unit="1/quarter",
        bounds=(0.0, 1.0),
        source="assumption: adaptive expectations (Nerlove) closing half the gap to what is "
        f"observed each quarter; {FS}",
        doc="share of the gap between the expected and the observed (extrapolated) coverage "
        "closed each quarter; the same rate smooths the observed trend",
    )
    trend_weight: float = param(
        1.0,
        unit="share",
        bounds=(0.0, 1.0),
        source="assumption: 1 = the coverage reached by the end of the appraisal horizon if "
        "the recent trend goes on (bandwagon expectations; 0.5 would be the mean over the "
        f"horizon, with a weaker tip, docs/ODD.md §7.11); {FS}",
        doc="share of the appraisal horizon (decision.horizon_years) over which the recent "
        "quarterly gain in coverage is extrapolated (0: coverage expected to stay where it is)",
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
