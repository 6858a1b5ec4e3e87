"""Scenario checks of the ``[country]`` table: keys the preset uses, and user tables.

Kept apart from :mod:`sim.experiments.scenario` so that the country rules (which key a
preset can use, where a user's table lives, which file content a result came from)
are in one place. A user table is validated here, when the scenario is loaded, so a
bad row fails before a batch starts, and its path is made absolute and its SHA-256
recorded in the parameters: worker processes then read the same file wherever they
run, a changed file is refused (the model checks the hash again), and the hash is part
of the scenario's content, hence of every run key and of the manifest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.experiments.overrides import MISSING, ScenarioError
from sim.model.country import CountryDataError
from sim.model.country_table import file_sha256, load_custom
from sim.model.fields import ParameterError
from sim.model.params import CountryParams, ModelParams
from sim.model.params.geography import unused_country_key


def check_country(
    table: Mapping[str, Any], model_params: ModelParams, where: str, base_dir: Path | None
) -> CountryParams:
    """Reject keys the preset ignores; resolve, hash and validate a custom table.

    Args:
        table: The ``[country]`` table as written (overrides applied).
        model_params: The validated parameters built from the document.
        where: Scenario file, for error messages.
        base_dir: Folder that ``country.table`` and ``country.adjacency`` are relative
            to (``None``: the working directory).

    Raises:
        ScenarioError: an unused key, more synthetic regions than municipalities, a
            missing or changed file, or a table that breaks the format (the message
            names the CSV row and column).
    """
    params = model_params.country
    if params.name == "synthetic" and params.n_regions > params.n_municipalities:
        allowed = f"at most country.n_municipalities ({params.n_municipalities})"
        raise ScenarioError("country.n_regions", params.n_regions, allowed, where)
    unused = unused_country_key(params, table)
    if unused is not None:
        key, allowed = unused
        problem = "is not used by this preset"
        raise ScenarioError(f"country.{key}", table[key], allowed, where, problem)
    if params.name != "custom":
        return params
    resolved = {}
    for key in ("table", "adjacency"):
        value = getattr(params, key)
        if not value:
            if key == "table":
                allowed = "a CSV file of municipalities (municipality, population, region)"
                raise ScenarioError("country.table", MISSING, allowed, where)
            continue
        path = Path(value) if base_dir is None else base_dir / value
        if not path.is_file():
            allowed = f"an existing CSV file, relative to the scenario file (looked for {path})"
            raise ScenarioError(f"country.{key}", value, allowed, where, "does not exist")
        resolved[key] = str(path.resolve())
        pinned, actual = getattr(params, f"{key}_sha256"), file_sha256(path)
        if pinned and pinned != actual:
            allowed = f"the SHA-256 of {value} ({actual})"
            raise ScenarioError(f"country.{key}_sha256", pinned, allowed, where)
        resolved[f"{key}_sha256"] = actual
    params = dataclasses.replace(params, **resolved)
    _validate_table(params, where)
    return params


def _validate_table(params: CountryParams, where: str) -> None:
    """Build the custom country once, turning a bad row into a located scenario error."""
    try:
        load_custom(params)
    except CountryDataError as err:
        key = "country.table" if err.file == Path(params.table).name else "country.adjacency"
        located = f"{key} ({err.file} row {err.row}, column {err.column!r})"
        value = MISSING if err.value is None else err.value
        raise ScenarioError(located, value, err.allowed, where) from None
    except ParameterError as err:
        raise ScenarioError.from_error(err, where, "country.") from None
