"""Money checked against the decisions that caused it, per level and per year.

The ledger's own balance is an identity (budget + transfers - spending); these
tests sum each flow independently from where it was decided (every cell's payments
in the municipal state, every grant pool's payments, every sanction's withheld and
refunded amounts) and compare, year by year, with what the ledger booked.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.experiments.scenario import load_scenario
from sim.model.model import EGovModel

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _grant_pools(model: EGovModel) -> list:
    pools = [inst.pool for inst in model.instruments if hasattr(inst, "pool")]
    return pools + [r.grant_pool for r in model.region_agents if r.grant_pool is not None]


def _yearly(model: EGovModel, quarters: int):
    """(ledger, independent) pairs of cumulative figures at the end of every year."""
    paid_by_regions = 0.0
    rows = []
    for q in range(quarters):
        # Pairs keep the old pools alive, so identity comparisons stay valid when a
        # region replaces its pool at the new year.
        before = [(p, p.paid) for p in _grant_pools(model) if p.payer == "regional"]
        model.step()
        for p in _grant_pools(model):
            if p.payer == "regional":
                old = next((paid for q, paid in before if q is p), 0.0)
                paid_by_regions += p.paid - old
        if (q + 1) % 4 == 0:
            led = model.ledger
            sanctions = [i for i in model.instruments if i.name == "sanctions"]
            central_paid = sum(p.paid for p in _grant_pools(model) if p.payer == "central")
            rows.append(
                {
                    "municipal_spending": (
                        led.spending["municipal"],
                        model.state.spent.sum() + model.coop.paid.sum(),  # cells + co-operation
                    ),
                    "grants": (
                        led.category("central", "transfer:financial_incentive")
                        + sum(
                            v
                            for (lv, cat), v in led.by_category.items()
                            if lv == "regional" and "co-funding" in cat
                        ),
                        central_paid + paid_by_regions,
                    ),
                    "withheld": (
                        led.category("municipal", "transfer:sanction_withheld"),
                        sum(float(s.withheld.sum()) for s in sanctions),
                    ),
                    "refunded": (
                        sum(
                            v for (_, cat), v in led.by_category.items()
                            if cat == "transfer:sanction_refund"
                        ),
                        sum(float(s.refunded.sum()) for s in sanctions),
                    ),
                }
            )  # fmt: skip
    return rows


@pytest.mark.parametrize(
    ("scenario", "sets"),
    [
        ("funded_mandate", ()),
        ("legislation_sanctions", ()),
        ("denmark_full_mix", ()),
        ("funded_mandate", ("country.name=austria",)),
    ],
)
def test_each_flow_equals_the_sum_of_the_decisions_that_caused_it(scenario, sets):
    sc = load_scenario(SCENARIOS / f"{scenario}.toml", sets)
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=2)
    rows = _yearly(model, 40)
    assert rows[-1]["municipal_spending"][0] > 0
    for year, row in enumerate(rows, start=1):
        for flow, (booked, caused) in row.items():
            assert booked == pytest.approx(caused, rel=1e-9, abs=1e-6), (year, flow)
    if scenario == "legislation_sanctions":
        withheld, refunded = rows[-1]["withheld"][0], rows[-1]["refunded"][0]
        assert withheld > 0 and 0 < refunded <= withheld + 1e-6  # refunded on compliance
        escrow = sum(float(i.escrow.sum()) for i in model.instruments if i.name == "sanctions")
        assert escrow == pytest.approx(withheld - refunded, rel=1e-9, abs=1e-6)
    if scenario == "funded_mandate":
        assert rows[-1]["grants"][0] > 0


def test_a_mandate_beyond_the_envelope_is_booked_as_reallocated_money():
    """Obligatory spending is not gated by the envelope: it is found and booked."""
    sc = load_scenario(SCENARIOS / "unfunded_mandate.toml", ("country.name=austria",))
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=2).run(30)
    moved = model.ledger.category("municipal", "allocation:mandate reallocation")
    cap = sc.params.budget.mandate_reallocation_share * model.state.ict_budget.sum() * 30 / 4
    assert 0 < moved <= cap * (1 + 1e-9)
    assert np.all(model.state.realloc_left >= -1e-6)


class _Starts:
    """Every implementation start as decided: cell, base, migration part and total.

    Recorded where the municipal stage opens the cells (``implement.open_cells``), so
    the expected overrun and migration flows are summed from the decisions, not from
    the ledger's own split.
    """

    def __init__(self, model: EGovModel) -> None:
        self.model = model
        self.rows: list[tuple[int, int, float, float, float]] = []
        self.stopped: dict[int, float] = {}  # start -> amount paid when politics stopped it

    def wrap(self, original):
        def open_cells(rule, blocks, q, new, *rest):
            ri, bi, _, migrating, base, _, _, total = new
            share = self.model.params.decision.migration_cost_share
            gross = self.model.state.gross_cost[ri, bi]
            for k in range(ri.size):
                mig = share * gross[k] if migrating[k] else 0.0
                self.rows.append((int(ri[k]), int(bi[k]), base[k], mig, total[k]))
            return original(rule, blocks, q, new, *rest)

        return open_cells

    def wrap_stop(self, original):
        """Record what each implementation a new majority stops had paid (the rest is not owed)."""

        def stop_cells(model, stop):
            st = model.state
            latest = {(i, b): k for k, (i, b, *_) in enumerate(self.rows)}
            for i, b in zip(*np.nonzero(stop), strict=True):
                k = latest[(int(i), int(b))]
                self.stopped[k] = self.rows[k][4] - st.due[i, b]
            return original(model, stop)

        return stop_cells

    def expected(self) -> tuple[float, float]:
        """(overrun, migration) paid so far: each start's parts times its share paid."""
        st = self.model.state
        latest = {(i, b): k for k, (i, b, *_) in enumerate(self.rows)}
        over = mig = 0.0
        for k, (i, b, base, m, total) in enumerate(self.rows):
            still_open = latest[(i, b)] == k and st.status[i, b] == 1  # IMPLEMENTING
            paid = total - st.due[i, b] if still_open else self.stopped.get(k, total)
            fraction = paid / total if total > 0 else 0.0
            above = max(total - base, 0.0)
            over += fraction * above
            mig += fraction * (total - above) * (m / base if base > 0 else 0.0)
        return over, mig


