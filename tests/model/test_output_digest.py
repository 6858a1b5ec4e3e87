"""Code reorganisations keep outputs: every shipped scenario x 3 seeds + a synthetic country.

The reference file is written by ``tests/model/output_digest.py --write``; see its
docstring for when to rewrite it (only with a change that is meant to move outputs).
"""

from __future__ import annotations

import numpy as np
import pytest
from output_digest import DIGEST, cases, outputs

RTOL = 1e-15  # compiled vs numpy exponentials may differ in the last bit (ODD §3)

CASES = list(cases())


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    with np.load(DIGEST) as data:
        return {k: data[k] for k in data.files}


def _check(reference, key, path, overrides, seed) -> None:
    got = outputs(path, overrides, seed)
    expected = {k.split("|", 1)[1]: v for k, v in reference.items() if k.startswith(key + "|")}
    assert sorted(got) == sorted(expected), f"{key}: output columns changed"
    for col, values in expected.items():
        np.testing.assert_allclose(
            got[col], values, rtol=RTOL, atol=0.0, equal_nan=True, err_msg=f"{key} {col}"
        )


@pytest.mark.parametrize(
    ("key", "path", "overrides", "seed"),
    [c for c in CASES if c[3] == 0],
    ids=[c[0] for c in CASES if c[3] == 0],
)
def test_outputs_unchanged_seed0(reference, key, path, overrides, seed) -> None:
    _check(reference, key, path, overrides, seed)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "path", "overrides", "seed"),
    [c for c in CASES if c[3] != 0],
    ids=[c[0] for c in CASES if c[3] != 0],
)
def test_outputs_unchanged_other_seeds(reference, key, path, overrides, seed) -> None:
    _check(reference, key, path, overrides, seed)


def test_digest_detects_a_change(reference) -> None:
    """The comparison is not vacuous: one nudged parameter moves some series."""
    key, path, _, seed = CASES[0]
    got = outputs(path, ("decision.peer_weight=0.9",), seed)
    expected = {k.split("|", 1)[1]: v for k, v in reference.items() if k.startswith(key + "|")}
    moved = [c for c in expected if not np.allclose(got[c], expected[c], rtol=RTOL, equal_nan=True)]
    assert moved
