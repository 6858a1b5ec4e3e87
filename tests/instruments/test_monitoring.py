"""Monitoring and benchmarking: paired mechanism tests of naming, shaming and evaluation.

Denmark preset (98 municipalities, 60 quarters), with and without the instrument on
the same seeds (common random numbers). Laggards are those named at the first
ranking from quarter 16 on; their starts over the next 8 quarters are compared.
"""

from __future__ import annotations

import functools

import numpy as np

from sim.instruments.monitoring import MonitoringBenchmarking
from sim.model.model import EGovModel
from sim.model.state import ADOPTED, IMPLEMENTING

SEEDS = np.random.SeedSequence(4404).spawn(8)
FROM, WINDOW = 16, 8


def run_recording_starts(model: EGovModel) -> np.ndarray:
    """Run to the horizon; (Q, M, B) bool of cells started in each quarter."""
    starts = []
    while model.quarter < model.params.time.n_quarters:
        q = model.quarter
        model.step()
        starts.append((model.state.status == IMPLEMENTING) & (model.state.since == q))
    return np.asarray(starts)


@functools.cache
def baseline(i: int) -> tuple[EGovModel, np.ndarray]:
    model = EGovModel(rng=SEEDS[i])
    return model, run_recording_starts(model)


@functools.cache
def treated(i: int, shame: bool = True) -> tuple[EGovModel, MonitoringBenchmarking, np.ndarray]:
    settings = {} if shame else {"shame_pressure": 0.0, "shame_events": 0.0}
    tool = MonitoringBenchmarking(**settings)
    model = EGovModel(instruments=[tool], rng=SEEDS[i])
    return model, tool, run_recording_starts(model)


def laggard_starts(i: int) -> tuple[int, int, int]:
    """Starts by the named laggards in the window: without, with, with but no shaming."""
    _, tool, starts = treated(i)
    named = next(r for r in tool.rankings if r.quarter >= FROM and r.laggards.any())
    window = slice(named.quarter, named.quarter + WINDOW)
    count = [int(s[window][:, named.laggards].sum()) for s in (baseline(i)[1], starts)]
    return count[0], count[1], int(treated(i, shame=False)[2][window][:, named.laggards].sum())


def test_naming_and_shaming_raises_laggards_starts() -> None:
    counts = np.asarray([laggard_starts(i) for i in range(len(SEEDS))])
    without, with_tool, no_shame = counts.T
    assert (with_tool - without).mean() > 4 and (with_tool > without).sum() >= 7
    # The shaming, not only the evaluation everybody reads, moves the laggards.
    assert (with_tool - no_shame).mean() > 2 and (with_tool > no_shame).sum() >= 6


def test_published_evaluation_raises_beliefs() -> None:
    diffs = np.asarray(
        [
            treated(i)[0].state.belief.mean() - baseline(i)[0].state.belief.mean()
            for i in range(len(SEEDS))
        ]
    )
    assert diffs.mean() > 0.02 and (diffs > 0).all()


def test_ranking_names_bottom_and_praises_top() -> None:
    tool = MonitoringBenchmarking(start=20, peer_pressure=0.0)  # the club's pull: test_peers.py
    model = EGovModel(instruments=[tool], rng=SEEDS[0])
    model.run(20)
    st = model.state
    st.status[:10] = ADOPTED  # ten clear leaders
    eff = model._fresh_effects()
    tool.apply(model, eff)
    (ranking,) = tool.rankings
    n = st.n
    assert ranking.laggards.sum() == n // 4 and ranking.leaders.sum() == n // 4
    assert ranking.leaders[:10].all()
    assert ranking.score[ranking.laggards].max() <= ranking.score[~ranking.laggards].min()
    np.testing.assert_allclose(eff.trust_central_neg[ranking.laggards], tool.p.shame_events)
    assert not eff.trust_central_neg[~ranking.laggards].any()
    np.testing.assert_allclose(eff.priority_push[ranking.leaders], tool.p.praise_priority)
    pressed = (eff.pressure > 0).any(axis=1)
    assert pressed.any() and not (pressed & ~ranking.laggards).any()
    # Between rankings the pressure on the named laggards stays; nobody is shamed again.
    model.quarter += 1
    eff = model._fresh_effects()
    tool.apply(model, eff)
    assert len(tool.rankings) == 1 and not eff.trust_central_neg.any()
    assert ((eff.pressure > 0).any(axis=1) <= ranking.laggards).all()


def test_nobody_is_shamed_when_everybody_is_level() -> None:
    tool = MonitoringBenchmarking()
    model = EGovModel(instruments=[tool], rng=SEEDS[0])
    eff = model._fresh_effects()
    tool.apply(model, eff)
    assert not tool.rankings[0].laggards.any() and not tool.rankings[0].leaders.any()
    assert not eff.pressure.any() and not eff.trust_central_neg.any()
