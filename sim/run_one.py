"""``sim.run``: one model run as a plain function, keyword arguments in, floats out.

Exploratory-modelling tools (EMA Workbench's function models, SALib loops, Optuna)
expect a model to be a function of named inputs returning named outcomes. This is that
boundary: no results folder, no executor, no manifest; the same numbers as replicate 0
of ``egov-sim compare`` with the same ``--seed`` (the runner's ``run_one`` does the
work, so the two cannot drift apart).

Overrides use the ``--set`` key paths. A dotted key is not a Python identifier, so
two spellings are accepted, and may be mixed:

* keyword arguments with ``__`` for ``.``: ``run(decision__peer_weight=2)``,
  ``run(blocks__digital_post__spillover_share=0.6)``, ``run(instruments__0__deadline=30)``
  (what EMA Workbench passes when its parameters are named that way);
* a mapping of dotted paths: ``run(overrides={"decision.peer_weight": 2})``.

A bare field name (``peer_weight=2``) is rejected with the full path it may mean:
names repeat across parameter groups, and a guess would silently set the wrong one.
Every value passes the scenario validation, so a bad one fails with one line naming
the key, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import UsageError
from sim.experiments.design import apply_point
from sim.experiments.runner import RUN_ID_COLUMNS, run_one
from sim.experiments.scenario import Scenario, load_scenario, scenario_from_dict
from sim.experiments.specs import make_specs
from sim.model.params import PARAM_GROUPS

__all__ = ["run", "override_paths"]

BASELINE: dict[str, Any] = {
    "scenario": {
        "name": "baseline",
        "description": "Denmark, no instruments: voluntary adoption of shared building blocks",
    },
    "country": {"name": "denmark"},
}
"""The default scenario: the content of ``scenarios/baseline.toml`` (Denmark, no tools)."""

WHERE = "sim.run"


def run(
    scenario: str | Path | Scenario | None = None,
    seed: int = 0,
    *,
    overrides: Mapping[str, Any] | None = None,
    **params: Any,
) -> dict[str, float]:
    """Run one model and return its final outputs as plain floats.

    Args:
        scenario: ``None`` for the baseline (Denmark, no instruments), a path to a
            scenario TOML file, or a loaded :class:`~sim.experiments.scenario.Scenario`.
        seed: Root seed; the run uses replicate 0 of that seed, exactly as
            ``egov-sim compare --seed SEED`` does.
        overrides: Dotted ``--set`` key paths and their values.
        **params: The same, with ``__`` standing for ``.`` (``decision__peer_weight=2``).

    Returns:
        Every metric's final value (the columns of the store's finals table:
        ``adoption_mun``, ``adoption_mun__<block>``, ``trust_mc``, ...) and the first
        quarter municipal adoption reaches 50 % / 90 % (``t50_adoption_mun``,
        ``t90_adoption_mun``, per block too; NaN if never).

    Raises:
        ScenarioError: the scenario file or an override value is invalid (one line).
        UsageError: a keyword is not a key path.
        ValueError: ``seed`` is not an integer >= 0.
    """
    values = override_paths(overrides or {}, params)
    base = _scenario(scenario)
    sc = apply_point(base, values, where=WHERE) if values else base
    (spec,) = make_specs([sc], 1, seed)
    out = run_one(spec)
    skip = {*RUN_ID_COLUMNS, "quarters"}
    return {k: float(v) for k, v in out.final.items() if k not in skip}


def override_paths(overrides: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Merge both override spellings into one ``dotted path -> value`` dict.

    Raises:
        UsageError: a keyword without ``__`` (a bare field name), or a dotted key that
            is not a string.
    """
    values: dict[str, Any] = {}
    for key, value in overrides.items():
        if not isinstance(key, str) or "." not in key:
            allowed = "a dotted key path such as 'decision.peer_weight'"
            raise UsageError(f"{WHERE}: overrides key {key!r} is not allowed; expected {allowed}")
        values[key] = _plain(value)
    for key, value in params.items():
        if "__" not in key:
            raise UsageError(f"{WHERE}: {key} = {value!r} is not a key path; {_hint(key)}")
        values[key.replace("__", ".")] = _plain(value)
    return values


def _hint(name: str) -> str:
    """What to write instead of a bare name: the group paths that have such a field."""
    groups = [
        g for g, cls in PARAM_GROUPS.items() if name in {f.name for f in dataclasses.fields(cls)}
    ]
    if groups:
        spelled = " or ".join(f"{g}__{name}" for g in groups)
        return f"expected {spelled} (group__field, '__' for '.')"
    return "expected group__field with '__' for '.', e.g. decision__peer_weight"


def _plain(value: Any) -> Any:
    """Numpy scalars (as samplers hand them out) as the Python values validation expects."""
    return value.item() if isinstance(value, np.generic) else value


def _scenario(scenario: str | Path | Scenario | None) -> Scenario:
    """The scenario to run: the baseline, a file, or the object itself."""
    if scenario is None:
        return scenario_from_dict(BASELINE, where=f"{WHERE} (baseline)")
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | Path):
        return load_scenario(scenario)
    allowed = "None, a scenario file path or a Scenario"
    raise UsageError(f"{WHERE}: scenario = {scenario!r} is not allowed; expected {allowed}")
