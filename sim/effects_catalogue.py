"""The rows of the "Mechanism effects" table: read, validate, and turn into scenarios.

Each row of ``sim/data/effects.toml`` moves one mechanism between two documented
values (a ``--set`` key path at a low and a high value) or adds instruments to a base
scenario, and states the direction the sources expect. Adding a mechanism is one more
``[[effect]]`` table; nothing here needs to change. Rows are validated strictly (each
problem one line naming the file, the row, the key and what is allowed), because a
typo in a row would otherwise cost a whole table's worth of runs.

A row becomes two scenarios per country, the *low* and the *high* arm
(:func:`arm_scenario`), validated by the scenario loader exactly as a file with
``--set`` overrides would be.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.experiments.design import apply_point
from sim.experiments.overrides import ScenarioError
from sim.experiments.scenario import Scenario, load_scenario, rebuild

ROOT = Path(__file__).resolve().parents[1]
ROWS_FILE = Path(__file__).resolve().parent / "data" / "effects.toml"
SCENARIOS = ROOT / "scenarios"

METRICS = {
    "adoption": "adoption_mun",
    "t50": "t50_adoption_mun",
    "fragmentation": "fragmentation",
    "trust": "trust_mc",
    "in_use": "in_use",
}
"""Short metric names used in rows and tables -> columns of the finals table."""

DIRECTIONS = ("+", "-", "±")
COUNTRIES = ("denmark", "synthetic")
ARMS = ("low", "high")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRED = ("id", "mechanism", "section", "base", "expected", "source", "why")
_OPTIONAL = ("set", "low", "high", "relative", "add", "countries", "note")


@dataclass(frozen=True)
class EffectRow:
    """One validated row (see the header of ``sim/data/effects.toml`` for the fields)."""

    id: str
    mechanism: str
    section: str
    base: str
    expected: tuple[tuple[str, str], ...]
    source: str
    why: str
    keys: tuple[str, ...] = ()
    low: Any = None
    high: Any = None
    relative: bool = False
    add: tuple[Mapping[str, Any], ...] = ()
    countries: tuple[str, ...] = COUNTRIES
    note: str = ""

    @property
    def is_instrument(self) -> bool:
        """True for a row that adds instruments (the low arm is the base as written)."""
        return bool(self.add)

    @property
    def instrument_types(self) -> tuple[str, ...]:
        """Types of the instruments the row adds."""
        return tuple(str(t["type"]) for t in self.add)


def load_rows(path: str | Path = ROWS_FILE) -> list[EffectRow]:
    """Read and validate every row of a rows file.

    Raises:
        ScenarioError: the file is missing or not TOML, or a row is invalid (one line).
    """
    path = Path(path)
    where = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(
            "file", where, "an existing rows file", where, "does not exist"
        ) from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError("file", where, f"valid TOML ({err})", where) from None
    if set(doc) != {"effect"} or not isinstance(doc["effect"], list) or not doc["effect"]:
        raise ScenarioError("effect", sorted(doc), "one or more [[effect]] tables only", where)
    rows = [_row(i, t, where) for i, t in enumerate(doc["effect"])]
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            raise ScenarioError("effect.id", row.id, "an id used by one row only", where)
        seen.add(row.id)
    return rows


def _row(i: int, table: Mapping[str, Any], where: str) -> EffectRow:
    """Validate one ``[[effect]]`` table's shape (key paths are checked by building arms)."""
    label = f"effect[{i}]" + (f" ({table['id']})" if isinstance(table.get("id"), str) else "")

    def fail(key: str, value: Any, allowed: str) -> ScenarioError:
        return ScenarioError(f"{label}.{key}", value, allowed, where)

    for key in table:
        if key not in (*_REQUIRED, *_OPTIONAL):
            raise fail(key, table[key], f"one of {[*_REQUIRED, *_OPTIONAL]}")
    for key in _REQUIRED:
        if key not in table:
            raise fail(key, "(missing)", "a value: every row needs " + ", ".join(_REQUIRED))
        if key != "expected" and (not isinstance(table[key], str) or not table[key].strip()):
            raise fail(key, table[key], "a non-empty string")
    if not _ID_RE.match(table["id"]):
        raise fail("id", table["id"], "lower-case letters, digits and '_'")
    expected = table["expected"]
    if not isinstance(expected, dict) or not expected:
        raise fail("expected", expected, f"a table metric -> direction, metrics {list(METRICS)}")
    for metric, sign in expected.items():
        if metric not in METRICS or sign not in DIRECTIONS:
            allowed = f"metrics {list(METRICS)} with directions {list(DIRECTIONS)}"
            raise fail(f"expected.{metric}", sign, allowed)
    countries = table.get("countries", list(COUNTRIES))
    if not isinstance(countries, list) or not countries or set(countries) - set(COUNTRIES):
        raise fail("countries", countries, f"a non-empty list drawn from {list(COUNTRIES)}")
    keys, add = table.get("set"), table.get("add")
    if (keys is None) == (add is None):
        raise fail("set", keys, "either set (with low and high) or [[effect.add]], not both")
    common = {
        "id": table["id"],
        "mechanism": table["mechanism"],
        "section": table["section"],
        "base": table["base"],
        "expected": tuple((m, expected[m]) for m in METRICS if m in expected),
        "source": table["source"],
        "why": table["why"],
        "countries": tuple(c for c in COUNTRIES if c in countries),
        "note": str(table.get("note", "")),
    }
    if add is not None:
        if not isinstance(add, list) or not all(isinstance(a, dict) and "type" in a for a in add):
            raise fail("add", add, "[[effect.add]] tables with a type, as [[instruments]]")
        for key in ("low", "high", "relative"):
            if key in table:
                raise fail(key, table[key], "no value: an instrument row compares absent/added")
        return EffectRow(**common, add=tuple(add))
    keys = [keys] if isinstance(keys, str) else keys
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise fail("set", keys, "a --set key path or a list of them")
    for key in ("low", "high"):
        value = table.get(key)
        if isinstance(value, dict | list) or value is None:
            raise fail(key, value, "a number, boolean or string (one value for every key)")
    relative = table.get("relative", False)
    if not isinstance(relative, bool):
        raise fail("relative", relative, "true or false")
    if relative and not all(_is_number(table[k]) for k in ("low", "high")):
        raise fail("low", table["low"], "numbers (factors) when relative = true")
    return EffectRow(
        **common, keys=tuple(keys), low=table["low"], high=table["high"], relative=relative
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ----------------------------------------------------------------- arms as scenarios


def country_values(country: str, synthetic_size: int) -> dict[str, Any]:
    """The ``--set`` values that put a base scenario in ``country``."""
    if country == "synthetic":
        return {"country.name": "synthetic", "country.n_municipalities": synthetic_size}
    return {}


def expand_keys(row: EffectRow, base: Scenario) -> list[str]:
    """The row's key paths with ``blocks.*.<field>`` expanded to every block of the base."""
    keys: list[str] = []
    for key in row.keys:
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "blocks" and parts[1] == "*":
            keys += [f"blocks.{b}.{parts[2]}" for b in base.catalogue.keys]
        else:
            keys.append(key)
    return keys


def base_value(scenario: Scenario, key: str) -> Any:
    """Current value of a parameter or block-field key path in a validated scenario."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "blocks":
        return getattr(scenario.catalogue[parts[1]], parts[2])
    if len(parts) == 2 and hasattr(scenario.params, parts[0]):
        return getattr(getattr(scenario.params, parts[0]), parts[1])
    allowed = "a parameter (<group>.<field>) or block field (blocks.<key>.<field>)"
    raise ScenarioError("set", key, allowed + " for relative = true")


def arm_values(row: EffectRow, arm: str, base: Scenario) -> dict[str, Any]:
    """``key path -> value`` of one arm of a parameter row (relative factors applied)."""
    value = row.low if arm == "low" else row.high
    out: dict[str, Any] = {}
    for key in expand_keys(row, base):
        out[key] = round(base_value(base, key) * value, 12) if row.relative else value
    return out


def arm_scenario(
    row: EffectRow, arm: str, country: str, synthetic_size: int, where: str = str(ROWS_FILE)
) -> Scenario:
    """The validated scenario of one arm of a row in one country.

    Raises:
        ScenarioError: the base scenario, a key path or a value is invalid, located at
            the rows file and the row.
    """
    label = f"{where} (effect {row.id}, {arm} arm, {country})"
    base_file = SCENARIOS / f"{row.base}.toml"
    if not base_file.is_file():
        names = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
        raise ScenarioError("base", row.base, f"a scenario of scenarios/: {names}", label)
    base = load_scenario(base_file)
    named = apply_point(base, {"scenario.name": "effect"}, where=label)
    placed = apply_point(named, country_values(country, synthetic_size), where=label)
    if row.is_instrument:
        if arm == "low":
            return placed
        doc = copy.deepcopy(dict(placed.source or {}))
        doc["instruments"] = [*doc.get("instruments", []), *copy.deepcopy(list(row.add))]
        return rebuild(placed, doc, f"{label} ([[effect.add]])")
    return apply_point(placed, arm_values(row, arm, placed), where=label)


def describe_move(row: EffectRow) -> str:
    """What the row moves, for the table: ``key low → high`` or ``+ instrument (...)``."""
    if row.is_instrument:
        return "; ".join("+ " + _instrument_text(t) for t in row.add)
    keys = ", ".join(
        f"`{k.replace('.*.', '.<block>.')}` (every block)" if ".*." in k else f"`{k}`"
        for k in row.keys
    )
    if row.relative:
        return f"{keys} ×{_num(row.low)} → ×{_num(row.high)} (of the base values)"
    return f"{keys} {_num(row.low)} → {_num(row.high)}"


def _instrument_text(table: Mapping[str, Any]) -> str:
    """``type`` (param=value, ...; target ...) with the settings the row writes."""
    params = [f"{k} {_num(v)}" for k, v in table.items() if k not in ("type", "target")]
    target = table.get("target")
    if isinstance(target, dict):
        params += [f"target {k} {_seq(v)}" for k, v in target.items()]
    return f"`{table['type']}`" + (f" ({', '.join(params)})" if params else "")


def _seq(value: Any) -> str:
    return "/".join(map(str, value)) if isinstance(value, list) else str(value)


def _num(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e4:
        return f"{value:,.0f}"
    if isinstance(value, list):
        return _seq(value)
    return str(value)


def instrument_coverage(rows: Sequence[EffectRow]) -> set[str]:
    """Instrument types added by at least one row."""
    return {t for row in rows for t in row.instrument_types}
