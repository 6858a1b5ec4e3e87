"""Cross-field rules of scenarios: nothing a user sets may be silently ignored.

An instrument that can never act within the horizon would validate and then change
nothing, the worst kind of mistake in a batch: no error, no symptom. It is an error
here, naming the key and value. (Country keys a preset never reads are refused by
``scenario_country.check_country`` from ``params.geography.PRESET_KEYS``.)
"""

from __future__ import annotations

from sim.experiments.overrides import ScenarioError
from sim.instruments.base import InstrumentParams


def check_acts(i: int, params: InstrumentParams, n_quarters: int, where: str) -> None:
    """Refuse an instrument that can never act: it would run silently as a no-op."""
    key, first = params.first_action()
    stop = min(params.end, n_quarters)
    if first < stop:
        return
    value = getattr(params, key)
    if params.end < n_quarters:
        allowed = f"a first active quarter before end ({params.end})"
    else:
        allowed = (
            f"a first active quarter before the horizon's end (time.n_quarters = {n_quarters})"
        )
    if key != "start":
        allowed += f"; it acts from deadline - lead = {first}"
    raise ScenarioError(f"instruments.{i}.{key}", value, allowed, where, "means it never acts")
