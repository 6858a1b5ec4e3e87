"""Scenario files → a frozen, validated :class:`Scenario`, with ``--set`` overrides.

A scenario is a country preset, parameter overrides, catalogue changes and a list of
instruments (docs/ODD.md §8). Loading is strict: every unknown table, key, value, block,
level or region is an error naming the file, the key path, the value and what is
allowed, because a typo that silently fell back to a default would distort every run
of a batch without any visible symptom.

File format (TOML; comments are for humans and should say what the scenario stands for
and where its numbers come from)::

    [scenario]
    name = "funded_mandate"        # optional; default: the file stem
    description = "one line shown in listings"   # required

    [country]                      # any ModelParams group: country, time, budget,
    name = "denmark"               # decision, implementation, trust, citizens,
                                   # leadership, central, regional
    [decision]
    peer_weight = 1.0

    [blocks]                       # optional
    catalogue = "my_blocks.toml"   # optional, relative to the scenario file
    in_play = ["eid", "digital_post"]   # optional: only these blocks (scenario_blocks.py)
    [blocks.digital_post]          # per-block overrides of catalogue fields
    spillover_share = 0.6

    [[instruments]]                # any number, in order
    type = "legislation"           # a registered instrument type
    start = 8                      # then fields of that type's Params dataclass
    deadline = 24
    [instruments.target]           # optional: Target fields (levels, blocks, ...)
    blocks = ["digital_post"]
    levels = ["municipal"]

``--set KEY=VALUE`` overrides (see :mod:`sim.experiments.overrides`) are applied to the
parsed file before validation, so they pass the same checks; an error caused by one is
located at ``<file> (--set <override>)``.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.experiments import scenario_blocks, scenario_country, scenario_keys
from sim.experiments.overrides import (
    MISSING,
    ScenarioError,
    apply_overrides,
    as_table,
    is_missing,
    known_keys,
    parse_toml,
    read_bytes,
)
from sim.experiments.scenario_rules import check_acts
from sim.experiments.scenario_targets import Regions, build_target
from sim.instruments.base import Instrument, InstrumentParams, instrument_class
from sim.model.blocks import Catalogue, load_catalogue
from sim.model.fields import ParameterError
from sim.model.params import PARAM_GROUPS, ModelParams

TOP_LEVEL = ("scenario", "blocks", "instruments", *PARAM_GROUPS)
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class InstrumentSpec:
    """A validated instrument declaration; instruments carry run state, so build per run."""

    type: str
    params: InstrumentParams

    def build(self) -> Instrument:
        """A fresh instrument ready for ``initialize`` in a new model."""
        return instrument_class(self.type)(self.params)

    def to_dict(self) -> dict[str, Any]:
        """Type and parameters as JSON-able values (for manifests)."""
        return {"type": self.type, "params": _jsonable(dataclasses.asdict(self.params))}


@dataclass(frozen=True)
class Scenario:
    """Everything a run needs besides the seed, validated and immutable.

    Attributes:
        name: Label used in every output table (unique within a batch).
        description: One line shown in listings.
        path: The scenario file, or ``None`` when built in code.
        sha256: Hash of the file bytes ("" when built in code), for provenance.
        params: Model parameters with the file's and overrides' values.
        catalogue: Building blocks, with the scenario's catalogue file and overrides.
        instruments: Instrument declarations in file order.
        overrides: The ``--set`` strings applied, in order.
        source: The document it was validated from (overrides applied), kept so a
            design point can set more keys and re-validate the whole scenario;
            left out of equality and of :meth:`to_dict`.
        base_dir: Folder that ``blocks.catalogue`` is relative to.
    """

    name: str
    description: str
    path: Path | None
    sha256: str
    params: ModelParams
    catalogue: Catalogue
    instruments: tuple[InstrumentSpec, ...] = ()
    overrides: tuple[str, ...] = ()
    source: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    base_dir: Path | None = field(default=None, repr=False, compare=False)

    def build_instruments(self) -> list[Instrument]:
        """Fresh instruments for one run (they hold masks, pools and booked costs)."""
        return [spec.build() for spec in self.instruments]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able content for manifests; inf/nan as strings, so inf is not read as missing."""
        cat = self.catalogue
        return {
            "name": self.name,
            "description": self.description,
            "path": None if self.path is None else str(self.path),
            "sha256": self.sha256,
            "overrides": list(self.overrides),
            "params": _jsonable(dataclasses.asdict(self.params)),
            "catalogue": {
                "origin": cat.origin,
                "blocks": {b.key: _jsonable(dataclasses.asdict(b)) for b in cat},
            },
            "instruments": [spec.to_dict() for spec in self.instruments],
        }


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return repr(obj)
    return obj


