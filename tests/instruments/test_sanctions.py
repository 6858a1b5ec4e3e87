"""Sanctions: paired mechanism tests and the flow of withheld money.

Denmark preset (98 municipalities, 60 quarters), with and without the instrument on
the same seeds (common random numbers).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from sim.experiments.scenario import ScenarioError, load_scenario
from sim.instruments.base import Instrument
from sim.instruments.financial import FinancialIncentive
from sim.instruments.sanctions import Sanctions
from sim.model.model import EGovModel
from sim.model.state import ADOPTED

SEEDS = np.random.SeedSequence(2202).spawn(8)


@functools.cache
def baseline(i: int) -> EGovModel:
    """The run without any instrument on seed ``i``."""
    return EGovModel(rng=SEEDS[i]).run()


def compliance(model: EGovModel, tool: Sanctions) -> float:
    """Share of the sanction's targeted cells adopted at the end of the run."""
    return float(model.state.adopted[tool.target_cells].mean())


def test_sanctions_raise_compliance_and_lower_trust_in_central() -> None:
    comp, trust = [], []
    for i, seed in enumerate(SEEDS):
        tool = Sanctions()
        model = EGovModel(instruments=[tool], rng=seed).run()
        comp.append(compliance(model, tool) - compliance(baseline(i), tool))
        trust.append(model.current["trust_mc"] - baseline(i).current["trust_mc"])
        assert model.current["compliance"] == pytest.approx(compliance(model, tool))
    comp_d, trust_d = np.asarray(comp), np.asarray(trust)
    assert comp_d.mean() > 0.03 and (comp_d > 0).sum() >= 7
    assert trust_d.mean() < -0.05 and (trust_d < 0).all()


def sanctioned_at_deadline(*extra: Instrument) -> tuple[EGovModel, Sanctions]:
    """A run stepped to the deadline quarter, before the sanction acts in it."""
    tool = Sanctions(deadline=30)
    model = EGovModel(instruments=[tool, *extra], rng=SEEDS[0])
    model.run(30)
    return model, tool


def test_money_moves_only_from_noncompliant_municipalities() -> None:
    model, tool = sanctioned_at_deadline()
    assert model.ledger.category("municipal", "transfer:sanction_withheld") == 0.0
    st = model.state
    live = model.platform_live()
    st.status[0, live & tool.block_mask] = ADOPTED  # municipality 0 complies fully
    missing = tool.missing(model, model.effects.standard_set)
    out_before = model.ledger.transfers_out["municipal"]
    in_before = model.ledger.transfers_in["central"]
    eff = model._fresh_effects()
    tool.apply(model, eff)
    expected = tool.p.penalty_per_capita * st.population / 4.0 * missing.sum(axis=1)
    np.testing.assert_allclose(tool.withheld, expected)
    assert tool.withheld[0] == 0.0 and expected.sum() > 0
    assert (tool.withheld > 0).sum() == missing.any(axis=1).sum()
    moved = model.ledger.transfers_out["municipal"] - out_before
    assert moved == pytest.approx(expected.sum())
    assert model.ledger.transfers_in["central"] - in_before == pytest.approx(moved)
    np.testing.assert_array_equal(eff.trust_central_neg > 0, tool.withheld > 0)
    assert (eff.pressure[missing] > 0).all() and not eff.pressure[~missing].any()


def test_penalty_feels_less_unfair_when_money_was_offered() -> None:
    # Co-funding listed after the sanction: the offer is read from the quarter just ended.
    funded, f_tool = sanctioned_at_deadline(FinancialIncentive(share=1.0))
    unfunded, u_tool = sanctioned_at_deadline()
    events = []
    for model, tool in ((funded, f_tool), (unfunded, u_tool)):
        eff = model._fresh_effects()
        tool.apply(model, eff)
        events.append(eff.trust_central_neg[tool.withheld > 0])
    p = u_tool.p
    np.testing.assert_allclose(events[0], p.unfair_events * (1.0 - p.funded_relief))
    # Without the programme only regional co-funding, where a region offers it, relieves.
    assert events[1].max() == pytest.approx(p.unfair_events)
    assert events[1].mean() > 2 * events[0].mean()


def test_threat_weighs_from_announcement_and_grows_to_the_deadline() -> None:
    tool = Sanctions(deadline=40, lead=8)
    model = EGovModel(instruments=[tool], rng=SEEDS[1])
    pressure, always = {}, tool.target_cells.copy()
    for q in (31, 32, 36, 40):
        model.run(q - model.quarter)
        eff = model._fresh_effects()
        tool.apply(model, eff)
        pressure[q] = eff.pressure
        always &= tool.missing(model, eff.standard_set)
        assert tool.withheld.sum() == 0 or q == 40  # only the apply at the deadline penalised
    cells = always & (pressure[40] < tool.p.max_pressure)
    assert cells.sum() > 20 and not pressure[31].any()
    assert (pressure[32][cells] > 0).all()
    assert (pressure[32][cells] < pressure[36][cells]).all()
    assert (pressure[36][cells] < pressure[40][cells]).all()
    assert tool.withheld.sum() > 0


def test_deadline_before_start_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "early_deadline.toml"
    path.write_text(
        '[scenario]\ndescription = "x"\n[[instruments]]\ntype = "sanctions"\n'
        "start = 10\ndeadline = 4\n"
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = str(info.value)
    assert path.name in msg and "instruments.0.deadline" in msg and "4" in msg
