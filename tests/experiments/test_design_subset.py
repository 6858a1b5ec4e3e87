"""A design narrowed to some factors (Morris screening -> Sobol'), and the API running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import api
from sim.errors import UsageError
from sim.experiments.design import load_design
from sim.experiments.design_subset import subset_design
from sim.experiments.factors import DesignError

ROOT = Path(__file__).resolve().parents[2]
MORRIS = ROOT / "scenarios" / "designs" / "denmark_morris.toml"
TINY = """
[design]
name = "tiny_morris"
method = "morris"
scenarios = ["{base}"]
reps = 1
seed = 5
samples = 2
set = ["country.name=synthetic", "country.n_municipalities=12", "country.n_regions=2",
       "time.n_quarters=10"]

[factors."decision.peer_weight"]
min = 0.0
max = 3.0

[factors."decision.logit_scale"]
min = 0.2
max = 2.0

[factors."instruments.1.share"]
min = 0.25
max = 1.0
"""


def test_subset_keeps_the_chosen_factors_with_their_ranges_and_everything_else():
    d = load_design(MORRIS)
    keep = ["instruments.1.share", "decision.logit_scale"]
    sub = subset_design(d, keep, method="sobol", samples=8, reps=3, second_order=False)
    assert sub.names == ["decision.logit_scale", "instruments.1.share"]  # design order
    assert [f for f in d.factors if f.key in keep] == list(sub.factors)
    assert (sub.scenarios, sub.seed, sub.overrides) == (d.scenarios, d.seed, d.overrides)
    assert (sub.method, sub.samples, sub.reps) == ("sobol", 8, 3)
    assert sub.expected_points() == 8 * (2 + 2)
    assert sub.name == "denmark_morris-sobol-2f"
    assert sub.sha256.startswith("derived from ")
    assert len(d.points()) == d.expected_points()  # the source design is untouched


@pytest.mark.parametrize(
    ("factors", "kw", "needle"),
    [
        (["decision.nope"], {}, "is not a factor"),
        (["decision.logit_scale"] * 2, {}, "repeats a factor"),
        ([], {}, "at least one factor"),
        (["decision.logit_scale"], {"method": "sobol", "samples": 6}, "power of two"),
        (["decision.logit_scale"], {"method": "grid"}, "design.method"),
    ],
)
def test_subset_errors_name_the_problem(factors, kw, needle):
    with pytest.raises(DesignError, match=needle):
        subset_design(load_design(MORRIS), factors, **kw)


def test_api_sensitivity_runs_a_loaded_design(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY.format(base=(ROOT / "scenarios" / "funded_mandate.toml").as_posix()))
    serial = api.Execution(executor="serial", progress=False)
    sub = subset_design(load_design(path), ["decision.logit_scale", "instruments.1.share"],
                        method="sobol", samples=4, second_order=False)  # fmt: skip
    store, table = api.sensitivity(sub, out=tmp_path / "out", execution=serial, report=False)
    assert len(store.finals(["scenario"])) == 4 * (2 + 2)
    assert list(table["factor"]) == sub.names and set(table["method"]) == {"sobol"}
    recorded = store.manifest["experiment"]["design"]
    assert [f["key"] for f in recorded["factors"]] == sub.names
    assert recorded["file"] == str(path) and recorded["sha256"].startswith("derived from ")
    with pytest.raises(UsageError, match="only design.method"):
        api.sensitivity(sub, design_overrides=["design.reps=2"], out=tmp_path / "x")
    with pytest.raises(UsageError, match="design.method = 'factorial' is not allowed"):
        api.sensitivity(load_design(path), method="factorial", out=tmp_path / "y")


def test_api_sweep_runs_a_loaded_design_into_its_own_folder(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY.format(base=(ROOT / "scenarios" / "funded_mandate.toml").as_posix()))
    serial = api.Execution(executor="serial", progress=False)
    sub = subset_design(load_design(path), ["decision.peer_weight"], samples=2)
    store = api.sweep(sub, out=tmp_path / "out", execution=serial, report=False)
    finals = store.finals()
    assert len(finals) == 2 * (1 + 1)  # Morris: trajectories x (factors + 1)
    assert "decision.peer_weight" in finals and "decision.logit_scale" not in finals
