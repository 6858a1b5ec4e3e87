"""Enforcement as the sources describe it (issue 13): deadline steps, sanctions, funding.

Paired seeds (common random numbers) throughout; effect sizes are justified from
the sources in each docstring. Denmark unless stated.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from sim.experiments.scenario import load_scenario
from sim.model.model import EGovModel

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
MANDATED = ("base_registers", "data_exchange", "e_payment", "digital_post", "portal")
LIVE = tuple(f"blocks.{b}.platform_live_at_start=true" for b in MANDATED)
SEEDS = range(8)


def ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and t-based 95% CI of paired differences."""
    from scipy import stats

    m = float(values.mean())
    half = float(stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))
    return m, m - half, m + half


def connected(name: str, sets: tuple[str, ...], quarters: tuple[int, ...]) -> np.ndarray:
    """(seeds, quarters) share of mandated municipality x block cells adopted."""
    return connected_blocks(name, sets, quarters, MANDATED)


def connected_blocks(
    name: str, sets: tuple[str, ...], quarters: tuple[int, ...], blocks: tuple[str, ...]
) -> np.ndarray:
    """(seeds, quarters) share of municipality x block cells of ``blocks`` adopted."""
    sc = load_scenario(SCENARIOS / f"{name}.toml", sets)
    idx = [sc.catalogue.keys.index(b) for b in blocks]
    out = np.zeros((len(SEEDS), len(quarters)))
    for k, seed in enumerate(SEEDS):
        model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=seed)
        for q in range(max(quarters) + 1):
            model.step()
            if q in quarters:
                out[k, quarters.index(q)] = model.state.adopted[:, idx].mean()
    return out


def finals(name: str, sets: tuple[str, ...] = (), metric: str = "adoption_mun") -> np.ndarray:
    sc = load_scenario(SCENARIOS / f"{name}.toml", sets)
    return np.array(
        [
            EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=s)
            .run()
            .datacollector.model_vars[metric][-1]
            for s in SEEDS
        ]
    )


def test_funded_mandate_is_the_unfunded_one_plus_money_only():
    """Compare like with like: the two shipped files differ by the financial incentive."""
    read = {
        n: tomllib.loads((SCENARIOS / f"{n}.toml").read_text())
        for n in ("funded_mandate", "unfunded_mandate")
    }
    funded = [
        i for i in read["funded_mandate"]["instruments"] if i["type"] != "financial_incentive"
    ]
    assert funded == read["unfunded_mandate"]["instruments"]
    assert read["funded_mandate"]["country"] == read["unfunded_mandate"]["country"]


@pytest.mark.slow
def test_a_credible_funded_mandate_steps_to_compliance_at_its_deadline():
    """Pattern P4: Denmark's Digital Post mandate was met near its deadline (calibration T1).

    With the targeted platforms live, at least 70% of mandated cells are connected at
    the deadline (quarter 24, state at the end of quarter 23) and at least 90% four
    quarters later (issue 13's reading of T1 for all five mandated blocks); Digital
    Post itself, the block T1 measures, at least 90% at the deadline + 4 in every
    seed. Without enforcement credibility the same mandate moves far less (the value
    pressure alone; docs/ODD.md §7.5, "Mandated starts").
    """
    at = connected("funded_mandate", LIVE, (23, 27))
    assert at[:, 0].mean() >= 0.70
    assert at[:, 1].mean() >= 0.90
    post = connected_blocks("funded_mandate", LIVE, (27,), ("digital_post",))
    assert post.min() >= 0.90
    idle = connected("funded_mandate", (*LIVE, "instruments.0.credibility=0"), (23, 27))
    mean, low, high = ci(at[:, 0] - idle[:, 0])
    assert low > 0.25, (mean, low, high)


@pytest.mark.slow
def test_an_announced_extension_costs_credibility_and_delays_the_step():
    """Each extension moves the deadline and lowers credibility (assumption, ODD §7.5).

    Announced a year into the mandate (quarter 12), before most chains must start:
    with the planning margin (2 x the integration time) the long chains start early,
    so an extension announced later moves less (at quarter 16: -0.056).
    """
    base = connected("funded_mandate", LIVE, (23,))
    later = connected("funded_mandate", (*LIVE, "instruments.0.extensions=[12]"), (23,))
    mean, low, high = ci(base[:, 0] - later[:, 0])
    assert low > 0.05, (mean, low, high)


@pytest.mark.slow
def test_sanctions_do_not_lower_compliance():
    """Oliver (1980), OECD 2009: sanctions are the tool for near-unanimity; withheld
    transfers refunded on compliance do not take the money compliance needs."""
    with_sanctions = finals("legislation_sanctions", metric="compliance")
    without = finals("legislation", metric="compliance")
    mean, low, high = ci(with_sanctions - without)
    assert high > 0 and mean > -0.01, (mean, low, high)


@pytest.mark.slow
def test_the_penalty_form_is_a_poverty_trap():
    """The old form, a fine out of the free envelope, complies less than the common form.

    The trap bites where the envelope binds. Since fixed integration costs are charged
    per inhabitant below 10,000 (docs/ODD.md §7.1, country scale), Danish municipalities
    mostly have money left after the fine (Denmark: +0.006 [+0.003, +0.010], 24 seeds);
    Austria (median municipality ~1,900 inhabitants) shows it clearly (+0.021
    [+0.016, +0.026], 8 seeds).
    """
    austria = ("country.name=austria",)
    penalty = finals(
        "legislation_sanctions", (*austria, "instruments.1.form=penalty"), "compliance"
    )
    refund = finals("legislation_sanctions", austria, metric="compliance")
    mean, low, high = ci(refund - penalty)
    assert low > 0, (mean, low, high)


@pytest.mark.slow
@pytest.mark.parametrize("country", ["denmark", "netherlands", "austria", "synthetic"])
def test_funding_pays_and_unfunded_mandates_cost_trust(country):
    """P6 (OECD 2009): trust falls after an unfunded mandate and not after a funded one;
    funded adopts at least as much as unfunded, on every preset and on the synthetic
    1,000-municipality country of the effects table (pools scale with the country)."""
    sets = (f"country.name={country}",)
    if country == "synthetic":
        sets += ("country.n_municipalities=1000",)
    trust = {
        n: finals(n, sets, "trust_mc") for n in ("baseline", "unfunded_mandate", "funded_mandate")
    }
    adopt = {n: finals(n, sets) for n in ("unfunded_mandate", "funded_mandate")}
    assert ci(trust["unfunded_mandate"] - trust["baseline"])[2] < 0
    assert ci(trust["funded_mandate"] - trust["baseline"])[0] > -0.01
    assert ci(trust["funded_mandate"] - trust["unfunded_mandate"])[1] > 0
    assert ci(adopt["funded_mandate"] - adopt["unfunded_mandate"])[0] >= 0


def test_joined_on_paper_and_in_working_use_are_separate_states():
    """A register of joined municipalities can run years ahead of use (issue 13, T2);
    obliging citizens closes the gap (Danish Digital Post, T1)."""
    sc = load_scenario(SCENARIOS / "funded_mandate.toml")
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=1).run(40)
    mv = model.datacollector.model_vars
    assert mv["compliance"][-1] > 0.8
    assert mv["compliance_in_use"][-1] < 0.2
    assert all(u <= a for u, a in zip(mv["in_use"], mv["adoption_mun"], strict=True))
    sc = load_scenario(SCENARIOS / "denmark_digital_post.toml")
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=1).run(40)
    mv = model.datacollector.model_vars
    assert mv["compliance_in_use"][-1] > 0.9