# ----------------------------------------------------------------------- loading


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read, override and validate one scenario file.

    Raises:
        ScenarioError: the file is missing, unreadable or not TOML, an override is
            malformed, or any value fails validation. Errors caused by an override
            are located at ``<file> (--set <override>)``.
    """
    path = Path(path)
    where = str(path)
    data = read_bytes(path)
    raw = parse_toml(data, where)
    overrides = tuple(overrides)

    def build(doc: Mapping[str, Any]) -> Scenario:
        sha = hashlib.sha256(data).hexdigest()
        return _build(doc, where, path.parent, path.stem, path, sha, overrides)

    try:
        return build(apply_overrides(raw, overrides))
    except ScenarioError:
        if not overrides:
            raise
    # Slow path, only after a failure: find the first step that breaks, so the
    # message blames the file or the exact override.
    build(raw)
    for k, text in enumerate(overrides):
        try:
            build(apply_overrides(raw, overrides[: k + 1]))
        except ScenarioError as err:
            raise err.located(f"{where} (--set {text})") from None
    raise AssertionError("unreachable: the full override set failed but no prefix did")


def load_scenarios(paths: Iterable[str | Path], overrides: Sequence[str] = ()) -> list[Scenario]:
    """Load several scenarios for one batch; unique names, the same blocks in play.

    Raises:
        ScenarioError: any file is invalid, two scenarios share a name (outputs are
            keyed by name, so runs would silently merge), or their blocks differ.
    """
    scenarios = [load_scenario(p, overrides) for p in paths]
    seen: dict[str, Path | None] = {}
    for sc in scenarios:
        if sc.name in seen:
            allowed = f"a name unique in the batch ({seen[sc.name]} uses it too)"
            raise ScenarioError("scenario.name", sc.name, allowed, str(sc.path), "is a duplicate")
        seen[sc.name] = sc.path
    scenario_blocks.check_same_blocks(scenarios)
    return scenarios


def scenario_from_dict(
    raw: Mapping[str, Any], where: str = "<dict>", base_dir: Path | None = None
) -> Scenario:
    """Validate a scenario given as a dict (the parsed TOML); ``scenario.name`` is required.

    Args:
        raw: The document, shaped like a scenario file.
        where: Label used to locate errors.
        base_dir: Directory ``blocks.catalogue`` is relative to (default: cwd).
    """
    return _build(raw, where, base_dir, None, None, "", ())


# -------------------------------------------------------------------- validation


def _build(
    raw: Mapping[str, Any],
    where: str,
    base_dir: Path | None,
    default_name: str | None,
    path: Path | None,
    sha256: str,
    overrides: tuple[str, ...],
) -> Scenario:
    """Validate a whole document, table by table, into a :class:`Scenario`."""
    known_keys(raw, TOP_LEVEL, "", where, "is an unknown table")
    name, description = _meta(raw.get("scenario", MISSING), where, default_name)
    params = _params(raw, where)
    written = as_table(raw.get("country", {}), "country", where)
    country = scenario_country.check_country(written, params, where, base_dir)
    params = dataclasses.replace(params, country=country)
    catalogue = _catalogue(raw.get("blocks", {}), where, base_dir)
    regions = Regions(params.country)
    items = raw.get("instruments", [])
    if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
        allowed = "an array of [[instruments]] tables"
        raise ScenarioError("instruments", items, allowed, where)
    specs = tuple(_instrument(i, t, where, catalogue, regions) for i, t in enumerate(items))
    for i, spec in enumerate(specs):
        check_acts(i, spec.params, params.time.n_quarters, where)
    source = copy.deepcopy(dict(raw))
    return Scenario(
        name, description, path, sha256, params, catalogue, specs, overrides, source, base_dir
    )


def rebuild(scenario: Scenario, doc: Mapping[str, Any], where: str) -> Scenario:
    """Validate an edited copy of ``scenario.source`` as the same named scenario.

    Design points use this: the point's values are set in the source document and
    everything is validated again, so a factor value that breaks a cross-field rule
    (a deadline before its start) fails exactly as it would in a file.
    """
    sc = scenario
    return _build(doc, where, sc.base_dir, sc.name, sc.path, sc.sha256, sc.overrides)


def _meta(table: Any, where: str, default_name: str | None) -> tuple[str, str]:
    """Name and description from [scenario]: listings and outputs depend on both."""
    if table is MISSING:
        allowed = "a [scenario] table with a description"
        raise ScenarioError("scenario", MISSING, allowed, where)
    table = as_table(table, "scenario", where)
    known_keys(table, ("name", "description"), "scenario.", where)
    desc = table.get("description", MISSING)
    one_line = "a non-empty one-line string shown in listings"
    if is_missing(desc) or not isinstance(desc, str) or not desc.strip() or "\n" in desc:
        raise ScenarioError("scenario.description", desc, one_line, where)
    name = table.get("name", default_name)
    if name is None:
        allowed = "a name (required when the scenario has no file)"
        raise ScenarioError("scenario.name", MISSING, allowed, where)
    if not isinstance(name, str) or not _NAME_RE.match(name):
        allowed = "a name of letters, digits, '_', '-' and '.' (set [scenario] name)"
        raise ScenarioError("scenario.name", name, allowed, where)
    return name, desc


def _params(raw: Mapping[str, Any], where: str) -> ModelParams:
    """Build every parameter group explicitly, re-locating field errors at the group."""
    groups: dict[str, Any] = {}
    for group, cls in PARAM_GROUPS.items():
        table = as_table(raw.get(group, {}), group, where)
        known_keys(table, [f.name for f in dataclasses.fields(cls)], f"{group}.", where)
        try:
            groups[group] = cls(**table)
        except ParameterError as err:
            raise ScenarioError.from_error(err, where, f"{group}.") from None
    return ModelParams(**groups)


def _catalogue(table: Any, where: str, base_dir: Path | None) -> Catalogue:
    """The default or named catalogue, with the scenario's per-block overrides."""
    table = as_table(table, "blocks", where)
    catalogue = _base_catalogue(table.get("catalogue"), where, base_dir)
    changes = {k: v for k, v in table.items() if k not in ("catalogue", "in_play")}
    try:
        catalogue = catalogue.with_overrides(changes, where) if changes else catalogue
    except ParameterError as err:
        raise ScenarioError.from_error(err, where) from None
    return scenario_blocks.restrict_blocks(catalogue, table.get("in_play"), changes, where)


