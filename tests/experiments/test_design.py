"""Design files: sizes and row order SALib expects, seeds, distributions and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.experiments.design import Design, apply_point, load_design
from sim.experiments.factors import DesignError, Factor
from sim.experiments.overrides import ScenarioError
from sim.experiments.scenario import load_scenario
from sim.experiments.specs import make_specs

REPO = Path(__file__).resolve().parents[2]
FUNDED = (REPO / "scenarios" / "funded_mandate.toml").as_posix()
DESIGNS = REPO / "scenarios" / "designs"


def write(tmp_path: Path, body: str, method: str = "lhs", extra: str = "") -> Path:
    """A design file over the funded mandate with the given method and body."""
    path = tmp_path / "d.toml"
    head = f'[design]\nmethod = "{method}"\nscenarios = ["{FUNDED}"]\nseed = 7\n{extra}\n'
    path.write_text(head + body)
    return path


FACTORS = """
[factors."decision.peer_weight"]
min = 0.0
max = 3.0
[factors."trust.municipal_central_init"]
min = 0.2
max = 0.8
[factors."instruments.0.deadline"]
type = "int"
min = 12
max = 40
"""


@pytest.mark.parametrize(("second", "rows"), [(True, 16 * (2 * 3 + 2)), (False, 16 * (3 + 2))])
def test_sobol_size_and_order_match_salib(tmp_path: Path, second: bool, rows: int) -> None:
    from SALib.sample import sobol

    extra = f"samples = 16\nsecond_order = {str(second).lower()}"
    d = load_design(write(tmp_path, FACTORS, "sobol", extra))
    points = d.points()
    assert len(points) == rows == d.expected_points()
    expected = sobol.sample(d.problem(), 16, calc_second_order=second, seed=d.sampler_seed)
    assert np.array_equal(d.unit_samples, expected)
    # row i of SALib's sample is point i, mapped through each factor's range
    lo = np.array([0.0, 0.2])
    hi = np.array([3.0, 0.8])
    got = np.array([[p["decision.peer_weight"], p["trust.municipal_central_init"]] for p in points])
    assert np.allclose(got, lo + expected[:, :2] * (hi - lo))


def test_morris_size_levels_and_trajectories(tmp_path: Path) -> None:
    d = load_design(write(tmp_path, FACTORS, "morris", "samples = 6\nlevels = 4"))
    assert len(d.points()) == 6 * (3 + 1)
    grid = {round(v, 9) for v in d.unit_samples.ravel()}
    assert grid <= {0.0, round(1 / 3, 9), round(2 / 3, 9), 1.0}
    opt = load_design(write(tmp_path, FACTORS, "morris", "samples = 8\noptimal_trajectories = 4"))
    assert len(opt.points()) == 4 * (3 + 1)


def test_lhs_is_stratified_and_seeded(tmp_path: Path) -> None:
    d = load_design(write(tmp_path, FACTORS, "lhs", "samples = 20"))
    u = d.unit_samples
    for j in range(u.shape[1]):  # exactly one sample in each 1/n stratum per factor
        assert sorted(np.floor(u[:, j] * 20).astype(int)) == list(range(20))
    again = load_design(write(tmp_path, FACTORS, "lhs", "samples = 20"))
    assert again.points() == d.points()
    other = load_design(
        write(tmp_path, FACTORS, "lhs", "samples = 20").parent / "d.toml", ["design.seed=8"]
    )
    assert other.points() != d.points()


def test_factorial_points_and_explicit_points(tmp_path: Path) -> None:
    body = """
