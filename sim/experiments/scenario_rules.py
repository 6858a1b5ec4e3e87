"""Cross-field rules of scenarios: nothing a user sets may be silently ignored.

A country key the chosen preset never reads (``n_municipalities`` on Denmark, whose
98 municipalities come from its tables) and an instrument that can never act within
the horizon would both validate and then change nothing, the worst kind of mistake
in a batch: no error, no symptom. Both are errors here, naming the key and value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sim.experiments.overrides import ScenarioError
from sim.instruments.base import InstrumentParams
from sim.model.params import CountryParams

__all__ = ["REAL_ONLY", "SYNTHETIC_ONLY", "check_acts", "check_preset_keys"]


def _keys_for(prefix: str) -> tuple[str, ...]:
    docs = {f.name: f.metadata.get("doc", "") for f in dataclasses.fields(CountryParams)}
    return tuple(k for k, doc in docs.items() if doc.startswith(prefix))


SYNTHETIC_ONLY = _keys_for("synthetic only")
"""Country keys a real preset ignores (its tables fix them): setting one is an error."""
REAL_ONLY = _keys_for("real presets")
"""Country keys a synthetic country ignores: setting one is an error."""


def check_preset_keys(table: Mapping[str, Any], where: str) -> None:
    """Refuse country keys the chosen preset would silently ignore."""
    name = table.get("name", CountryParams().name)
    unused = REAL_ONLY if name == "synthetic" else SYNTHETIC_ONLY
    for key in unused:
        if key in table:
            if name == "synthetic":
                allowed = "no value: it applies to real presets only (synthetic has no islands)"
            else:
                allowed = (
                    f"no value: {name} takes it from its tables (or set country.name = 'synthetic')"
                )
            raise ScenarioError(
                f"country.{key}", table[key], allowed, where, f"is unused by {name}"
            )


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
