"""Raw scenario documents: the error type, reading, and ``--set`` overrides.

This is the layer below :mod:`sim.experiments.scenario`: it turns a file into a plain
dict and edits that dict, without knowing what the keys mean, so overrides pass
through exactly the same validation as values written in the file.

``--set KEY=VALUE``: the value is read as a TOML value (``2``, ``0.5``, ``true``,
``["eid"]``, ``"text"``) and, if that fails, taken as the bare string (so
``country.name=synthetic`` needs no quotes). Key paths: ``<group>.<field>``,
``scenario.<key>``, ``blocks.catalogue``, ``blocks.<key>.<field>``,
``instruments.<i>.<field>`` and ``instruments.<i>.target.<field>`` (``i`` 0-based and
must exist; other lists take indices the same way). Missing tables are created.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.model.fields import ParameterError

MISSING: Any = object()
"""Sentinel for an absent value: errors then read "<key> is missing"."""


class ScenarioError(ParameterError):
    """An invalid scenario: file, key path, value and what is allowed, in one line.

    A :class:`ParameterError` (hence a ``ValueError``), so callers catching either see
    every input mistake. ``problem`` replaces "is not allowed" where another verb reads
    better ("is an unknown key", "does not exist"); a missing value reads "is missing".
    """

    def __init__(
        self,
        key: str,
        value: Any,
        allowed: str,
        where: str | None = None,
        problem: str = "is not allowed",
    ):
        super().__init__(key, value, allowed, where)
        self.problem = problem
        prefix = f"{where}: " if where else ""
        shown = "is missing" if is_missing(value) else f"= {value!r} {problem}"
        self.args = (f"{prefix}{key} {shown}; expected {allowed}",)

    def located(self, where: str, key_prefix: str = "") -> ScenarioError:
        """Return the same error re-anchored at a file and a key path."""
        key = f"{key_prefix}{self.key}"
        return ScenarioError(key, self.value, self.allowed, where, self.problem)

    @classmethod
    def from_error(cls, err: ParameterError, where: str, key_prefix: str = "") -> ScenarioError:
        """Re-anchor a field or catalogue error at a scenario file and key path."""
        problem = getattr(err, "problem", "is not allowed")
        return cls(f"{key_prefix}{err.key}", err.value, err.allowed, where, problem)


def is_missing(value: Any) -> bool:
    """Whether ``value`` is an absent-value sentinel."""
    # Our sentinel, or the catalogue's: both are bare ``object()`` instances.
    return type(value) is object


def read_bytes(path: Path) -> bytes:
    """The file's bytes (hashed for provenance before parsing), or a located error."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        allowed = "an existing scenario file (.toml)"
        raise ScenarioError("file", str(path), allowed, str(path), "does not exist") from None
    except OSError as err:
        problem = f"cannot be read ({err.strerror})"
        raise ScenarioError("file", str(path), "a readable file", str(path), problem) from None


def parse_toml(data: bytes, where: str) -> dict[str, Any]:
    """Parse UTF-8 TOML, reporting the parser's message (line, column) with the file."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ScenarioError("file", str(err), "UTF-8 text", where, "is not text") from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError("toml", str(err), "valid TOML", where, "is a syntax error") from None


def as_table(value: Any, key: str, where: str) -> Mapping[str, Any]:
    """``value`` if it is a table, else an error: a scalar where a table belongs."""
    if not isinstance(value, Mapping):
        raise ScenarioError(key, value, f"a [{key}] table", where)
    return value


def known_keys(
    table: Mapping[str, Any],
    allowed: Sequence[str],
    prefix: str,
    where: str,
    problem: str = "is an unknown key",
) -> None:
    """Reject the first key of ``table`` not in ``allowed``, listing what is allowed."""
    for key in table:
        if key not in allowed:
            raise ScenarioError(
                f"{prefix}{key}", table[key], f"one of {list(allowed)}", where, problem
            )


def apply_overrides(raw: Mapping[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """Return a deep copy of ``raw`` with each ``KEY=VALUE`` override set, in order.

    Only the shape of the path is checked here (indices exist, no path runs through a
    plain value); the values are validated with the rest of the scenario.

    Raises:
        ScenarioError: a malformed override or a bad path, located at ``--set <it>``.
    """
    out = copy.deepcopy(dict(raw))
    for text in overrides:
        parts, value = _parse_override(text)
        _set_path(out, parts, value, f"--set {text}")
    return out


def _parse_override(text: str) -> tuple[list[str], Any]:
    where = f"--set {text}"
    key, sep, value_text = text.partition("=")
    key = key.strip()
    if not sep:
        allowed = "KEY=VALUE, e.g. decision.peer_weight=2"
        raise ScenarioError("override", text, allowed, where, "is malformed")
    parts = key.split(".")
    if len(parts) < 2 or not all(parts):
        allowed = "a dotted key path such as country.name or instruments.0.deadline"
        raise ScenarioError(key, value_text, allowed, where, "has a malformed key")
    return parts, _parse_value(value_text.strip())


def _parse_value(text: str) -> Any:
    """A TOML value if the text is one, else the bare string (``synthetic``)."""
    if "\n" in text or "\r" in text:  # would let one override smuggle in more keys
        return text
    try:
        return tomllib.loads("v = " + text)["v"]
    except tomllib.TOMLDecodeError:
        return text


def _set_path(doc: dict[str, Any], parts: list[str], value: Any, where: str) -> None:
    """Set ``value`` at ``parts``, creating missing tables; lists take 0-based indices."""
    node: Any = doc
    for depth, part in enumerate(parts):
        path = ".".join(parts[: depth + 1])
        last = depth == len(parts) - 1
        if isinstance(node, list):
            index = _index(node, part, path, where)
            if last:
                node[index] = value
            node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, [] if path == "instruments" else {})
        else:
            parent = ".".join(parts[:depth])
            raise ScenarioError(parent, node, "a table to set keys in", where, "is not a table")


def _index(items: list, part: str, path: str, where: str) -> int:
    """A valid 0-based index into ``items``, or an error saying how many there are."""
    what = "instruments" if path.count(".") == 1 and path.startswith("instruments.") else "items"
    owner = "the scenario" if what == "instruments" else path.rsplit(".", 1)[0]
    count = f"{owner} has {len(items)} {what if len(items) != 1 else what[:-1]}"
    allowed = f"an index from 0 to {len(items) - 1} ({count})" if items else f"no index ({count})"
    if not part.isdigit():
        raise ScenarioError(path, part, allowed, where, "is not an index")
    if int(part) >= len(items):
        raise ScenarioError(path, int(part), allowed, where, "is out of range")
    return int(part)
