"""Declared parameters: a dataclass field that knows its unit, bounds and source.

Every tunable number in egov-sim is declared with :func:`param`, so that one place
says what the number means, what it may be and where it came from. Validation,
``egov-sim`` listings and docs/ODD.md tables are all generated from these
declarations, which is why no module keeps its own magic numbers.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Sequence
from typing import Any


class ParameterError(ValueError):
    """A parameter value outside what its declaration allows.

    The message always names the key, the value and what is allowed, so that the
    scenario loader only has to prefix the file name.
    """

    def __init__(self, key: str, value: Any, allowed: str, where: str | None = None):
        self.key = key
        self.value = value
        self.allowed = allowed
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{key} = {value!r} is not allowed; expected {allowed}")

    def located(self, where: str, key_prefix: str = "") -> ParameterError:
        """Return the same error re-anchored at a file and a key path."""
        return ParameterError(f"{key_prefix}{self.key}", self.value, self.allowed, where)


def param(
    default: Any,
    *,
    unit: str,
    doc: str,
    source: str = "assumption",
    bounds: tuple[float | None, float | None] | None = None,
    choices: Sequence[Any] | None = None,
) -> Any:
    """Declare a parameter field.

    Args:
        default: Default value (immutable: numbers, strings, tuples).
        unit: Unit of the value ("EUR/inhabitant/year", "1/quarter", "share", "-").
        doc: One line saying what the value does in the model.
        source: Where the default comes from (docs/calibration-sources.md row or "assumption").
        bounds: Inclusive (low, high); ``None`` leaves a side open.
        choices: Allowed values for categorical parameters.
    """
    meta = {"unit": unit, "doc": doc, "source": source, "bounds": bounds, "choices": choices}
    return dataclasses.field(default=default, metadata=meta)


def describe_allowed(f: dataclasses.Field) -> str:
    """Human-readable statement of what a field accepts."""
    meta = f.metadata
    kind = _type_name(f.type)
    if meta.get("choices") is not None:
        return f"one of {list(meta['choices'])}"
    bounds = meta.get("bounds")
    if bounds:
        lo, hi = bounds
        lo_s = "-inf" if lo is None else f"{lo:g}"
        hi_s = "inf" if hi is None else f"{hi:g}"
        return f"{kind} in [{lo_s}, {hi_s}] ({meta.get('unit', '-')})"
    return kind


def _type_name(tp: Any) -> str:
    if isinstance(tp, str):
        return tp
    return getattr(tp, "__name__", str(tp))


@functools.cache
def _resolved_types(cls: type) -> dict[str, Any]:
    # Resolving string annotations is slow (it compiles them); once per class is enough.
    return typing.get_type_hints(cls)


def check_value(cls: type, f: dataclasses.Field, value: Any) -> Any:
    """Check one value against a field declaration; return it coerced (int → float).

    Raises:
        ParameterError: the type, the bounds or the choices are violated.
    """
    tp = _resolved_types(cls)[f.name]
    allowed = describe_allowed(f)
    value = _coerce(f.name, tp, value, allowed)
    meta = f.metadata
    if meta.get("choices") is not None and value not in meta["choices"]:
        raise ParameterError(f.name, value, allowed)
    bounds = meta.get("bounds")
    if bounds and isinstance(value, int | float):
        lo, hi = bounds
        if (isinstance(value, float) and math.isnan(value)) or (
            (lo is not None and value < lo) or (hi is not None and value > hi)
        ):
            raise ParameterError(f.name, value, allowed)
    if bounds and isinstance(value, tuple):
        lo, hi = bounds
        for item in value:
            if (lo is not None and item < lo) or (hi is not None and item > hi):
                raise ParameterError(f.name, value, allowed + " for every element")
    return value


def _coerce(name: str, tp: Any, value: Any, allowed: str) -> Any:
    origin = typing.get_origin(tp)
    if tp is bool:
        if not isinstance(value, bool):
            raise ParameterError(name, value, "true or false")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(name, value, allowed)
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ParameterError(name, value, "an integer; " + allowed)
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ParameterError(name, value, "a string; " + allowed)
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ParameterError(name, value, "a list; " + allowed)
        args = typing.get_args(tp)
        item_tp = args[0] if args else Any
        return tuple(_coerce(name, item_tp, v, allowed) for v in value)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _coerce(name, args[0], value, allowed)
    return value


def validate_fields(obj: Any) -> None:
    """Validate every declared field of a dataclass instance (used in ``__post_init__``)."""
    cls = type(obj)
    for f in dataclasses.fields(obj):
        if "unit" not in f.metadata:
            continue
        value = check_value(cls, f, getattr(obj, f.name))
        object.__setattr__(obj, f.name, value)


class Validated:
    """Mixin for frozen parameter dataclasses: validate on construction."""

    def __post_init__(self) -> None:
        validate_fields(self)


def field_table(cls: type) -> list[dict[str, Any]]:
    """Rows (name, default, unit, allowed, source, doc) for docs and listings."""
    rows = []
    for f in dataclasses.fields(cls):
        if "unit" not in f.metadata:
            continue
        rows.append(
            {
                "name": f.name,
                "default": f.default,
                "unit": f.metadata["unit"],
                "allowed": describe_allowed(f),
                "source": f.metadata["source"],
                "doc": f.metadata["doc"],
            }
        )
    return rows
