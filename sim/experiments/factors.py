"""Design factors: one scenario key path, its range and distribution, and the unit map.

Every sampler in :mod:`sim.experiments.design` works on the unit hypercube; a factor
turns a column of unit values into parameter values by its inverse CDF. Keeping the
samplers in unit space means SALib always sees the same problem (``[0, 1]`` bounds),
Morris elementary effects are per unit of each factor's *range* (comparable across
factors, as Campolongo et al. 2007 recommend), and a distribution never changes the
order or number of rows SALib expects.

Factor table in a design file (the key is any ``--set`` key path, quoted)::

    [factors."decision.peer_weight"]
    min = 0.0
    max = 3.0
    distribution = "uniform"   # uniform | loguniform | triangular | normal | choice
    type = "float"             # float | int
    # mode = 1.0               # triangular
    # mean = 1.0, sd = 0.5     # normal (truncated to [min, max])
    # values = [...]           # choice; or explicit factorial levels
    # levels = 3               # factorial: evenly spaced levels from min to max

Every distribution is bounded: Morris grids include 0 and 1 in unit space, where an
untruncated normal would give infinities.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from sim.experiments.overrides import MISSING, ScenarioError

DISTRIBUTIONS = ("uniform", "loguniform", "triangular", "normal", "choice")
TYPES = ("float", "int")
FACTOR_KEYS = ("min", "max", "distribution", "type", "mode", "mean", "sd", "values", "levels")


class DesignError(ScenarioError):
    """An invalid design file: file, key path, value and what is allowed, in one line."""


@dataclass(frozen=True)
class Factor:
    """One varied parameter.

    Attributes:
        key: Scenario key path, as for ``--set`` (``instruments.1.share``).
        distribution: One of :data:`DISTRIBUTIONS`.
        type: ``"float"`` or ``"int"`` (ignored for ``choice``).
        low: Lower bound (inclusive); ``None`` for ``choice``.
        high: Upper bound (inclusive); ``None`` for ``choice``.
        mode: Peak of a triangular distribution.
        mean: Mean of a (truncated) normal.
        sd: Standard deviation of a (truncated) normal.
        values: Choices, or explicit factorial levels.
        levels: Number of evenly spaced factorial levels from ``low`` to ``high``.
    """

    key: str
    distribution: str = "uniform"
    type: str = "float"
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    values: tuple[Any, ...] = ()
    levels: int | None = None

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map unit values (0..1) to parameter values, as plain Python scalars."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.distribution == "choice":
            index = np.minimum((u * len(self.values)).astype(np.int64), len(self.values) - 1)
            return [self.values[i] for i in index]
        lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
        if self.type == "int":
            # Equal-width bins over the integers lo..hi, so each is equally likely.
            x = np.floor(lo + u * (hi - lo + 1.0))
            return [int(v) for v in np.minimum(x, hi)]
        x = self._ppf(u, lo, hi)
        return [float(v) for v in np.clip(x, lo, hi)]

    def _ppf(self, u: np.ndarray, lo: float, hi: float) -> np.ndarray:
        if self.distribution == "uniform" or hi == lo:
            return lo + u * (hi - lo)
        if self.distribution == "loguniform":
            return np.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        if self.distribution == "triangular":
            c = (float(self.mode) - lo) / (hi - lo)  # type: ignore[arg-type]
            return stats.triang(c, loc=lo, scale=hi - lo).ppf(u)
        a, b = (lo - self.mean) / self.sd, (hi - self.mean) / self.sd  # type: ignore[operator]
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd).ppf(u)

    def grid(self) -> list[Any]:
        """Factorial levels: ``values`` if given, else ``levels`` points from low to high."""
        if self.values:
            return list(self.values)
        lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
        points = np.linspace(lo, hi, int(self.levels or 0))
        if self.type == "int":
            return sorted({int(round(v)) for v in points})
        return [float(v) for v in points]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able record for the manifest (unset fields left out)."""
        out: dict[str, Any] = {"key": self.key, "distribution": self.distribution}
        out["type"] = self.type
        for name in ("low", "high", "mode", "mean", "sd", "levels"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.values:
            out["values"] = list(self.values)
        return out


def parse_factors(table: Any, where: str, method: str) -> tuple[Factor, ...]:
    """Validate the ``[factors]`` table into factors, in file order."""
    if not isinstance(table, Mapping):
        raise DesignError("factors", table, 'a table of [factors."<key path>"] tables', where)
    return tuple(parse_factor(key, spec, where, method) for key, spec in table.items())


def parse_factor(key: str, spec: Any, where: str, method: str) -> Factor:
    """Validate one factor table; ``method`` decides whether levels are needed."""
    prefix = f"factors.{key}"
    if len(key.split(".")) < 2 or not all(key.split(".")):
        allowed = "a scenario key path such as decision.peer_weight or instruments.0.share"
        raise DesignError(prefix, key, allowed, where, "has a malformed key")
    if not isinstance(spec, Mapping):
        raise DesignError(prefix, spec, "a table with min, max, distribution, ...", where)
    for name in spec:
        if name not in FACTOR_KEYS:
            allowed = f"one of {list(FACTOR_KEYS)}"
            raise DesignError(f"{prefix}.{name}", spec[name], allowed, where, "is an unknown key")
    dist = spec.get(
        "distribution", "choice" if "values" in spec and "min" not in spec else "uniform"
    )
    if dist not in DISTRIBUTIONS:
        raise DesignError(f"{prefix}.distribution", dist, f"one of {list(DISTRIBUTIONS)}", where)
    kind = spec.get("type", "float")
    if kind not in TYPES:
        raise DesignError(f"{prefix}.type", kind, f"one of {list(TYPES)}", where)
    values = _values(spec, prefix, where)
    if dist == "choice":
        if not values:
            raise DesignError(f"{prefix}.values", spec.get("values"), "a non-empty list", where)
        return Factor(key, dist, kind, values=values)
    lo, hi = _bounds(spec, prefix, where, kind)
    factor = Factor(
        key, dist, kind, lo, hi,
        mode=_number(spec, "mode", prefix, where, dist == "triangular"),
        mean=_number(spec, "mean", prefix, where, dist == "normal"),
        sd=_number(spec, "sd", prefix, where, dist == "normal"),
        values=values,
        levels=_levels(spec, prefix, where, method, values),
    )  # fmt: skip
    _check_shape(factor, prefix, where)
    return factor


def _values(spec: Mapping[str, Any], prefix: str, where: str) -> tuple[Any, ...]:
    values = spec.get("values", [])
    if not isinstance(values, list):
        raise DesignError(f"{prefix}.values", values, "a list of values", where)
    return tuple(values)


def _number(
    spec: Mapping[str, Any], name: str, prefix: str, where: str, required: bool
) -> float | None:
    value = spec.get(name)
    if value is None:
        if required:
            raise DesignError(f"{prefix}.{name}", MISSING, "a number", where, "is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DesignError(f"{prefix}.{name}", value, "a finite number", where)
    return float(value)


def _bounds(spec: Mapping[str, Any], prefix: str, where: str, kind: str) -> tuple[float, float]:
    if "values" in spec and "min" not in spec and "max" not in spec:
        values = spec["values"]
        numeric = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numeric) == len(values) and numeric:
            return float(min(numeric)), float(max(numeric))
    lo = _number(spec, "min", prefix, where, True)
    hi = _number(spec, "max", prefix, where, True)
    assert lo is not None and hi is not None
    if hi < lo:
        raise DesignError(f"{prefix}.max", hi, f"a number >= min ({lo})", where)
    if kind == "int" and (lo != int(lo) or hi != int(hi)):
        raise DesignError(f"{prefix}.min", lo, "whole numbers for an int factor", where)
    return lo, hi


def _levels(
    spec: Mapping[str, Any], prefix: str, where: str, method: str, values: Sequence[Any]
) -> int | None:
    levels = spec.get("levels")
    if levels is None:
        if method == "factorial" and not values:
            allowed = "an integer >= 2 (or give values = [...])"
            raise DesignError(f"{prefix}.levels", MISSING, allowed, where, "is missing")
        return None
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
        raise DesignError(f"{prefix}.levels", levels, "an integer >= 2", where)
    return levels


def _check_shape(f: Factor, prefix: str, where: str) -> None:
    """Cross-field rules: positive log bounds, mode and mean inside the range, sd > 0."""
    assert f.low is not None and f.high is not None
    if f.distribution == "loguniform" and f.low <= 0:
        raise DesignError(f"{prefix}.min", f.low, "a number > 0 for loguniform", where)
    if f.mode is not None and not f.low <= f.mode <= f.high:
        raise DesignError(f"{prefix}.mode", f.mode, f"a number in [{f.low}, {f.high}]", where)
    if f.sd is not None and f.sd <= 0:
        raise DesignError(f"{prefix}.sd", f.sd, "a number > 0", where)
    if f.mean is not None and not f.low <= f.mean <= f.high:
        raise DesignError(f"{prefix}.mean", f.mean, f"a number in [{f.low}, {f.high}]", where)
