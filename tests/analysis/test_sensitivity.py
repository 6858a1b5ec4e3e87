"""Sensitivity indices on functions whose answer is known, read back from a finals table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.sensitivity import point_means, second_order_table, sensitivity_table
from sim.experiments.design import load_design

REPO = Path(__file__).resolve().parents[2]
FUNDED = (REPO / "scenarios" / "funded_mandate.toml").as_posix()
FACTORS = """
[factors."decision.peer_weight"]
min = 0.0
max = 1.0
[factors."decision.logit_scale"]
min = 0.1
max = 1.1
[factors."trust.gain_rate"]
min = 0.0
max = 0.1
"""


def design(tmp_path: Path, method: str, extra: str):
    path = tmp_path / "d.toml"
    head = f'[design]\nmethod = "{method}"\nscenarios = ["{FUNDED}"]\nseed = 3\n{extra}\n'
    path.write_text(head + FACTORS)
    return load_design(path)


def finals_for(d, fn, reps: int = 1, noise: float = 0.0) -> pd.DataFrame:
    """A finals table as the engine writes it, with output = fn(unit sample) (+ CRN noise)."""
    y = fn(d.unit_samples)
    rows = []
    eps = np.random.default_rng(0).normal(0, noise, reps)  # one draw per replicate: CRN
    for p, value in enumerate(y):
        for r in range(reps):
            rows.append({"scenario": "s", "point": p, "replicate": r, "quarters": 60,
                         "out": value + eps[r]})  # fmt: skip
    return pd.DataFrame(rows)


def test_morris_ranks_an_influential_factor_first(tmp_path: Path) -> None:
    d = design(tmp_path, "morris", "samples = 20\nlevels = 4")
    finals = finals_for(d, lambda u: 10 * u[:, 0] + 1 * u[:, 1] + 0 * u[:, 2], reps=2, noise=1)
    t = sensitivity_table(d, finals, "out").set_index("factor")
    # linear effects: mu* is the slope per unit range, exactly, and sigma is 0
    assert t.loc["decision.peer_weight", "mu_star"] == pytest.approx(10)
    assert t.loc["decision.logit_scale", "mu_star"] == pytest.approx(1)
    assert t.loc["trust.gain_rate", "mu_star"] == pytest.approx(0, abs=1e-9)
    assert np.allclose(t["sigma"], 0, atol=1e-9)
    assert (t["mu_star_conf"] >= 0).all() and (t["reps"] == 2).all()


def test_sobol_recovers_analytic_indices(tmp_path: Path) -> None:
    """y = x0 + 2·x1 on uniform inputs: S1 = ST = 1/5 and 4/5, x2 inert."""
    d = design(tmp_path, "sobol", "samples = 1024\nresamples = 200")
    finals = finals_for(d, lambda u: u[:, 0] + 2 * u[:, 1])
    t = sensitivity_table(d, finals, "out").set_index("factor")
    assert t.loc["decision.peer_weight", "S1"] == pytest.approx(0.2, abs=0.03)
    assert t.loc["decision.logit_scale", "S1"] == pytest.approx(0.8, abs=0.03)
    assert t.loc["trust.gain_rate", "ST"] == pytest.approx(0, abs=1e-6)
    lo = t["S1"] - t["S1_conf"]
    assert (t.loc[["decision.peer_weight", "decision.logit_scale"], "S1"] > 0).all()
    assert np.isfinite(lo).all()


def test_sobol_second_order_sees_an_interaction(tmp_path: Path) -> None:
    d = design(tmp_path, "sobol", "samples = 512\nresamples = 100")
    finals = finals_for(d, lambda u: (u[:, 0] - 0.5) * (u[:, 1] - 0.5))
    s2 = second_order_table(d, finals, "out")
    pair = s2[
        (s2["factor_a"] == "decision.peer_weight") & (s2["factor_b"] == "decision.logit_scale")
    ]
    assert pair["S2"].iloc[0] > 0.7  # a pure interaction: almost all variance is in S2


def test_point_means_average_replicates_and_censor_times() -> None:
    finals = pd.DataFrame(
        {"scenario": "s", "point": [0, 0, 1, 1], "quarters": 40,
         "t50_adoption_mun": [10.0, np.nan, 20.0, 30.0]}
    )  # fmt: skip
    y, censored = point_means(finals, "t50_adoption_mun", 2)
    assert y.tolist() == [25.0, 25.0] and censored == 0.25


def test_incomplete_batch_names_missing_points() -> None:
    finals = pd.DataFrame({"scenario": "s", "point": [0, 2], "quarters": 4, "out": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"1 of 3 design points have no finished run \(points 1"):
        point_means(finals, "out", 3)
    with pytest.raises(ValueError, match=r"output 'nope' is not a column"):
        point_means(finals, "nope", 3)