def _base_catalogue(ref: Any, where: str, base_dir: Path | None) -> Catalogue:
    if ref is None:
        return load_catalogue()
    if not isinstance(ref, str) or not ref.strip():
        allowed = "a path to a catalogue TOML file, relative to the scenario file"
        raise ScenarioError("blocks.catalogue", ref, allowed, where)
    path = Path(ref) if base_dir is None else base_dir / ref
    if not path.is_file():
        allowed = f"an existing catalogue file (looked for {path})"
        raise ScenarioError("blocks.catalogue", ref, allowed, where, "does not exist")
    try:
        return load_catalogue(path)
    except ParameterError as err:
        raise ScenarioError.from_error(err, f"{err.where} (catalogue of {where})") from None


def _instrument(
    i: int, table: Mapping[str, Any], where: str, catalogue: Catalogue, regions: Regions
) -> InstrumentSpec:
    """Validate one [[instruments]] table against its type's Params dataclass."""
    prefix = f"instruments.{i}."
    kind = table.get("type", MISSING)
    if not isinstance(kind, str):
        raise ScenarioError(f"{prefix}type", kind, _registered_types(), where)
    try:
        cls = instrument_class(kind)
    except ParameterError as err:
        raise ScenarioError.from_error(err, where, prefix) from None
    fields = [f.name for f in dataclasses.fields(cls.Params)]
    known_keys(table, ["type", *fields], prefix, where)
    scenario_keys.check_exclusive(cls.Params, table, prefix, where)
    values = {k: v for k, v in table.items() if k not in ("type", "target")}
    target = build_target(table.get("target", {}), f"{prefix}target", where, catalogue, regions)
    try:
        params = cls.Params(**values, target=target)
    except ParameterError as err:
        raise ScenarioError.from_error(err, where, prefix) from None
    return InstrumentSpec(kind, params)


def _registered_types() -> str:
    """The "allowed" text listing instrument types, from the registry's own error."""
    try:
        instrument_class("")
    except ParameterError as err:
        return err.allowed
    return "a registered instrument type"  # pragma: no cover - "" is never registered
