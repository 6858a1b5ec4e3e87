"""Write a scenario document back as a TOML scenario file.

The standard library reads TOML but does not write it, and scenario documents use a
small part of the language (tables, one array of tables, strings, numbers, booleans and
flat lists), so a short writer is simpler than a dependency. Tables come out in the
order the shipped files use: ``[scenario]``, the parameter groups, ``[blocks]``, then
every ``[[instruments]]`` with its ``[instruments.target]``. ``tomllib`` reads the
output back to an equal document (tested), and ``egov-sim validate`` accepts it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sim.model.params import PARAM_GROUPS

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")  # used with fullmatch: "$" also matches before "\n"
ORDER = ("scenario", *PARAM_GROUPS, "blocks")


def dumps(doc: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """The document as TOML text, with ``header`` lines as leading comments.

    Raises:
        TypeError: a value TOML scenario files do not use (a date, a list of tables
            outside ``instruments``, ``None``).
    """
    lines = [f"# {line}".rstrip() for line in header]
    keys = [k for k in ORDER if k in doc] + [
        k for k in doc if k not in ORDER and k != "instruments"
    ]
    for key in keys:
        if not isinstance(doc[key], Mapping):
            raise TypeError(f"top-level {key!r} must be a table, not {type(doc[key]).__name__}")
        _table(lines, [key], doc[key])
    for item in doc.get("instruments", []):
        lines += ["", "[[instruments]]"]
        _body(lines, ["instruments"], item)
    return "\n".join(lines).lstrip("\n") + "\n"


def _table(lines: list[str], path: list[str], table: Mapping[str, Any]) -> None:
    lines += ["", f"[{'.'.join(_key(p) for p in path)}]"]
    _body(lines, path, table)


def _body(lines: list[str], path: list[str], table: Mapping[str, Any]) -> None:
    """Plain values first, then sub-tables (TOML needs them in that order)."""
    subtables = []
    for key, value in table.items():
        if isinstance(value, Mapping):
            subtables.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_value(value, [*path, key])}")
    for key, value in subtables:
        _table(lines, [*path, key], value)


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    """A TOML basic string (JSON escapes are TOML escapes; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any, path: list[str]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v, path) for v in value) + "]"
    where = ".".join(path)
    raise TypeError(f"{where} = {value!r}: a {type(value).__name__} has no place in a scenario")


def scenario_toml(doc: Mapping[str, Any], origin: str = "new", seed: int | None = None) -> str:
    """A scenario file for a draft's document, saying where it came from.

    Args:
        doc: The draft's document.
        origin: The file the draft was loaded from, or ``"new"``.
        seed: The explorer's seed, recorded in a comment (seeds are not part of a
            scenario: ``egov-sim compare --seed`` sets them).
    """
    header = ["Scenario saved by `egov-sim explore`."]
    if origin != "new":
        header.append(f"Edited from {origin}.")
    if seed is not None:
        header.append(f"Explored with seed {seed} (egov-sim compare FILE --seed {seed}).")
    return dumps(doc, header)
