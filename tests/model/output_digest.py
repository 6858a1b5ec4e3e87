"""Reference outputs for refactors: every model_vars series of the shipped scenarios.

``python tests/model/output_digest.py --write`` records, for every scenario in
``scenarios/`` x 3 seeds and a synthetic 1,000-municipality country, the whole
per-quarter output table of one run in ``tests/data/output_digest.npz``.
``tests/model/test_output_digest.py`` reruns them and compares within the relative
tolerance already accepted between compiled and numpy exponentials (1e-15, ODD §3):
a change of code organisation must not change what the model computes.

When a model change is *meant* to change outputs (a new mechanism, a recalibrated
default), rewrite the file in the same commit and say why in the commit message.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from sim.experiments.scenario import load_scenario
from sim.model.model import EGovModel

REPO = Path(__file__).resolve().parents[2]
DIGEST = REPO / "tests" / "data" / "output_digest.npz"
SEEDS = (0, 1, 2)
SYNTHETIC = ("country.name=synthetic", "country.n_municipalities=1000", "country.n_regions=8")


def cases() -> Iterator[tuple[str, Path, tuple[str, ...], int]]:
    """(key, scenario file, overrides, seed) of every reference run."""
    for path in sorted((REPO / "scenarios").glob("*.toml")):
        for seed in SEEDS:
            yield f"{path.stem}/{seed}", path, (), seed
    yield "synthetic1000/0", REPO / "scenarios" / "baseline.toml", SYNTHETIC, 0


def outputs(path: Path, overrides: tuple[str, ...], seed: int) -> dict[str, np.ndarray]:
    """Every model_vars column of one run, as float64 arrays."""
    sc = load_scenario(path, overrides)
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=seed)
    model.run()
    df = model.datacollector.get_model_vars_dataframe()
    return {c: df[c].to_numpy(dtype=np.float64) for c in df.columns}


def write() -> None:
    """Record the reference file."""
    arrays: dict[str, np.ndarray] = {}
    for key, path, overrides, seed in cases():
        for col, values in outputs(path, overrides, seed).items():
            arrays[f"{key}|{col}"] = values
    DIGEST.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(DIGEST, **arrays)
    print(f"wrote {len(arrays)} series to {DIGEST}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the reference file")
    if parser.parse_args().write:
        write()
