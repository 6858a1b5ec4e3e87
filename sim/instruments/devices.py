"""Coordination devices: how an instrument moves the coverage others expect (docs/ODD.md §7.11).

With network benefits a municipality's value of joining depends on how many others it
expects to join, so everyone may wait for everyone else (excess inertia, Farrell &
Saloner 1985; [OECD2009] §475 "sow here, harvest there"). A device is anything that
makes joint adoption credible: an announced mandate, a signed co-operation agreement,
central's committed strategy. Every device says the same thing in the model's terms:
"this share of the country will be connected", discounted by how far it is believed.
It reaches the decision as ``effects.coverage_signal`` (the share of the gap to full
coverage expected to close), which every municipality hears: an announcement is
public, so non-targeted municipalities expect the targeted ones to connect too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.effects import Effects
    from sim.model.model import EGovModel


def committed_coverage(model: EGovModel, cells: np.ndarray) -> np.ndarray:
    """(B,) population share of the country in the committed ``cells`` (M, B) of each block."""
    pop = model.state.population
    return pop @ cells / pop.sum()


def announce(effects: Effects, coverage: np.ndarray, credibility: float) -> None:
    """Every municipality hears that ``coverage`` (B,) will connect, believed at ``credibility``."""
    signal = np.clip(coverage, 0.0, 1.0) * float(np.clip(credibility, 0.0, 1.0))
    if signal.any():
        effects.coverage_signal += signal[None, :]
