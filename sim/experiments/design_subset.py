"""A design narrowed to some of its factors: the second stage of a two-stage analysis.

Screening first (Morris, cheap per factor), then variance decomposition (Sobol',
costly per factor) on the factors that mattered is the usual sequence (Saltelli et
al. 2008, ch. 3-4). The second design must keep everything else of the first (base
scenarios, ``--set`` overrides, seed, each factor's range and distribution) so the two
stages describe the same model; deriving it, rather than writing a second file by
hand, guarantees that.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sim.experiments.design import METHODS, Design, check_method
from sim.experiments.factors import DesignError


def subset_design(
    design: Design,
    factors: Sequence[str],
    *,
    method: str | None = None,
    samples: int | None = None,
    reps: int | None = None,
    second_order: bool | None = None,
    name: str | None = None,
) -> Design:
    """The design with only ``factors`` varied (the others stay at the base scenario's values).

    Args:
        design: A loaded design (:func:`sim.experiments.design.load_design`).
        factors: Key paths of the factors to keep, each one of ``design.names``.
        method: Sampling method of the new design (default: the design's).
        samples: Samples of the new design (default: the design's).
        reps: Replicates per point (default: the design's).
        second_order: Sobol' second-order indices (default: the design's); without
            them a Sobol' design needs N·(D+2) points instead of N·(2D+2).
        name: Name (and default results folder) of the new design; default
            ``<name>-<method>-<k>f``.

    Returns:
        A validated design; its provenance names the source file and says it was derived.

    Raises:
        DesignError: A factor is not in the design or repeated, none is left, or the
            new method and samples do not fit (e.g. Sobol' samples not a power of two).
    """
    where = f"{design.path or design.name} (subset)"
    keep = list(factors)
    for key in keep:
        if key not in design.names:
            raise DesignError("factors", key, f"one of {design.names}", where, "is not a factor")
    if len(set(keep)) != len(keep):
        raise DesignError("factors", keep, "each factor at most once", where, "repeats a factor")
    chosen = tuple(f for f in design.factors if f.key in keep)
    method = method or design.method
    if method not in METHODS:
        raise DesignError("design.method", method, f"one of {list(METHODS)}", where)
    new = dataclasses.replace(
        design,
        name=name or f"{design.name}-{method}-{len(chosen)}f",
        method=method,
        samples=design.samples if samples is None else samples,
        reps=design.reps if reps is None else reps,
        second_order=design.second_order if second_order is None else second_order,
        factors=chosen,
        sha256=f"derived from {design.sha256}" if design.sha256 else "derived",
    )
    check_method(new, where)
    return new