def _central_expected(model: EGovModel, builds: list, stopped: dict) -> float:
    """Central overrun paid so far; a build stopped by politics paid what it had paid then."""
    gov = model.central
    over = 0.0
    for k, (b, cost, total) in enumerate(builds):
        latest = max(j for j, row in enumerate(builds) if row[0] == b) == k
        done = stopped.get(k, total)
        paid = total - gov.due[b] if latest and gov.platform[b] == 1 else done  # BUILDING
        over += paid / total * max(total - cost, 0.0)
    return over


@pytest.mark.parametrize(
    ("scenario", "sets"),
    [("denmark_full_mix", ()), ("baseline", ("country.name=estonia",))],
)
def test_overruns_and_migrations_are_their_own_flows(scenario, sets, monkeypatch):
    """Each year, the ledger's overrun and migration categories equal what the starts fixed.

    Municipal: every implementation's overrun (its total above its base) and migration
    cost (leaving a local solution), times the share of it paid so far. Central: every
    platform build's total above its planned cost, times the share paid so far. A
    project politics stops (``politics.stop_cells``/``stop_builds``) counts what it had
    paid when stopped; municipal spending includes co-operation's founding shares and fees.
    """
    from sim.model import politics
    from sim.model.kernels import implement as ik

    sc = load_scenario(SCENARIOS / f"{scenario}.toml", sets)
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=3)
    starts = _Starts(model)
    monkeypatch.setattr(ik, "open_cells", starts.wrap(ik.open_cells))
    monkeypatch.setattr(politics, "stop_cells", starts.wrap_stop(politics.stop_cells))
    builds: list[tuple[int, float, float]] = []
    stopped_builds: dict[int, float] = {}

    def stop_builds(model, stop, original=politics.stop_builds):
        for b in np.flatnonzero(stop):
            k = max(j for j, row in enumerate(builds) if row[0] == b)
            stopped_builds[k] = builds[k][2] - model.central.due[b]
        original(model, stop)

    monkeypatch.setattr(politics, "stop_builds", stop_builds)
    for q in range(48):
        before = model.central.platform.copy()
        model.step()
        started = (model.central.platform == 1) & (before != 1)
        for b in np.flatnonzero(started):
            cost = sc.catalogue.blocks[b].platform_cost * model.money.platform_factor
            builds.append((int(b), cost, float(model.central.due[b])))
        if (q + 1) % 4:
            continue
        over, mig = starts.expected()
        led = model.ledger
        assert led.category("municipal", "overrun") == pytest.approx(over, rel=1e-9, abs=1e-6)
        assert led.category("municipal", "migration") == pytest.approx(mig, rel=1e-9, abs=1e-6)
        central = _central_expected(model, builds, stopped_builds)
        assert led.category("central", "overrun") == pytest.approx(central, rel=1e-9, abs=1e-6)
        spent = model.state.spent.sum() + model.coop.paid.sum()  # cells + co-operation
        assert led.spending["municipal"] == pytest.approx(spent, rel=1e-9)
    assert led.category("municipal", "overrun") > 0 and led.category("central", "overrun") > 0
