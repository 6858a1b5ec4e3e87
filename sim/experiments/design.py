"""Experimental designs declared in TOML: which parameter values to run, and in what order.

Methods: ``replicates`` (the base scenarios as written), ``factorial`` (every
combination of each factor's levels), ``lhs`` (Latin hypercube), ``morris`` and
``sobol`` (SALib's samplers, so SALib's analysers can read the results back in the
row order they expect), and ``points`` (an explicit list). A design runs each point
on each base scenario, ``reps`` times, with common random numbers.

Design file::

    [design]
    name = "denmark_lhs"            # results/<name>/ by default
    method = "lhs"
    scenarios = ["../funded_mandate.toml"]   # relative to this file
    reps = 2                        # replicates per point
    seed = 20261124                 # root seed (replicates and sampler)
    samples = 32                    # lhs: points; morris: trajectories; sobol: N (2^k)
    # levels = 4                    # morris grid levels
    # second_order = true           # sobol: N·(2D+2) rows, else N·(D+2)
    # optimal_trajectories = 8      # morris: pick this many of `samples` (Campolongo)
    # resamples = 1000              # bootstrap resamples of the confidence intervals
    # conf_level = 0.95
    # set = ["country.name=synthetic"]  # --set overrides for every base scenario

    [factors."decision.peer_weight"]      # see sim.experiments.factors
    min = 0.0
    max = 3.0

    [[points]]                      # method = "points": any key paths, per point
    "decision.peer_weight" = 1.0

The sampler's seed is a dedicated child of the root ``SeedSequence`` (spawn key
:data:`SAMPLER_KEY`), so the same file gives the same points on every machine and the
sampler never shares a stream with a replicate.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.experiments.factors import DesignError, Factor, parse_factors
from sim.experiments.overrides import (
    MISSING,
    ScenarioError,
    _set_path,
    apply_overrides,
    known_keys,
    parse_toml,
    read_bytes,
)
from sim.experiments.specs import MAX_SEED

if TYPE_CHECKING:
    from sim.experiments.scenario import Scenario

METHODS = ("replicates", "factorial", "lhs", "morris", "sobol", "points")
SAMPLER_KEY = 2**32 - 1
"""Spawn key of the sampler's seed: replicate children use 0, 1, 2, ... below it."""
DESIGN_KEYS = (
    "name", "method", "scenarios", "reps", "seed", "samples", "levels", "second_order",
    "optimal_trajectories", "resamples", "conf_level", "set",
)  # fmt: skip
MAX_POINTS = 1_000_000


