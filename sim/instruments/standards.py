"""Standards (interoperability): a common standard fixed for the targeted blocks.

OECD (2009, Figure 1 and §473, "Standards") lists the definition of
interoperability standards among the decision-making tools that create "technical"
obligations, normally a national competence, often defined collaboratively "to take
into account the legacy systems of administrations". The model's use of it follows
docs/ODD.md §7–8: once a standard is set, a local non-standard build no longer counts as
having the service, and integration is cheaper because everyone builds to the same
interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.instruments.base import Instrument, InstrumentParams, register
from sim.model.fields import param

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


@dataclass(frozen=True)
class StandardsParams(InstrumentParams):
    """Standard-setting settings."""

    cost_cut: float = param(
        0.15,
        unit="share",
        bounds=(0.0, 0.9),
        source=(
            "assumption: a fixed interface saves the specification and bespoke-adapter part "
            "of an integration, not the migration work; well below the 0.35 of a shared "
            "centre (regional.centre_cost_cut) because standards pool no staff"
        ),
        doc="share of the integration cost saved on targeted cells (times intensity)",
    )


@register
class Standards(Instrument[StandardsParams]):
    """Interoperability standard fixed for the targeted blocks.

    OECD tool type: "Standards" (OECD 2009 = [OECD2009], Figure 1 and §473;
    docs/ODD.md §8 `standards`).

    Mechanism: while active, the targeted blocks' standard is set
    (``effects.standard_set``), so the model's option rule no longer offers a local
    non-standard build for them, except to municipalities whose trust in central is
    below ``decision.local_trust_threshold`` (very low trust keeps local building
    possible, docs/ODD.md §7.5), and the mandate pressure of any other instrument no longer
    counts towards a local build. New fragmentation therefore stops; local solutions
    already running stay until they migrate. Where the platform does not exist yet,
    the model keeps local building open (docs/ODD.md §7.5): a standard cannot replace a
    missing platform. On targeted municipal cells whose platform is live the
    integration cost falls by ``cost_cut × intensity`` (``effects.cost_cut``; the model
    caps the sum of all cuts at ``implementation.cost_cut_cap``); the cut is withheld
    on blocks without a live platform because the model's cost cut also cheapens a
    local build, which there would only feed fragmentation. The standard is
    national: ``target.blocks`` chooses the blocks, while the municipality filters
    only restrict where the cost cut applies. Setting the standard is binary;
    ``intensity`` scales only the cost cut. Effects are rebuilt every quarter, so the
    standard holds during ``[start, end)`` and lapses afterwards (a withdrawn
    standard). The standard-setting body's cost is ``cost_per_quarter``, booked to
    ``run_by``.

    Sources: OECD 2009 ([OECD2009], Figure 1, §473 "Standards"); docs/calibration-sources.md
    T3 (Germany's OZG as the negative control: a mandate without binding standards
    leaves slow, uneven, fragmented coverage); the cost cut is an assumption (see its
    ``source``): docs/calibration-sources.md has no measured saving from interoperability standards.
    """

    name = "standards"
    formality_rank = 6
    oecd_type = "Standards (interoperability)"
    Params = StandardsParams

    def apply(self, model: EGovModel, effects: Effects) -> None:
        """Fix the standard of the targeted blocks and cut integration cost on targeted cells."""
        p = self.p
        assert self.block_mask is not None
        effects.standard_set[self.block_mask] = True
        if self.targets_municipal and p.cost_cut > 0:
            # An integration saving: only where there is a live platform to integrate
            # with. Effects.cost_cut also lowers the cost of a local build, so a cut on
            # blocks without a platform would only make fragmentation cheaper.
            cells = self.target_cells & model.platform_live()[None, :]
            effects.cost_cut[cells] += p.cost_cut * p.intensity
