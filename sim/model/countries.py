"""Build the country a model runs on, whichever kind of preset ``country.name`` names.

One entry point over the three kinds: the real tables (:mod:`sim.model.country`),
synthetic draws (:mod:`sim.model.country_synthetic`) and a user's table
(:mod:`sim.model.country_table`). It lives apart from them because the latter two
build on :mod:`sim.model.country`, which therefore cannot import them.
"""

from __future__ import annotations

import numpy as np

from sim.model.country import Country, load_real
from sim.model.country_synthetic import make_synthetic
from sim.model.country_table import load_custom
from sim.model.params import CountryParams


def build_country(params: CountryParams, rng: np.random.Generator) -> Country:
    """Build the preset ``params.name``: real tables, a synthetic draw, or a user table.

    Only a synthetic country draws from ``rng``; real and user tables are the same map
    in every replicate.
    """
    if params.name == "synthetic":
        return make_synthetic(params, rng)
    if params.name == "custom":
        return load_custom(params)
    return load_real(params.name, params.island_links)