@dataclass(frozen=True)
class Design:
    """A validated design: base scenarios, factors, sampler settings and seeds."""

    name: str
    method: str
    scenarios: tuple[Path, ...]
    reps: int = 1
    seed: int = 0
    samples: int | None = None
    levels: int = 4
    second_order: bool = True
    optimal_trajectories: int | None = None
    resamples: int = 1000
    conf_level: float = 0.95
    overrides: tuple[str, ...] = ()
    factors: tuple[Factor, ...] = ()
    explicit: tuple[Mapping[str, Any], ...] = ()
    path: Path | None = None
    sha256: str = ""

    @property
    def names(self) -> list[str]:
        """Factor key paths in design order (the columns of SALib's problem)."""
        return [f.key for f in self.factors]

    def problem(self) -> dict[str, Any]:
        """SALib's problem dict, in unit space (see :mod:`sim.experiments.factors`)."""
        return {
            "num_vars": len(self.factors),
            "names": self.names,
            "bounds": [[0.0, 1.0]] * len(self.factors),
        }

    @property
    def sampler_seed(self) -> int:
        """A 32-bit seed for SALib, drawn from the root's dedicated sampler child."""
        child = np.random.SeedSequence(self.seed, spawn_key=(SAMPLER_KEY,))
        return int(child.generate_state(1, dtype=np.uint32)[0])

    @cached_property
    def unit_samples(self) -> np.ndarray:
        """The (points, factors) matrix in unit space, in the sampler's row order."""
        n, d = self.samples or 0, len(self.factors)
        if self.method == "lhs":
            rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(SAMPLER_KEY,)))
            return (np.argsort(rng.random((n, d)), axis=0) + rng.random((n, d))) / n
        if self.method == "morris":
            from SALib.sample import morris

            return morris.sample(
                self.problem(), n, num_levels=self.levels,
                optimal_trajectories=self.optimal_trajectories, seed=self.sampler_seed,
            )  # fmt: skip
        if self.method == "sobol":
            from SALib.sample import sobol

            return sobol.sample(
                self.problem(), n, calc_second_order=self.second_order, seed=self.sampler_seed
            )
        raise ValueError(f"method {self.method!r} has no unit-space sample")

    def expected_points(self) -> int:
        """How many points the method gives, before sampling (SALib's row counts)."""
        d, n = len(self.factors), self.samples or 0
        if self.method == "replicates":
            return 1
        if self.method == "points":
            return len(self.explicit)
        if self.method == "factorial":
            return int(np.prod([len(f.grid()) for f in self.factors]))
        if self.method == "lhs":
            return n
        if self.method == "morris":
            return (self.optimal_trajectories or n) * (d + 1)
        return n * (2 * d + 2) if self.second_order else n * (d + 2)

    def points(self) -> list[dict[str, Any]]:
        """Every design point as ``{key path: value}``, in run (and SALib) order."""
        if self.method == "replicates":
            return [{}]
        if self.method == "points":
            return [dict(p) for p in self.explicit]
        if self.method == "factorial":
            grids = [f.grid() for f in self.factors]
            return [
                dict(zip(self.names, combo, strict=True)) for combo in itertools.product(*grids)
            ]
        u = self.unit_samples
        columns = [f.from_unit(u[:, j]) for j, f in enumerate(self.factors)]
        return [dict(zip(self.names, row, strict=True)) for row in zip(*columns, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        """The manifest's ``design`` record: file, hash, sampler settings and factors."""
        out = {
            "name": self.name,
            "method": self.method,
            "file": None if self.path is None else str(self.path),
            "sha256": self.sha256,
            "scenarios": [str(p) for p in self.scenarios],
            "reps": self.reps,
            "seed": self.seed,
            "set": list(self.overrides),
            "factors": [f.to_dict() for f in self.factors],
            "n_points": self.expected_points(),
        }
        if self.method in ("lhs", "morris", "sobol"):
            out["sampler"] = self._sampler_record()
        return out

    def _sampler_record(self) -> dict[str, Any]:
        from importlib.metadata import version

        record: dict[str, Any] = {"samples": self.samples, "seed": self.sampler_seed}
        if self.method == "lhs":
            record["implementation"] = "sim.experiments.design (stratified, numpy Generator)"
            return record
        record["implementation"] = f"SALib {version('SALib')} ({self.method}.sample)"
        if self.method == "morris":
            record.update(levels=self.levels, optimal_trajectories=self.optimal_trajectories)
        else:
            record.update(second_order=self.second_order, scramble=True)
        record.update(resamples=self.resamples, conf_level=self.conf_level)
        return record


def load_design(path: str | Path, overrides: Sequence[str] = ()) -> Design:
    """Read and validate a design file; ``overrides`` are ``design.<key>=VALUE`` strings.

    Raises:
        DesignError: naming the file, the key path, the value and what is allowed.
    """
    path = Path(path)
    try:
        return _load(path, overrides)
    except DesignError:
        raise
    except ScenarioError as err:  # shared readers: report it as a design error
        raise DesignError(err.key, err.value, err.allowed, str(path), err.problem) from None


def _load(path: Path, overrides: Sequence[str]) -> Design:
    where = str(path)
    data = read_bytes(path)
    raw = apply_overrides(parse_toml(data, where), overrides)
    known_keys(raw, ("design", "factors", "points"), "", where, "is an unknown table")
    table = raw.get("design")
    if not isinstance(table, Mapping):
        raise DesignError(
            "design", MISSING if table is None else table, "a [design] table", where, "is missing"
        )
    known_keys(table, DESIGN_KEYS, "design.", where)
    method = table.get("method", "replicates")
    if method not in METHODS:
        raise DesignError("design.method", method, f"one of {list(METHODS)}", where)
    factors = parse_factors(raw.get("factors", {}), where, method)
    design = Design(
        name=_name(table, path, where),
        method=method,
        scenarios=_scenarios(table, path, where),
        reps=_int(table, "reps", where, 1, 1),
        seed=_int(table, "seed", where, 0, 0, MAX_SEED),
        samples=_int(table, "samples", where, None, 1, MAX_POINTS),
        levels=_int(table, "levels", where, 4, 2, 1000),
        second_order=_bool(table, "second_order", where, True),
        optimal_trajectories=_int(table, "optimal_trajectories", where, None, 2, MAX_POINTS),
        resamples=_int(table, "resamples", where, 1000, 10, 1_000_000),
        conf_level=_fraction(table, "conf_level", where, 0.95),
        overrides=_overrides(table, where),
        factors=factors,
        explicit=_explicit(raw.get("points"), method, where),
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    check_method(design, where)
    return design


def _name(table: Mapping[str, Any], path: Path, where: str) -> str:
    name = table.get("name", path.stem)
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        raise DesignError("design.name", name, "a plain folder name", where)
    return name


def _scenarios(table: Mapping[str, Any], path: Path, where: str) -> tuple[Path, ...]:
    items = table.get("scenarios")
    if not isinstance(items, list) or not items or not all(isinstance(s, str) for s in items):
        allowed = "a non-empty list of scenario files, relative to the design file"
        raise DesignError("design.scenarios", items, allowed, where)
    out = []
    for item in items:
        p = Path(item)
        p = p if p.is_absolute() else path.parent / p
        if not p.is_file():
            raise DesignError(
                "design.scenarios", item, "an existing scenario file", where, "does not exist"
            )
        out.append(p)
    return tuple(out)


def _overrides(table: Mapping[str, Any], where: str) -> tuple[str, ...]:
    items = table.get("set", [])
    if not isinstance(items, list) or not all(isinstance(s, str) and "=" in s for s in items):
        allowed = 'a list of "KEY=VALUE" strings, as for --set'
        raise DesignError("design.set", items, allowed, where)
    return tuple(items)


def _int(
    table: Mapping[str, Any],
    key: str,
    where: str,
    default: int | None,
    low: int,
    high: int | None = None,
) -> Any:
    value = table.get(key, default)
    if value is None:
        return None
    bad = isinstance(value, bool) or not isinstance(value, int) or value < low
    if bad or (high is not None and value > high):
        allowed = f"an integer >= {low}" if high is None else f"an integer in [{low}, {high:,}]"
        raise DesignError(f"design.{key}", value, allowed, where)
    return value


def _bool(table: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise DesignError(f"design.{key}", value, "true or false", where)
    return value


def _fraction(table: Mapping[str, Any], key: str, where: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise DesignError(f"design.{key}", value, "a number strictly between 0 and 1", where)
    return float(value)


def _explicit(items: Any, method: str, where: str) -> tuple[Mapping[str, Any], ...]:
    if items is None:
        if method == "points":
            raise DesignError(
                "points", MISSING, "[[points]] tables of key path = value", where, "is missing"
            )
        return ()
    if method != "points":
        raise DesignError("points", "[[points]]", 'only with design.method = "points"', where)
    if not isinstance(items, list) or not items or not all(isinstance(p, dict) for p in items):
        raise DesignError("points", items, "a non-empty array of [[points]] tables", where)
    for i, point in enumerate(items):
        for key in point:
            if len(key.split(".")) < 2:
                allowed = 'a quoted key path such as "decision.peer_weight"'
                raise DesignError(
                    f"points.{i}.{key}", point[key], allowed, where, "has a malformed key"
                )
    return tuple(items)


def check_method(d: Design, where: str) -> None:
    """Method-specific rules: factors present, sample sizes SALib can use."""
    sampled = d.method in ("lhs", "morris", "sobol")
    if d.method in ("replicates", "points") and d.factors:
        allowed = f"no [factors] with method {d.method!r} (use factorial, lhs, morris or sobol)"
        raise DesignError("factors", d.names, allowed, where)
    if d.method in ("factorial", *("lhs", "morris", "sobol")) and not d.factors:
        raise DesignError(
            "factors", MISSING, f"at least one factor for method {d.method!r}", where, "is missing"
        )
    if sampled and d.samples is None:
        raise DesignError(
            "design.samples",
            MISSING,
            f"an integer >= 1 for method {d.method!r}",
            where,
            "is missing",
        )
    if d.method == "sobol" and (d.samples or 0) & ((d.samples or 0) - 1):
        allowed = "a power of two (Sobol' sequences lose their balance otherwise)"
        raise DesignError("design.samples", d.samples, allowed, where)
    if (
        d.method == "morris"
        and d.optimal_trajectories
        and d.optimal_trajectories > (d.samples or 0)
    ):
        raise DesignError(
            "design.optimal_trajectories",
            d.optimal_trajectories,
            f"at most samples ({d.samples})",
            where,
        )
    if d.expected_points() > MAX_POINTS:
        raise DesignError(
            "design",
            d.expected_points(),
            f"at most {MAX_POINTS:,} points",
            where,
            "has too many points",
        )


def apply_point(base: Scenario, values: Mapping[str, Any], where: str | None = None) -> Scenario:
    """The base scenario with a design point's values set and everything re-validated.

    Raises:
        ScenarioError: a key path that does not exist or a value the scenario rejects,
            located at the design (``where``) and the point's key.
    """
    if not values:
        return base
    from sim.experiments.scenario import rebuild

    label = where or "design point"
    if base.source is None:
        raise ScenarioError("scenario", base.name, "a scenario loaded from a file or dict", label)
    doc = copy.deepcopy(dict(base.source))
    for key, value in values.items():
        _set_path(doc, key.split("."), value, f"{label} ({key} = {value!r})")
    shown = ", ".join(f"{k} = {v!r}" for k, v in values.items())
    return rebuild(base, doc, f"{label} on {base.name} ({shown})")
