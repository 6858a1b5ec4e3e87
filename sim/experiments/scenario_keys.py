"""Cross-key rules of instrument tables that one field's declaration cannot express.

An instrument's ``Params`` may declare ``EXCLUSIVE`` pairs of keys that must not be
written together (``financial_incentive``: ``share`` or ``share_by_population``): the
dataclass cannot tell a written value from a default, so the file is checked here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.experiments.overrides import ScenarioError


def check_exclusive(params_cls: type, table: Mapping[str, Any], prefix: str, where: str) -> None:
    """Raise when both keys of a declared exclusive pair are written in ``table``."""
    for first, second in getattr(params_cls, "EXCLUSIVE", ()):
        if first in table and second in table:
            allowed = f"either {prefix}{first} or {prefix}{second}, not both"
            raise ScenarioError(f"{prefix}{second}", table[second], allowed, where)
