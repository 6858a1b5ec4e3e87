"""Composition patterns of the toolbox (docs/ODD.md §1, P4, P5, P7) on the shipped scenarios.

Paired replicates (common random numbers) of the scenario files as shipped, so the
test checks what users run. Statistical, hence ``slow``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.experiments.scenario import load_scenario
from sim.model.model import EGovModel

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SEEDS = np.random.SeedSequence(2011).spawn(6)


def finals(name: str, overrides: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    sc = load_scenario(SCENARIOS / f"{name}.toml", overrides)
    rows = []
    for seed in SEEDS:
        model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=seed).run()
        rows.append(model.datacollector.model_vars)
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, np.ndarray]]:
    names = ("baseline", "denmark_full_mix", "legislation_sanctions")
    out = {n: finals(n) for n in names}
    out["germany"] = finals("germany_mandate_without_standards")
    out["germany_baseline"] = finals("baseline", ("country.name=austria",))
    out["austria_full_mix"] = finals("denmark_full_mix", ("country.name=austria",))
    return out


def public_spending(r: dict[str, np.ndarray]) -> np.ndarray:
    return r["spend_central"][:, -1] + r["spend_regional"][:, -1] + r["spend_municipal"][:, -1]


@pytest.mark.slow
def test_p4_full_mix_gives_a_step_change_to_near_complete_adoption(runs):
    mix, base = runs["denmark_full_mix"], runs["baseline"]
    assert np.median(mix["adoption_mun"][:, -1]) > 0.8
    gap = mix["adoption_mun"][:, 32] - base["adoption_mun"][:, 32]  # after the deadline
    assert gap.mean() > 0.2 and (gap > 0).all()
    assert np.median(mix["fragmentation"][:, -1]) < 0.03


@pytest.mark.slow
def test_p7_sanctions_alone_underperform_the_mix_at_a_similar_cost(runs):
    """OECD 2009: sanctions alone, without standards, money and support, achieve less.

    In at least five of six paired seeds and by more than 0.1 at the median: a central
    platform build that fails (hazard 0.10-0.25, CAL §5) is re-tendered and can hold the
    mix's dependent blocks back for years in one seed (seed 3: base registers failed
    at quarter 23, adoption 0.59).
    """
    mix, sanc = runs["denmark_full_mix"], runs["legislation_sanctions"]
    ratio = public_spending(sanc).mean() / public_spending(mix).mean()
    assert 0.75 < ratio < 1.33  # the same cost band
    ahead = mix["adoption_mun"][:, -1] - sanc["adoption_mun"][:, -1]
    assert (ahead > 0).sum() >= 5 and np.median(ahead) > 0.1
    assert (mix["trust_mc"][:, -1] > sanc["trust_mc"][:, -1] + 0.1).all()


@pytest.mark.slow
def test_p5_mandate_without_standards_stalls_and_fragments(runs):
    """Germany's OZG (CAL T3): about 18% of services online nationwide at its deadline.

    Judged where the source measures it, at the deadline (quarter 28, five years after
    announcement as 2017-2022), against the full mix on the same (Austrian) map, paired
    by seed: the mandate without standards or money is under 40% of cells (0.30
    measured: the model counts municipality x block cells, and compels the starts
    a Danish-style deadline would; docs/ODD.md P5 row), the full mix is ahead by more
    than 0.2 at the median and 0.1 in every seed (0.15-0.37 measured; a failed platform
    build holds the mix back in one seed), and fragmentation is more than twice
    the voluntary baseline's (0.17 vs 0.065) and above the mix's in every seed (local
    builds comply where no standard is set).
    """
    ger, mix, base = runs["germany"], runs["austria_full_mix"], runs["germany_baseline"]
    at = 27  # the state at the deadline (quarter 28)
    assert np.median(ger["adoption_mun"][:, at]) < 0.4
    behind = mix["adoption_mun"][:, at] - ger["adoption_mun"][:, at]
    assert np.median(behind) > 0.2 and (behind > 0.1).all()
    frag = ger["fragmentation"][:, at]
    assert np.median(frag) > 2 * np.median(base["fragmentation"][:, at])
    assert (frag > mix["fragmentation"][:, at]).all()
    # Fifteen years on, the mandate has added less adoption than fragmentation.
    gain = ger["adoption_mun"][:, -1] - base["adoption_mun"][:, -1]
    spread = ger["fragmentation"][:, -1] - base["fragmentation"][:, -1]
    assert np.median(gain) < np.median(mix["adoption_mun"][:, -1] - base["adoption_mun"][:, -1])
    assert (ger["fragmentation"][:, -1] >= base["fragmentation"][:, -1]).mean() >= 0.5
    assert np.median(spread) > 0
