"""The benchmark's naive per-agent Mesa model and the production model agree.

``benchmarks/naive.py`` is the reference the issue-6 speed-ups are measured against:
every municipality a ``mesa.Agent`` with Python scalars, the same decision,
implementation and trust rules in plain loops, its own random stream (stdlib
``random``). Speed must not be bought with different behaviour, so over 200 paired
seeds (the same seed gives both models the same country and initial attributes; the
dynamics draw independent numbers) the outcomes must have the same distribution:
final adoption, the quarter 30 % of cells have adopted (right-censored at the
horizon) and final trust in central government, by two-sample Kolmogorov-Smirnov
tests and Wilcoxon signed-rank tests on the paired differences.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.model.model import EGovModel
from sim.model.params import CountryParams, DecisionParams, ModelParams, TimeParams

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the benchmarks package
from benchmarks.naive import NaiveModel  # noqa: E402

N_SEEDS = 200
QUARTERS = 40
THRESHOLD = 0.3
ALPHA = 0.01


def params() -> ModelParams:
    """A small country with brisk reviews, so that the threshold is reached in most runs.

    The naive model runs the no-instrument baseline; adoption there levels off near
    40 % of cells within 40 quarters, so the time-to-threshold uses 30 %.
    """
    return ModelParams(
        country=CountryParams(name="synthetic", n_municipalities=40, n_regions=3),
        time=TimeParams(n_quarters=QUARTERS),
        decision=DecisionParams(consider_hazard=0.6, wait_value=-0.5),
    )


def outcomes(model) -> tuple[float, float, float]:
    mv = model.datacollector.model_vars
    adoption = np.asarray(mv["adoption_mun"], dtype=float)
    reached = np.flatnonzero(adoption >= THRESHOLD)
    t_reach = float(reached[0]) if reached.size else float(QUARTERS)
    return float(adoption[-1]), t_reach, float(mv["trust_mc"][-1])


@pytest.mark.slow
def test_naive_benchmark_model_matches_production_in_distribution() -> None:
    seeds = range(1_000, 1_000 + N_SEEDS)
    prod = np.array([outcomes(EGovModel(params(), rng=s).run()) for s in seeds])
    naive = np.array([outcomes(NaiveModel(params(), rng=s).run()) for s in seeds])

    # The tests have power: outcomes vary and the threshold is reached in most runs.
    assert prod[:, 0].std() > 0.01 and prod[:, 2].std() > 0.001
    assert np.mean(prod[:, 1] < QUARTERS) > 0.6 and np.mean(naive[:, 1] < QUARTERS) > 0.6
    for k, name in enumerate(("final adoption", "time to 30%", "final trust")):
        ks = stats.ks_2samp(prod[:, k], naive[:, k]).pvalue
        diff = prod[:, k] - naive[:, k]
        wilcoxon = stats.wilcoxon(diff).pvalue if np.any(diff != 0) else 1.0
        print(f"{name}: means {prod[:, k].mean():.4f} vs {naive[:, k].mean():.4f}, "
              f"KS p={ks:.3f}, Wilcoxon p={wilcoxon:.3f}")  # fmt: skip
        assert ks > ALPHA, (name, ks)
        assert wilcoxon > ALPHA, (name, wilcoxon)