[factors."decision.peer_weight"]
values = [0.5, 1.0, 2.0]
[factors."instruments.0.deadline"]
type = "int"
min = 12
max = 36
levels = 3
"""
    d = load_design(write(tmp_path, body, "factorial"))
    pts = d.points()
    assert len(pts) == 9 and pts[0] == {"decision.peer_weight": 0.5, "instruments.0.deadline": 12}
    assert pts[-1] == {"decision.peer_weight": 2.0, "instruments.0.deadline": 36}
    pbody = '[[points]]\n"decision.peer_weight" = 0.1\n[[points]]\n"instruments.1.share" = 0.9\n'
    p = load_design(write(tmp_path, pbody, "points"))
    assert p.points() == [{"decision.peer_weight": 0.1}, {"instruments.1.share": 0.9}]


def test_replicates_design_is_one_empty_point(tmp_path: Path) -> None:
    d = load_design(write(tmp_path, "", "replicates", "reps = 5"))
    assert d.points() == [{}] and d.reps == 5


def test_points_share_replicate_seeds(tmp_path: Path) -> None:
    """Common random numbers: replicate r has one seed at every point and scenario."""
    d = load_design(write(tmp_path, FACTORS, "lhs", "samples = 3\nreps = 2"))
    base = load_scenario(FUNDED)
    specs = make_specs([base], d.reps, d.seed, d.points())
    by_rep: dict[int, set[str]] = {}
    for s in specs:
        by_rep.setdefault(s.replicate, set()).add(s.seed_key)
    assert all(len(v) == 1 for v in by_rep.values()) and len(specs) == 6
    assert len({s.key for s in specs}) == 6  # every run has its own key


def test_apply_point_sets_instrument_and_parameter_values() -> None:
    base = load_scenario(FUNDED)
    sc = apply_point(base, {"decision.peer_weight": 2.5, "instruments.1.share": 0.4})
    assert sc.params.decision.peer_weight == 2.5
    assert sc.instruments[1].params.share == 0.4
    assert sc.name == base.name and base.params.decision.peer_weight != 2.5


def test_apply_point_rejects_bad_values_with_location() -> None:
    base = load_scenario(FUNDED)
    with pytest.raises(ScenarioError, match=r"d\.toml.*decision\.peer_weight = 99"):
        apply_point(base, {"decision.peer_weight": 99.0}, where="d.toml point 3")
    with pytest.raises(ScenarioError, match=r"instruments\.7.*out of range"):
        apply_point(base, {"instruments.7.share": 0.5}, where="d.toml")


PW = '[factors."decision.peer_weight"]\n'


@pytest.mark.parametrize(
    ("extra", "body", "method", "message"),
    [
        ("samples = 12", FACTORS, "sobol", r"design\.samples = 12 .*power of two"),
        ("", FACTORS, "lhs", r"design\.samples is missing"),
        ("", FACTORS, "grid", r"design\.method = 'grid' .*one of"),
        ("colour = 1", FACTORS, "lhs", r"design\.colour = 1 is an unknown key"),
        ("", PW + "min = 0.0\nmax = 1.0\n", "factorial", r"levels is missing"),
        ("samples = 4", PW + "min = 2.0\nmax = 1.0\n", "lhs", r"max = 1\.0 .*>= min"),
        ("samples = 4", PW + "min = 0\nmax = 1\nshape = 2\n", "lhs", r"shape = 2 is an unknown"),
        ("samples = 4", PW + 'min = 0\nmax = 1\ndistribution = "beta"\n', "lhs", r"= 'beta'"),
        ("samples = 4", '[factors."peer_weight"]\nmin = 0\nmax = 1\n', "lhs", r"malformed key"),
        ("samples = 4", "", "lhs", r"factors is missing"),
        ("", FACTORS, "replicates", r"no \[factors\]"),
    ],
)  # fmt: skip
def test_bad_design_files_name_file_key_and_value(
    tmp_path: Path, extra: str, body: str, method: str, message: str
) -> None:
    path = write(tmp_path, body, method, extra)
    with pytest.raises(DesignError, match=message) as info:
        load_design(path)
    assert str(path) in str(info.value)


def test_missing_scenario_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text('[design]\nscenarios = ["nowhere.toml"]\n')
    with pytest.raises(DesignError, match=r"design\.scenarios = 'nowhere\.toml' does not exist"):
        load_design(path)


@pytest.mark.parametrize(
    "name", ["tiny_factorial", "denmark_lhs", "denmark_morris", "denmark_sobol"]
)
def test_shipped_designs_validate_every_point(name: str) -> None:
    d = load_design(DESIGNS / f"{name}.toml")
    base = load_scenario(d.scenarios[0], d.overrides)
    points = d.points()
    assert len(points) == d.expected_points()
    for values in points[:50]:
        apply_point(base, values, where=name)


@settings(max_examples=60, deadline=None)
@given(
    dist=st.sampled_from(["uniform", "loguniform", "triangular", "normal"]),
    lo=st.floats(0.01, 5.0),
    width=st.floats(0.0, 5.0),
    u=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20),
)
def test_unit_map_stays_in_bounds_and_is_monotone(
    dist: str, lo: float, width: float, u: list[float]
) -> None:
    hi = lo + width
    mid = (lo + hi) / 2
    f = Factor("a.b", dist, "float", lo, hi, mode=mid, mean=mid, sd=max(width, 0.1))
    x = np.array(f.from_unit(np.sort(u)))
    assert np.all(x >= lo) and np.all(x <= hi)
    assert np.all(np.diff(x) >= -1e-9)


def test_int_factor_levels_are_equally_likely() -> None:
    f = Factor("a.b", "uniform", "int", 1.0, 4.0)
    x = f.from_unit((np.arange(400) + 0.5) / 400)
    assert sorted(set(x)) == [1, 2, 3, 4]
    assert np.bincount(x)[1:].tolist() == [100, 100, 100, 100]


def test_design_record_has_sampler_settings(tmp_path: Path) -> None:
    d: Design = load_design(write(tmp_path, FACTORS, "sobol", "samples = 8"))
    rec = d.to_dict()
    assert rec["method"] == "sobol" and rec["n_points"] == 64
    assert rec["sampler"]["seed"] == d.sampler_seed and "SALib" in rec["sampler"]["implementation"]
    assert len(rec["sha256"]) == 64 and [f["key"] for f in rec["factors"]] == d.names
