"""The scenario being edited: a scenario document plus edits that return new drafts.

A :class:`Draft` holds the parsed form of a scenario file (the dict ``tomllib``
returns), not a validated :class:`~sim.experiments.scenario.Scenario`, for two reasons:
an edit may pass through invalid states (a start moved past the deadline before the
deadline is moved), and the document keeps exactly what the user wrote, so the TOML
export reads like a hand-written file instead of listing every default. Validation is
the scenario loader's own (:func:`validate`), so the explorer accepts exactly what
``egov-sim validate`` accepts.

Every edit returns a new draft and never mutates the old one: Solara re-renders when a
reactive value is replaced, and an undo is just the previous object.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.experiments.overrides import ScenarioError, parse_toml, read_bytes
from sim.experiments.scenario import Scenario, load_scenario, scenario_from_dict
from sim.instruments.base import REGISTRY, instrument_class
from sim.model.params import CountryParams

WHERE = "explorer scenario"
#: Instrument settings the editor shows (when the type has them); others keep the file's.
EDITABLE = ("start", "end", "deadline", "until", "intensity", "share", "budget")
SYNTHETIC_KEYS = ("n_municipalities", "n_regions", "size_distribution", "size_fit", "neighbours")


@dataclass(frozen=True)
class FieldInfo:
    """One editable instrument setting: what the editor needs to show and check it."""

    name: str
    kind: type
    default: Any
    bounds: tuple[float | None, float | None] | None
    unit: str
    doc: str


@dataclass(frozen=True)
class Draft:
    """A scenario document being edited (treat ``doc`` as read-only).

    Attributes:
        doc: The document, shaped like a scenario file (``[scenario]``, parameter
            groups, ``[blocks]``, ``[[instruments]]``).
        origin: The file it was loaded from, or ``"new"``.
        base_dir: Folder that ``blocks.catalogue`` is relative to.
    """

    doc: dict[str, Any]
    origin: str = "new"
    base_dir: Path | None = None

    @property
    def name(self) -> str:
        """The scenario name (``[scenario] name``)."""
        return str(self.doc.get("scenario", {}).get("name", ""))

    @property
    def country(self) -> dict[str, Any]:
        """The ``[country]`` table (a copy; defaults not filled in)."""
        return dict(self.doc.get("country", {}))

    @property
    def instruments(self) -> list[dict[str, Any]]:
        """The ``[[instruments]]`` tables, in order (copies)."""
        return copy.deepcopy(list(self.doc.get("instruments", [])))


def load_draft(path: str | Path) -> Draft:
    """A draft of a scenario file, which must itself be valid.

    The name defaults to the file stem, as the loader does, so the draft validates
    without a file behind it.

    Raises:
        ScenarioError: the file is missing, not TOML or not a valid scenario.
    """
    path = Path(path)
    load_scenario(path)  # the file must be valid before anyone edits it
    doc = parse_toml(read_bytes(path), str(path))
    doc.setdefault("scenario", {}).setdefault("name", path.stem)
    return Draft(doc, str(path), path.parent)


def blank_draft(country: str = "denmark") -> Draft:
    """A scenario with no instruments on a country preset."""
    doc = {
        "scenario": {"name": "explorer", "description": f"{country}, built in the explorer"},
        "country": {"name": country},
    }
    return Draft(doc)


def validate(draft: Draft) -> Scenario:
    """The validated scenario, exactly as the file loader would build it.

    Raises:
        ScenarioError: one line naming the key, the value and what is allowed.
    """
    return scenario_from_dict(draft.doc, WHERE, draft.base_dir)


def _edited(draft: Draft, change: Callable[[dict[str, Any]], None]) -> Draft:
    doc = copy.deepcopy(draft.doc)
    change(doc)
    return dataclasses.replace(draft, doc=doc)


def set_meta(draft: Draft, name: str | None = None, description: str | None = None) -> Draft:
    """Rename or re-describe the scenario (checked when validated)."""

    def change(doc: dict[str, Any]) -> None:
        meta = doc.setdefault("scenario", {})
        if name is not None:
            meta["name"] = name
        if description is not None:
            meta["description"] = description

    return _edited(draft, change)


def set_country(
    draft: Draft, name: str, n_municipalities: int | None = None, n_regions: int | None = None
) -> Draft:
    """Switch the country preset; sizes apply to synthetic countries only.

    Switching to a real preset drops the synthetic-only keys, so the exported file
    does not carry settings that no longer mean anything.
    """
    choices = dataclasses.fields(CountryParams)[0].metadata["choices"]
    if name not in choices:
        raise ScenarioError("country.name", name, f"one of {list(choices)}", WHERE)

    def change(doc: dict[str, Any]) -> None:
        table = doc.setdefault("country", {})
        table["name"] = name
        if name != "synthetic":
            for key in SYNTHETIC_KEYS:
                table.pop(key, None)
            return
        if n_municipalities is not None:
            table["n_municipalities"] = int(n_municipalities)
        if n_regions is not None:
            table["n_regions"] = int(n_regions)

    return _edited(draft, change)


def instrument_types() -> list[str]:
    """Registered instrument types, from the most to the least formal."""
    instrument_class("legislation")  # loads the registry
    ordered = sorted(REGISTRY.values(), key=lambda c: (c.formality_rank, c.name))
    return [c.name for c in ordered]


def instrument_fields(kind: str) -> list[FieldInfo]:
    """The editable settings of an instrument type, in :data:`EDITABLE` order."""
    params = instrument_class(kind).Params
    by_name = {f.name: f for f in dataclasses.fields(params)}
    hints = {f.name: type(f.default) for f in by_name.values()}
    out = []
    for name in EDITABLE:
        if name in by_name:
            f = by_name[name]
            meta = f.metadata
            out.append(
                FieldInfo(name, hints[name], f.default, meta["bounds"], meta["unit"], meta["doc"])
            )
    return out


def _instrument(doc: dict[str, Any], index: int) -> dict[str, Any]:
    items = doc.get("instruments", [])
    if not 0 <= index < len(items):
        allowed = f"an index from 0 to {len(items) - 1}" if items else "no index (no instruments)"
        raise ScenarioError(f"instruments.{index}", index, allowed, WHERE, "is out of range")
    return items[index]


def add_instrument(draft: Draft, kind: str) -> Draft:
    """Append an instrument of a registered type with its default settings."""
    try:
        instrument_class(kind)
    except ValueError as err:
        raise ScenarioError(
            "instruments.type", kind, f"one of {instrument_types()}", WHERE
        ) from err
    return _edited(draft, lambda doc: doc.setdefault("instruments", []).append({"type": kind}))


def remove_instrument(draft: Draft, index: int) -> Draft:
    """Drop the instrument at ``index`` (later ones move up, as in the file)."""

    def change(doc: dict[str, Any]) -> None:
        _instrument(doc, index)
        del doc["instruments"][index]

    return _edited(draft, change)


def instrument_value(draft: Draft, index: int, name: str) -> Any:
    """A setting as the file has it, or the type's default when the file omits it."""
    table = _instrument(draft.doc, index)
    if name in table:
        return table[name]
    fields = {f.name: f for f in instrument_fields(table["type"])}
    return fields[name].default if name in fields else None


