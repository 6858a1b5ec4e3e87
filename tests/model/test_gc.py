"""Models are garbage-collected, and building many does not leak memory.

Mesa's own example tests build a model with a fixed seed, step it, drop it and check
that it is collected. The memory-regression test guards against leaks of the kind
docs/architecture.md (toolchain facts) records for Mesa's discrete_space (a copyreg
registration per model): egov-sim does not use discrete_space, and this test keeps it
that way in effect.
"""

from __future__ import annotations

import gc
import os
import weakref

import pytest

from sim.instruments.base import Target
from sim.instruments.financial import FinancialIncentive
from sim.instruments.legislation import Legislation
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams, TimeParams

MANDATED = ("base_registers", "data_exchange", "e_payment", "digital_post", "portal")


def instruments() -> list:
    return [
        Legislation(start=1, deadline=6, target=Target(blocks=MANDATED)),
        FinancialIncentive(start=1, share=0.5, budget=5e6, target=Target(blocks=MANDATED)),
    ]


def test_model_is_garbage_collected(small_params):
    model = EGovModel(params=small_params, instruments=instruments(), rng=42)
    for _ in range(8):
        model.step()
    model.datacollector.get_model_vars_dataframe()
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def test_finished_estonia_model_is_garbage_collected(estonia_params):
    model = EGovModel(params=estonia_params, rng=7).run()
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def rss_bytes() -> int:
    """Resident set size from /proc/self/statm (pages × page size)."""
    with open("/proc/self/statm") as f:
        resident = int(f.read().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_building_many_models_does_not_leak():
    params = ModelParams(
        country=CountryParams(name="synthetic", n_municipalities=20, n_regions=2),
        time=TimeParams(n_quarters=8),
    )
    rss = {}
    for k in range(1, 301):
        EGovModel(params=params, instruments=instruments(), rng=k).run()
        if k in (100, 300):
            gc.collect()
            rss[k] = rss_bytes()
    growth_mib = (rss[300] - rss[100]) / 2**20
    print(f"RSS growth between model 100 and 300: {growth_mib:.2f} MiB")
    assert growth_mib < 20
