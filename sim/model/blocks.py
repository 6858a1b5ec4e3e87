"""The building-block catalogue: shared digital components municipalities adopt.

The catalogue is data, not code (docs/ODD.md §2 BuildingBlock): sim/data/blocks.toml
holds every value together with the docs/calibration-sources.md row or assumption it came from,
so a reviewer can audit each number and a scenario can swap the file. The loader is
strict because a silently wrong catalogue (a typo'd field falling back to a default, a
prerequisite cycle) would distort every run without any visible symptom.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from sim.model.fields import ParameterError, Validated, describe_allowed, param

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "blocks.toml"
SOURCE_PREFIXES = ("docs/calibration-sources.md", "docs/ODD.md", "assumption:", "override:")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_ABSENT = object()


class CatalogueError(ParameterError):
    """An invalid building-block catalogue (file, override or subset).

    It is a :class:`ParameterError` so scenario loaders can catch one type, and its
    message always names the file, the key path, the value and what is allowed.
    """

    def __init__(
        self, key: str, value: Any, allowed: str, where: str | None = None, problem: str = ""
    ):
        super().__init__(key, value, allowed, where)
        self.problem = problem or "is not allowed"
        prefix = f"{where}: " if where else ""
        shown = "is missing" if value is _ABSENT else f"= {value!r} {self.problem}"
        self.args = (f"{prefix}{key} {shown}; expected {allowed}",)

    def located(self, where: str, key_prefix: str = "") -> CatalogueError:
        """Return the same error re-anchored at a file and a key path."""
        return CatalogueError(
            f"{key_prefix}{self.key}", self.value, self.allowed, where, self.problem
        )


def _p(unit: str, doc: str, **kw: Any) -> Any:
    """Declare a required block field: a block without a value is meaningless."""
    return param(MISSING, unit=unit, doc=doc, **kw)


@dataclass(frozen=True)
class BuildingBlock(Validated):
    """One shared building block, e.g. eID or digital post (docs/ODD.md §2).

    Costs are split between the platform (paid by the owning level) and local
    integration (paid by each adopter), because the model's central question is who
    sows and who harvests. All fields are required; see sim/data/blocks.toml.
    """

    key: str = _p("-", "identifier used in scenarios, outputs and prerequisites")
    name: str = _p("-", "human-readable name for reports")
    owner: str = _p(
        "level", "level that builds and runs the platform", choices=("central", "regional")
    )
    prerequisites: tuple[str, ...] = _p("-", "blocks that must be adopted first (direct only)")
    platform_cost: float = _p("EUR", "one-off build cost of the platform", bounds=(0.0, 1e10))
    platform_quarters: int = _p("quarters", "platform build time", bounds=(0, 80))
    platform_running_per_capita: float = _p(
        "EUR/inhabitant/year", "running cost paid by the owner once live", bounds=(0.0, 100.0)
    )
    platform_live_at_start: bool = _p("-", "platform already live at t=0")
    standard_set_at_start: bool = _p("-", "interoperability standard already fixed at t=0")
    integration_fixed: float = _p("EUR", "one-off integration cost per adopter", bounds=(0.0, 1e8))
    integration_per_capita: float = _p(
        "EUR/inhabitant",
        "integration cost per effective inhabitant (before the scale curve)",
        bounds=(0.0, 1000.0),
    )
    integration_quarters: int = _p("quarters", "local integration time", bounds=(1, 40))
    running_per_capita: float = _p(
        "EUR/inhabitant/year", "running cost paid by the adopter", bounds=(0.0, 100.0)
    )
    benefit_per_capita: float = _p(
        "EUR/citizen-year", "savings plus citizen value at full take-up", bounds=(0.0, 1000.0)
    )
    spillover_share: float = _p("share", "benefit share falling to other levels", bounds=(0.0, 1.0))
    network_exponent: float = _p(
        "-", "benefit grows with connected population share ** exponent", bounds=(0.0, 3.0)
    )
    visibility: float = _p("share", "visibility of the local service to voters", bounds=(0.0, 1.0))
    maturity_stage: int = _p(
        "stage", "1 information, 2 interaction, 3 transaction, 4 data sharing", bounds=(1, 4)
    )
    failure_hazard: float = _p("probability", "an implementation fails", bounds=(0.0, 1.0))
    platform_failure_hazard: float = _p(
        "probability", "the platform build fails", bounds=(0.0, 1.0)
    )
    once_only: bool = _p("-", "part of the once-only data-sharing set")


FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(BuildingBlock)}
SOURCED_FIELDS: tuple[str, ...] = tuple(n for n in FIELDS if n not in ("key", "name"))
"""Fields whose value must carry a source string in the catalogue file."""


def _order(blocks: Iterable[BuildingBlock], where: str) -> tuple[BuildingBlock, ...]:
    """Return blocks prerequisites-first, ties in given order, so runs are reproducible.

    Raises:
        CatalogueError: duplicate keys, unknown prerequisites or a prerequisite cycle.
    """
    by_key: dict[str, BuildingBlock] = {}
    for b in blocks:
        if b.key in by_key:
            raise CatalogueError(
                f"blocks.{b.key}", b.key, "unique block keys", where, "is duplicated"
            )
        by_key[b.key] = b
    for b in by_key.values():
        for p in b.prerequisites:
            if p not in by_key:
                allowed = f"known blocks {sorted(by_key)}"
                raise CatalogueError(
                    f"blocks.{b.key}.prerequisites", p, allowed, where, "is unknown"
                )
    done: dict[str, None] = {}
    for start in by_key:
        _visit(start, by_key, done, [], where)
    return tuple(by_key[k] for k in done)


def _visit(
    key: str, by_key: dict[str, BuildingBlock], done: dict[str, None], path: list[str], where: str
) -> None:
    """Depth-first post-order visit that reports the cycle it runs into."""
    if key in done:
        return
    if key in path:
        cycle = path[path.index(key) :] + [key]
        allowed = "prerequisites without cycles (" + " -> ".join(cycle) + ")"
        raise CatalogueError(
            f"blocks.{path[-1]}.prerequisites", key, allowed, where, "closes a cycle"
        )
    path.append(key)
    for p in by_key[key].prerequisites:
        _visit(p, by_key, done, path, where)
    path.pop()
    done[key] = None


@dataclass(frozen=True)
class Catalogue:
    """An ordered, validated set of building blocks with the sources of their values.

    Attributes:
        blocks: Blocks in deterministic topological order (prerequisites first), so
            array index b can be processed after all its prerequisites.
        sources: Per block, per field, the source string of the value.
        origin: File or label the catalogue came from, used to locate errors.
    """

    blocks: tuple[BuildingBlock, ...]
    sources: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    origin: str = field(default="<catalogue>", compare=False)

    def __post_init__(self) -> None:
        ordered = _order(self.blocks, self.origin)
        unknown = set(self.sources) - {b.key for b in ordered}
        if unknown:
            allowed = f"sources only for known blocks {[b.key for b in ordered]}"
            raise CatalogueError("sources", sorted(unknown), allowed, self.origin)
        frozen = {b.key: MappingProxyType(dict(self.sources.get(b.key, {}))) for b in ordered}
        object.__setattr__(self, "blocks", ordered)
        object.__setattr__(self, "sources", MappingProxyType(frozen))

    def __reduce__(self) -> tuple[type[Catalogue], tuple[Any, ...]]:
        # Read-only mappingproxy views do not pickle; runners ship catalogues to worker
        # processes, so a catalogue pickles as its plain parts and is rebuilt.
        sources = {k: dict(v) for k, v in self.sources.items()}
        return (Catalogue, (self.blocks, sources, self.origin))

    @property
    def keys(self) -> tuple[str, ...]:
        """Block keys in catalogue order."""
        return tuple(b.key for b in self.blocks)

    def index(self, key: str) -> int:
        """Array position of a block, for the model's (municipality, block) arrays."""
        try:
            return self.keys.index(key)
        except ValueError:
            raise KeyError(f"unknown block {key!r}; known blocks: {list(self.keys)}") from None

    def __len__(self) -> int:
        return len(self.blocks)

    def __iter__(self) -> Iterator[BuildingBlock]:
        return iter(self.blocks)

    def __getitem__(self, item: str | int) -> BuildingBlock:
        """Block by key or by position."""
        if isinstance(item, str):
            return self.blocks[self.index(item)]
        return self.blocks[item]

    @functools.cached_property
    def prerequisite_matrix(self) -> np.ndarray:
        """(B, B) read-only bool array; [b, p] is True if p is a (transitive) prerequisite of b.

        Transitive, so a single lookup tells whether b is blocked, without the model
        walking the graph every quarter.
        """
        n = len(self.blocks)
        m = np.zeros((n, n), dtype=bool)
        for i, b in enumerate(self.blocks):  # topological order: rows of prerequisites are final
            for p in b.prerequisites:
                j = self.index(p)
                m[i, j] = True
                m[i] |= m[j]
        m.setflags(write=False)
        return m

    def column(self, name: str) -> np.ndarray:
        """Values of one field for all blocks, in catalogue order (for vectorised code)."""
        if name not in FIELDS:
            raise KeyError(f"unknown block field {name!r}; known fields: {list(FIELDS)}")
        return np.array([getattr(b, name) for b in self.blocks])

    def with_overrides(
        self, overrides: Mapping[str, Mapping[str, Any]], where: str = "<overrides>"
    ) -> Catalogue:
        """Return a copy with per-block field values replaced and re-validated.

        Scenarios and sensitivity analyses change single values; validating them here
        with the same declarations as the file keeps every door equally strict.

        Raises:
            CatalogueError: unknown block, unknown field, bad value (key path
                ``blocks.<key>.<field>``) or a prerequisite change that breaks the graph.
        """
        new = {b.key: b for b in self.blocks}
        sources = {k: dict(v) for k, v in self.sources.items()}
        for key, changes in overrides.items():
            if key not in new:
                allowed = f"one of the known blocks {list(self.keys)}"
                raise CatalogueError(f"blocks.{key}", key, allowed, where, "is an unknown block")
            if not isinstance(changes, Mapping):
                raise CatalogueError(f"blocks.{key}", changes, "a table of field = value", where)
            for name in changes:
                if name not in SOURCED_FIELDS and name != "name":
                    allowed = f"one of the fields {[*SOURCED_FIELDS, 'name']}"
                    raise CatalogueError(
                        f"blocks.{key}.{name}", changes[name], allowed, where, "is an unknown field"
                    )
                sources[key][name] = f"override: {where}"
            new[key] = _make_block(key, {**_as_dict(new[key]), **changes}, where)
        return Catalogue(tuple(new.values()), sources, where)

    def subset(self, keys: Iterable[str]) -> Catalogue:
        """Return a catalogue with only the given blocks, in this catalogue's order.

        Raises:
            CatalogueError: an unknown key, or a kept block whose prerequisite is dropped
                (silently dropping it would make the kept block unadoptable).
        """
        wanted = set(keys)
        for k in sorted(wanted - set(self.keys)):
            allowed = f"one of the known blocks {list(self.keys)}"
            raise CatalogueError(f"blocks.{k}", k, allowed, self.origin, "is an unknown block")
        kept = tuple(b for b in self.blocks if b.key in wanted)
        for b in kept:
            for p in b.prerequisites:
                if p not in wanted:
                    allowed = f"keep {p!r} as well or drop {b.key!r}"
                    raise CatalogueError(
                        f"blocks.{b.key}.prerequisites", p, allowed, self.origin, "would be dropped"
                    )
        sources = {b.key: self.sources[b.key] for b in kept}
        return Catalogue(kept, sources, self.origin)