def set_instrument_value(draft: Draft, index: int, name: str, value: Any) -> Draft:
    """Set one setting of an instrument; ``None`` returns it to the type's default.

    Raises:
        ScenarioError: no such instrument, or the type has no such setting (values
            themselves are checked by :func:`validate`, with the loader's message).
    """

    def change(doc: dict[str, Any]) -> None:
        table = _instrument(doc, index)
        known = [f.name for f in dataclasses.fields(instrument_class(table["type"]).Params)]
        if name not in known or name == "target":
            key = f"instruments.{index}.{name}"
            raise ScenarioError(key, value, f"one of {known}", WHERE, "is an unknown key")
        if value is None:
            table.pop(name, None)
        else:
            table[name] = value

    return _edited(draft, change)


def target_blocks(draft: Draft, index: int) -> list[str]:
    """Blocks an instrument targets (empty: all blocks)."""
    return list(_instrument(draft.doc, index).get("target", {}).get("blocks", []))


def set_target_blocks(draft: Draft, index: int, blocks: Sequence[str]) -> Draft:
    """Target these blocks (empty: all blocks); other target keys are kept."""

    def change(doc: dict[str, Any]) -> None:
        table = _instrument(doc, index)
        target = table.setdefault("target", {})
        if blocks:
            target["blocks"] = list(blocks)
        else:
            target.pop("blocks", None)
        if not target:
            del table["target"]

    return _edited(draft, change)


def parse_number(text: str, kind: type, key: str) -> int | float | None:
    """A number typed in the editor; empty text means "the default" (``None``).

    ``inf`` is accepted for float settings (an open-ended budget).

    Raises:
        ScenarioError: the text is not a number of the right kind.
    """
    text = text.strip().replace("_", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if kind is int:
        if not math.isfinite(value) or not value.is_integer():
            raise ScenarioError(key, text, "an integer", WHERE)
        return int(value)
    if math.isnan(value):
        raise ScenarioError(key, text, "a number (or inf)", WHERE)
    return value
