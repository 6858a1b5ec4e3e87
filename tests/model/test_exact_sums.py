"""The compiled pairwise sum gives numpy's ``sum`` bit for bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp

from sim.model.kernels.exact_sums import array_sum

finite = hs.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(np.float64, hs.integers(0, 700), elements=finite))
def test_array_sum_is_numpy_sum(values: np.ndarray) -> None:
    assert array_sum(values) == values.sum()  # identical bits, not approximately


def test_array_sum_matches_numpy_at_many_lengths_and_scales() -> None:
    rng = np.random.default_rng(5)
    for n in [*range(0, 140), 255, 256, 257, 686, 1000, 4099, 20_000, 244_090]:
        a = rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 6, n)
        assert array_sum(a) == a.sum(), n
        assert array_sum(np.ascontiguousarray(a[::-1])) == a[::-1].sum(), n