def _as_dict(block: BuildingBlock) -> dict[str, Any]:
    return {f: getattr(block, f) for f in FIELDS}


def _make_block(key: str, values: Mapping[str, Any], where: str) -> BuildingBlock:
    """Build one block, re-anchoring field errors at ``blocks.<key>.<field>`` in ``where``."""
    try:
        return BuildingBlock(**values)
    except CatalogueError:
        raise
    except ParameterError as err:
        raise CatalogueError(f"blocks.{key}.{err.key}", err.value, err.allowed, where) from None


def _check_table(key: str, table: Any, where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split one [blocks.<key>] table into values and sources, rejecting bad shapes."""
    if not _KEY_RE.match(key):
        allowed = "a lower-case identifier (letters, digits, _)"
        raise CatalogueError(f"blocks.{key}", key, allowed, where, "is not a valid block key")
    if not isinstance(table, dict):
        raise CatalogueError(f"blocks.{key}", table, "a table of field = value", where)
    values = {k: v for k, v in table.items() if k != "sources"}
    if values.get("key", key) != key:
        raise CatalogueError(f"blocks.{key}.key", values["key"], f"{key!r} (the table name)", where)
    values["key"] = key
    allowed_fields = f"one of the fields {list(FIELDS)} or sources"
    for name in values:
        if name not in FIELDS:
            raise CatalogueError(
                f"blocks.{key}.{name}", table[name], allowed_fields, where, "is an unknown field"
            )
    for name, f in FIELDS.items():
        if name not in values:
            allowed = "a value: " + describe_allowed(f)
            raise CatalogueError(f"blocks.{key}.{name}", _ABSENT, allowed, where)
    sources = table.get("sources", _ABSENT)
    if not isinstance(sources, dict):
        allowed = "a [blocks.<key>.sources] table with one string per value field"
        raise CatalogueError(f"blocks.{key}.sources", sources, allowed, where)
    return values, sources


def _check_sources(key: str, sources: dict[str, Any], where: str) -> dict[str, str]:
    """Require one source string per value field, so every number stays auditable."""
    allowed = f"a string starting with one of {list(SOURCE_PREFIXES)}"
    for name in sources:
        if name not in SOURCED_FIELDS:
            fields = f"sources only for the value fields {list(SOURCED_FIELDS)}"
            raise CatalogueError(
                f"blocks.{key}.sources.{name}", sources[name], fields, where, "is unknown"
            )
    for name in SOURCED_FIELDS:
        src = sources.get(name, _ABSENT)
        if src is _ABSENT:
            raise CatalogueError(f"blocks.{key}.sources.{name}", _ABSENT, allowed, where)
        ok = isinstance(src, str) and src.startswith(SOURCE_PREFIXES)
        if not ok or src.strip() in ("assumption:", "docs/calibration-sources.md", "docs/ODD.md"):
            raise CatalogueError(
                f"blocks.{key}.sources.{name}", src, allowed + " and a rationale", where
            )
    return dict(sources)


def parse_catalogue(data: Mapping[str, Any], where: str) -> Catalogue:
    """Validate a parsed catalogue document (the TOML as a dict) and build the catalogue.

    Raises:
        CatalogueError: any problem, located at ``where`` and a key path.
    """
    extra = sorted(set(data) - {"blocks"})
    if extra:
        raise CatalogueError(extra[0], data[extra[0]], "only a [blocks] table at top level", where)
    tables = data.get("blocks", _ABSENT)
    if not isinstance(tables, dict) or not tables:
        allowed = "a [blocks.<key>] table per building block"
        raise CatalogueError("blocks", tables, allowed, where)
    blocks, sources = [], {}
    for key, table in tables.items():
        values, raw_sources = _check_table(key, table, where)
        blocks.append(_make_block(key, values, where))
        sources[key] = _check_sources(key, raw_sources, where)
    return Catalogue(tuple(blocks), sources, where)


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Load and validate a catalogue file (default: sim/data/blocks.toml), cached.

    The cache is keyed by path and modification time, so repeated model builds in a
    sweep do not re-parse the file, yet an edited file is picked up.

    Raises:
        CatalogueError: the file is missing, is not valid TOML or fails validation.
    """
    p = Path(path) if path is not None else DEFAULT_PATH
    try:
        st = p.stat()
    except OSError as err:
        raise CatalogueError(
            "file", str(p), "a readable catalogue file", str(p), str(err)
        ) from None
    return _load_cached(str(p), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=32)
def _load_cached(path: str, mtime_ns: int, size: int) -> Catalogue:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise CatalogueError("toml", str(err), "valid TOML", path, "is a syntax error") from None
    return parse_catalogue(data, path)
