"""Paired runs with and without an instrument under common random numbers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.instruments.base import Instrument
from sim.model.model import EGovModel


class Pairing:
    """Per-seed differences of measures, with an instrument minus without it.

    The runs without any instrument are cached, so every test of a file shares them.
    """

    def __init__(self, seeds: list[np.random.SeedSequence]):
        self.seeds = seeds
        self._baselines: dict[int, EGovModel] = {}

    def baseline(self, i: int) -> EGovModel:
        """The run without any instrument on seed ``i``."""
        if i not in self._baselines:
            self._baselines[i] = EGovModel(rng=self.seeds[i]).run()
        return self._baselines[i]

    def paired(
        self, make: Callable[[], Instrument], *measures: Callable[[EGovModel], float]
    ) -> list[np.ndarray]:
        """One array per measure: its per-seed difference, instrument minus baseline."""
        out = []
        for i, seed in enumerate(self.seeds):
            with_tool = EGovModel(instruments=[make()], rng=seed).run()
            out.append([m(with_tool) - m(self.baseline(i)) for m in measures])
        return list(np.asarray(out).T)
