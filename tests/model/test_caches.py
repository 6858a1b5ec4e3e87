"""Derived values the model caches or computes by a shortcut equal their definition.

The fast paths (neighbour shares counted on the CSR arrays, network factors and neighbour
shares kept until adoption changes) must give exactly what the plain definitions
give, quarter after quarter, or speed would change behaviour.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams
from sim.model.rules.decision import network_factor


def _model(n: int | None) -> EGovModel:
    if n is None:
        return EGovModel(ModelParams(), rng=7)
    country = CountryParams(name="synthetic", n_municipalities=n, n_regions=6)
    return EGovModel(ModelParams(country=country), rng=7)


@pytest.mark.parametrize("n", [None, 300, 2_010])
def test_neighbour_shares_equal_sparse_products(n: int | None) -> None:
    model = _model(n)
    model.run(12)
    adopted = model.state.adopted
    sparse_counts = model.country.adjacency @ adopted.astype(float)
    deg = model.degree[:, None]
    expected = np.divide(sparse_counts, deg, out=np.zeros_like(sparse_counts), where=deg > 0)
    assert np.array_equal(model.neighbour_share(adopted), expected)


def test_cached_network_and_peer_shares_follow_adoption_every_quarter() -> None:
    model = _model(None)
    changed = 0
    for _ in range(40):
        before = model.state.adopted.copy()
        model.step()
        changed += int(not np.array_equal(before, model.state.adopted))
        fresh = network_factor(
            model.coverage(),
            model.blocks.network_exponent,
            model.params.decision.network_floor,
        )
        assert np.array_equal(model.network_now(), fresh)
        assert np.array_equal(model.peer_adoption(), model.neighbour_share(model.state.adopted))
    assert changed > 5  # adoption moved, so the caches were really invalidated
