"""The set of building blocks in play: ``[blocks] in_play = ["digital_post", ...]``.

A real programme often concerns one or two blocks; with the whole catalogue in play,
a one-block programme would compete with six others for the same municipal envelope
and the results would describe a different programme. ``in_play`` restricts the
catalogue, and so every per-block output column, to the blocks listed.

A prerequisite of a block in play must be in play too, or have its platform live at
start (``blocks.<key>.platform_live_at_start = true``, the default for ``eid``). A
prerequisite left out of play is then treated as already in use everywhere: it is
dropped from the prerequisites of the blocks in play (docs/ODD.md §5). Any other
missing prerequisite is an error naming the block and the prerequisite, because the
block could never be adopted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from sim.experiments.overrides import ScenarioError
from sim.model.blocks import Catalogue

KEY = "in_play"


def restrict_blocks(
    catalogue: Catalogue, in_play: Any, overridden: Mapping[str, Any], where: str
) -> Catalogue:
    """The catalogue restricted to ``in_play`` (``None``: unchanged).

    Args:
        catalogue: The catalogue with the scenario's per-block overrides applied.
        in_play: The value of ``blocks.in_play`` as written, or ``None``.
        overridden: The per-block override tables of the scenario (``[blocks.<key>]``);
            one for a block that is neither in play nor a live prerequisite would
            change nothing, so it is an error.
        where: Scenario file, for error messages.

    Raises:
        ScenarioError: not a non-empty list of distinct known block keys, a missing
            prerequisite that is not live at start, or an override of a block out of play.
    """
    if in_play is None:
        return catalogue
    keys = catalogue.keys
    allowed = f"a non-empty list of distinct blocks from {list(keys)}"
    if not isinstance(in_play, list) or not in_play or len(set(map(str, in_play))) < len(in_play):
        raise ScenarioError(f"blocks.{KEY}", in_play, allowed, where)
    for key in in_play:
        if key not in keys:
            raise ScenarioError(f"blocks.{KEY}", key, allowed, where, "is an unknown block")
    given = _live_prerequisites(catalogue, in_play, where)
    for key, table in overridden.items():
        if key not in in_play and key not in given:
            allowed = f"overrides only for blocks in play {in_play} or their live prerequisites"
            raise ScenarioError(f"blocks.{key}", table, allowed, where, "is not in play")
    sources = {k: dict(v) for k, v in catalogue.sources.items() if k in in_play}
    kept = []
    for block in catalogue:
        if block.key not in in_play:
            continue
        dropped = [p for p in block.prerequisites if p in given]
        if dropped:
            prereqs = tuple(p for p in block.prerequisites if p not in given)
            block = dataclasses.replace(block, prerequisites=prereqs)
            sources[block.key]["prerequisites"] = (
                f"override: {where} (blocks.{KEY}: {dropped} live at start, out of play)"
            )
        kept.append(block)
    return Catalogue(tuple(kept), sources, catalogue.origin)


def _live_prerequisites(catalogue: Catalogue, in_play: list[str], where: str) -> set[str]:
    """Prerequisites out of play whose platform is live at start; error for any other."""
    given: set[str] = set()
    for key in in_play:
        for p in catalogue[key].prerequisites:
            if p in in_play:
                continue
            if not catalogue[p].platform_live_at_start:
                allowed = (
                    f"{p!r} in play too ({key!r} needs it), or "
                    f"blocks.{p}.platform_live_at_start = true"
                )
                raise ScenarioError(
                    f"blocks.{KEY}", in_play, allowed, where, "misses a prerequisite"
                )
            given.add(p)
    return given


def check_same_blocks(scenarios: Sequence[Any]) -> None:
    """Scenarios of one batch put the same blocks in play, in the same order.

    Their outputs share one table (per-block columns) and their adoption shares are
    compared side by side, so a different set of blocks would break the table and
    compare shares over different cells.

    Raises:
        ScenarioError: located at the first scenario whose blocks differ from the first's.
    """
    if not scenarios:
        return
    first = scenarios[0]
    for sc in scenarios[1:]:
        if sc.catalogue.keys != first.catalogue.keys:
            allowed = (
                f"the blocks of the batch's first scenario {first.name!r} "
                f"{list(first.catalogue.keys)}: one batch compares the same blocks"
            )
            where = str(sc.path) if sc.path is not None else sc.name
            problem = "differs within the batch"
            raise ScenarioError(f"blocks.{KEY}", list(sc.catalogue.keys), allowed, where, problem)
