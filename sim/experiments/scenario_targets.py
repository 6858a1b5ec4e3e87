"""Instrument targets of a scenario, checked against its catalogue and country.

Blocks and regions named in ``[instruments.target]`` are checked when the scenario
is loaded, not when a model is built, so a typo fails before a batch starts.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from sim.experiments.overrides import ScenarioError, as_table, known_keys
from sim.instruments.base import Target
from sim.model.blocks import Catalogue
from sim.model.countries import build_country
from sim.model.fields import ParameterError
from sim.model.params import CountryParams


class Regions:
    """Region codes and names of the scenario's country, looked up only when targeted.

    Checked here, not at model build, so a typo fails before a batch starts. Synthetic
    region names depend on ``country.n_regions`` only, so a tiny synthetic country with
    the same number of regions gives them without the run's random stream.
    """

    def __init__(self, country: CountryParams):
        self.country = country
        self.codes: tuple[str, ...] | None = None
        self.names: tuple[str, ...] = ()

    def check(self, region: str, key: str, where: str) -> None:
        """Raise unless ``region`` is a code or a name of a region of the country."""
        if self.codes is None:
            params = self.country
            if params.name == "synthetic":  # names depend on n_regions only, not on rng
                small = max(params.n_regions, 2)
                params = dataclasses.replace(params, n_municipalities=small)
            built = build_country(params, np.random.default_rng(0))
            self.codes, self.names = built.region_codes, built.region_names
        if region in self.codes or region in self.names:
            return
        name = self.country.name
        if not self.codes:
            allowed = f"no region: {name} has no regional tier (country.n_regions = 0)"
        else:
            allowed = f"a region code {list(self.codes)} or name {list(self.names)} of {name}"
        raise ScenarioError(key, region, allowed, where)


def build_target(
    table: Any, key: str, where: str, catalogue: Catalogue, regions: Regions
) -> Target:
    """Build a Target and check its blocks and regions exist, before any run starts."""
    table = as_table(table, key, where)
    known_keys(table, [f.name for f in dataclasses.fields(Target)], f"{key}.", where)
    try:
        target = Target(**table)
    except ParameterError as err:
        raise ScenarioError.from_error(err, where, f"{key}.") from None
    for block in target.blocks:
        if block not in catalogue.keys:
            allowed = f"a block of the catalogue {list(catalogue.keys)}"
            raise ScenarioError(f"{key}.blocks", block, allowed, where)
    for region in target.regions:
        regions.check(region, f"{key}.regions", where)
    return target
