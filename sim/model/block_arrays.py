"""The building-block catalogue as (B,) arrays, the form every stage reads.

Built once per model from the catalogue (``blocks.py``). Central branding of a
service lowers its visibility value to municipalities (OECD 2009 on conflicts of
leadership between levels), so it is applied here, where visibility is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.blocks import Catalogue


@dataclass(frozen=True)
class BlockArrays:
    """Catalogue columns as (B,) arrays, built once per model."""

    benefit: np.ndarray
    spillover: np.ndarray
    network_exponent: np.ndarray
    visibility: np.ndarray
    failure: np.ndarray
    running: np.ndarray
    quarters: np.ndarray
    stage: np.ndarray
    once_only: np.ndarray
    running_platform: np.ndarray
    platform_failure: np.ndarray
    central_owned: np.ndarray
    prereq: np.ndarray  # (B, B) bool, [b, p]: p is a (transitive) prerequisite of b


def block_arrays(
    catalogue: Catalogue, central_branding: float = 0.0, price: float = 1.0
) -> BlockArrays:
    """Extract kernel inputs; central branding lowers visibility to municipalities.

    ``price`` is the country's price level (``sim.model.country_money``): it scales the
    per-inhabitant benefits and running costs, written at Danish prices.
    """

    def col(name: str, dtype: type = float) -> np.ndarray:
        return np.array([getattr(b, name) for b in catalogue], dtype=dtype)

    return BlockArrays(
        benefit=col("benefit_per_capita") * price,
        spillover=col("spillover_share"),
        network_exponent=col("network_exponent"),
        visibility=col("visibility") * (1.0 - central_branding),
        failure=col("failure_hazard"),
        running=col("running_per_capita") * price,
        quarters=col("integration_quarters", int),
        stage=col("maturity_stage", int),
        once_only=col("once_only", bool),
        running_platform=col("platform_running_per_capita") * price,
        platform_failure=col("platform_failure_hazard"),
        central_owned=np.array([b.owner == "central" for b in catalogue], dtype=bool),
        prereq=np.asarray(catalogue.prerequisite_matrix, dtype=bool),
    )


def with_prerequisites(cells: np.ndarray, prereq: np.ndarray) -> np.ndarray:
    """(M, B) cells plus, in each row, every (transitive) prerequisite of a block in it.

    What complying with an obligation on ``cells`` needs: a mandate, a sanction or a
    monitoring programme that makes a block's enforcement credible makes that of the
    blocks it rests on credible too.
    """
    return cells | ((cells.astype(np.int8) @ prereq.astype(np.int8)) > 0)
