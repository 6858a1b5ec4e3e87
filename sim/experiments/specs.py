"""Run specifications: which scenario, design point and replicate, with which seed.

Seeds follow docs/architecture.md (Batches and scale-out): one root ``SeedSequence`` per
experiment and one child per replicate, the *same* child for replicate ``r`` in every
scenario and every design point (common random numbers), so differences between
scenarios or points are paired and need far fewer replicates to show.

Every run also has a **run key**: a short hash of what determines its output (the
scenario's validated content, the design point's values, the replicate and its seed).
The results store uses it to skip finished runs when a batch is resumed, and to refuse
to mix runs of a different experiment into the same folder; two runs with the same key
produce the same numbers, whatever process or executor ran them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.experiments.scenario import Scenario

MAX_SEED = 2**63 - 1
"""Largest root seed: seeds are stored in the tables' int64 ``seed`` column."""
KEY_LENGTH = 16
"""Hex digits of a run key: 64 bits, so a 10^6-run batch has ~3e-8 collision odds."""


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: equal content, equal text, equal hash."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=_plain)


def _plain(obj: Any) -> Any:
    """Numpy scalars and other non-JSON leaves as plain values (for hashing only)."""
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    return str(obj)


def content_hash(obj: Any) -> str:
    """SHA-256 of the canonical JSON of ``obj`` (hex)."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def scenario_content(scenario: Scenario) -> dict[str, Any]:
    """What decides a scenario's behaviour: its validated content, not its file.

    The file path, hash, description and ``--set`` strings are left out on purpose:
    moving a folder or editing a comment must not invalidate finished runs, while
    changing a value (in the file or through ``--set``) must.
    """
    record = dict(scenario.to_dict())
    for volatile in ("description", "path", "sha256", "overrides"):
        record.pop(volatile, None)
    record["catalogue"] = {"blocks": record["catalogue"]["blocks"]}
    country = record["params"]["country"]
    for key in ("table", "adjacency"):  # a user table counts by its hash, not its folder
        country[key] = Path(country[key]).name if country.get(key) else country.get(key)
    return record


@dataclass(frozen=True)
class RunSpec:
    """One run: a scenario, a design point, a replicate and that replicate's seed.

    Attributes:
        scenario_name: Name of the scenario (the label in every output table).
        replicate: Replicate index, 0-based; the same index means the same seed.
        seed: Child ``SeedSequence`` of the experiment's root for this replicate.
        scenario: The validated base scenario (parameters, catalogue, instruments).
        point: Design point index (0 for a plain comparison of scenarios).
        values: The design point's parameter values as ``(key path, value)`` pairs,
            applied to ``scenario`` in the worker (empty for plain comparisons).
        scenario_hash: Content hash of ``scenario`` (see :func:`scenario_content`).
    """

    scenario_name: str
    replicate: int
    seed: np.random.SeedSequence
    scenario: Scenario
    point: int = 0
    values: tuple[tuple[str, Any], ...] = ()
    scenario_hash: str = field(default="", compare=False)

    @property
    def root_entropy(self) -> int:
        """The experiment's root seed, the number a user typed after ``--seed``."""
        return int(self.seed.entropy)

    @property
    def seed_key(self) -> str:
        """Readable, unique seed label such as ``"20261123/3"`` (entropy/spawn key)."""
        return "/".join(str(k) for k in (self.seed.entropy, *self.seed.spawn_key))

    @property
    def key(self) -> str:
        """The run key: a hash of everything that determines this run's output."""
        scenario_hash = self.scenario_hash or content_hash(scenario_content(self.scenario))
        ident = [scenario_hash, self.scenario_name, [list(v) for v in self.values]]
        ident += [self.replicate, self.seed_key]
        return content_hash(ident)[:KEY_LENGTH]

    def fresh_seed(self) -> np.random.SeedSequence:
        """An unused copy of the seed.

        A ``SeedSequence`` counts the children spawned from it, and the model spawns
        its stage streams from it; reusing the shared object would give the second
        scenario of a replicate different streams and break common random numbers.
        """
        s = self.seed
        return np.random.SeedSequence(s.entropy, spawn_key=s.spawn_key, pool_size=s.pool_size)


def make_specs(
    scenarios: Sequence[Scenario],
    reps: int,
    root_seed: int,
    points: Sequence[Mapping[str, Any]] = ({},),
) -> list[RunSpec]:
    """Expand scenarios × design points × replicates into specs with common random numbers.

    Args:
        scenarios: Validated base scenarios, in the order outputs should list them.
        reps: Replicates per scenario and point (at least 1).
        root_seed: Entropy of the experiment's root ``SeedSequence`` (0 to 2**63-1).
        points: Design points (``key path -> value``); the default is one empty
            point, i.e. the scenarios as written.

    Returns:
        Specs ordered by scenario, then point, then replicate; replicate ``r`` carries
        the same seed in every scenario and at every point. For big batches use
        :func:`iter_specs`, which yields the same specs one at a time.
    """
    return list(iter_specs(scenarios, reps, root_seed, points))


def iter_specs(
    scenarios: Sequence[Scenario],
    reps: int,
    root_seed: int,
    points: Sequence[Mapping[str, Any]] = ({},),
) -> Iterator[RunSpec]:
    """The specs of :func:`make_specs`, generated lazily (arguments checked at once).

    Replicate ``r``'s seed is built directly as ``SeedSequence(root, spawn_key=(r,))``,
    exactly the child ``SeedSequence(root).spawn`` would give, so a million-run
    design never holds a million seeds or specs.
    """
    if isinstance(reps, bool) or not isinstance(reps, int | np.integer) or reps < 1:
        raise ValueError(f"reps = {reps!r} is not allowed; expected an integer >= 1")
    if (
        isinstance(root_seed, bool)
        or not isinstance(root_seed, int | np.integer)
        or not 0 <= root_seed <= MAX_SEED
    ):
        raise ValueError(
            f"seed = {root_seed!r} is not allowed; expected an integer in [0, 2**63-1]"
        )
    if not points:
        raise ValueError("points = [] is not allowed; expected at least one design point")
    return _generate(scenarios, int(reps), int(root_seed), points)


def _generate(
    scenarios: Sequence[Scenario], reps: int, root: int, points: Sequence[Mapping[str, Any]]
) -> Iterator[RunSpec]:
    frozen = [tuple(dict(p).items()) for p in points]
    for sc in scenarios:
        digest = content_hash(scenario_content(sc))
        for i, values in enumerate(frozen):
            for r in range(reps):
                child = np.random.SeedSequence(root, spawn_key=(r,))
                yield RunSpec(sc.name, r, child, sc, i, values, digest)


def seed_keys(root_seed: int, reps: int) -> list[str]:
    """The seed label of each replicate, as :attr:`RunSpec.seed_key` writes it."""
    return [f"{root_seed}/{r}" for r in range(reps)]
