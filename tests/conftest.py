"""Shared fixtures and the ``--runslow`` switch (the standard pytest recipe).

Tests marked ``@pytest.mark.slow`` (statistical or end-to-end checks) are skipped
unless pytest is run with ``--runslow``; the marker is declared in pyproject.toml.
"""

from __future__ import annotations

import pytest

from sim.model.params import CountryParams, ModelParams, TimeParams


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run tests marked slow")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: statistical or end-to-end checks (--runslow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture
def small_params() -> ModelParams:
    """Synthetic country, 40 municipalities in 3 regions, 24 quarters."""
    return ModelParams(
        country=CountryParams(name="synthetic", n_municipalities=40, n_regions=3),
        time=TimeParams(n_quarters=24),
    )


@pytest.fixture
def estonia_params() -> ModelParams:
    """The Estonia preset, 40 quarters."""
    return ModelParams(country=CountryParams(name="estonia"), time=TimeParams(n_quarters=40))
