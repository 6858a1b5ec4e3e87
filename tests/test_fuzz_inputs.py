"""Property: any mutation of a valid scenario or design file runs, or fails in one line.

Hypothesis deletes, renames and retypes keys and values of a valid scenario and a
valid design (structurally, through TOML), and flips, deletes, inserts and cuts
bytes of the files. Each mutant goes through the real command line, in process
(``sim.cli.main``), on a tiny synthetic country so a valid mutant runs in a fraction
of a second. It must either finish (exit 0, every run ok) or stop with exit 1 or 2
and exactly one line on stderr that names the file, never a traceback.

``EGOV_FUZZ_EXAMPLES=500 pytest tests/test_fuzz_inputs.py`` explores further; CI
runs the bounded, derandomised default.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main

SCENARIO = """\
[scenario]
name = "fuzz"
description = "fuzz base: a mandate with money on a small synthetic country"

[country]
name = "synthetic"
n_municipalities = 12
n_regions = 2

[time]
n_quarters = 4

[decision]
peer_weight = 1.0

[blocks.digital_post]
spillover_share = 0.6

[[instruments]]
type = "legislation"
start = 1
deadline = 3
[instruments.target]
blocks = ["digital_post", "portal"]
levels = ["municipal"]

[[instruments]]
type = "financial_incentive"
start = 0
share = 0.5
[instruments.target]
blocks = ["digital_post"]
"""

DESIGN = """\
[design]
name = "fuzz"
method = "factorial"
scenarios = ["fuzz.toml"]
reps = 1
seed = 5

[factors."decision.peer_weight"]
values = [0.5, 2.0]

[factors."time.n_quarters"]
type = "int"
min = 3
max = 5
levels = 2
"""

EXAMPLES = int(os.environ.get("EGOV_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="EGOV_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
QUIET = ["--workers", "1", "--no-report", "--no-progress"]

# Values small enough that a mutant that validates still runs in well under a second.
SCALARS = st.sampled_from(
    [-1, 0, 1, 2, 3, 2**63, 10**30, -0.5, 0.0, 0.5, 1.5, 1e308, math.inf, math.nan,
     True, False, "", "x", "denmark", "synthetic", "legislation", "lhs", "morris", "0",
     "fuzz.toml", "municipal", "digital_post"]
)  # fmt: skip
VALUES = st.one_of(
    SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.sampled_from(["a", "min"]), SCALARS)
)
NAMES = st.sampled_from(["name", "x", "start", "n_quarters", "type", "", "levels", "reps", "é"])


def toml_text(doc: dict[str, Any], prefix: str = "") -> str:
    """A small TOML writer (scalars, lists, tables, arrays of tables) for the mutants."""
    lines, tables = [], []
    for key, value in doc.items():
        name = f"{prefix}.{json.dumps(key)}" if prefix else json.dumps(key)
        if isinstance(value, dict):
            tables.append(f"[{name}]\n{toml_text(value, name)}")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables += [f"[[{name}]]\n{toml_text(v, name)}" for v in value]
        else:
            lines.append(f"{json.dumps(key)} = {_value(value)}")
    return "\n".join([*lines, *tables]) + "\n"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every key path (tables, arrays of tables and leaves) of a parsed document."""
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list) and all(isinstance(v, dict) for v in node):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def mutate_structure(text: str, data: st.DataObject) -> str:
    """Delete, rename or retype one key (table, array element or leaf) of a TOML text."""
    doc = tomllib.loads(text)
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    op = data.draw(st.sampled_from(["delete", "rename", "retype"]), label="op")
    if isinstance(parent, list):
        op = "delete" if op == "rename" else op
    if op == "delete":
        del parent[last]
    elif op == "rename":
        parent[data.draw(NAMES, label="name")] = parent.pop(last)
    else:
        parent[last] = data.draw(VALUES, label="value")
    return toml_text(doc)


def mutate_bytes(raw: bytes, data: st.DataObject) -> bytes:
    """Flip, delete or insert one byte, or cut the file short."""
    if not raw:
        return raw
    pos = data.draw(st.integers(0, len(raw) - 1), label="pos")
    op = data.draw(st.sampled_from(["flip", "delete", "insert", "cut"]), label="op")
    if op == "flip":
        return raw[:pos] + bytes([raw[pos] ^ data.draw(st.integers(1, 255))]) + raw[pos + 1 :]
    if op == "delete":
        return raw[:pos] + raw[pos + 1 :]
    if op == "insert":
        extra = data.draw(
            st.sampled_from([b"9", b"0", b"-", b".", b"=", b"[", b'"', b"\n", b"\xff"])
        )
        return raw[:pos] + extra + raw[pos:]
    return raw[:pos]


def mutant(text: str, data: st.DataObject) -> bytes:
    """One to three mutations in a row; structural ones only while the text still parses."""
    raw = text.encode()
    for structural in data.draw(st.lists(st.booleans(), min_size=1, max_size=3), label="kinds"):
        try:
            parsed = structural and bool(tomllib.loads(raw.decode()))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            parsed = False
        raw = mutate_structure(raw.decode(), data).encode() if parsed else mutate_bytes(raw, data)
        if not raw:
            break
    return raw


def outcome(argv: list[str], files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    """The property: exit 0 with every run ok, or exit 1/2 with one line naming a file."""
    rc = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err + out
    if rc == 0:
        assert "0 failed" in out, out
        return
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert rc in (1, 2) and len(lines) == 1, err
    assert any(f.name in lines[0] for f in files), lines[0]


@pytest.fixture
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _fresh(folder: Path) -> Path:
    n = len(list(folder.iterdir()))
    case = folder / f"case{n}"
    case.mkdir()
    return case


def test_base_files_are_valid_and_run(workdir, capsys):
    (workdir / "fuzz.toml").write_text(SCENARIO)
    (workdir / "design.toml").write_text(DESIGN)
    outcome(["compare", str(workdir / "fuzz.toml"), "--reps", "1", *QUIET, "--out",
             str(workdir / "a")], [workdir / "fuzz.toml"], capsys)  # fmt: skip
    outcome(["sweep", str(workdir / "design.toml"), *QUIET, "--out", str(workdir / "b")],
            [workdir / "design.toml"], capsys)  # fmt: skip


@FUZZ
@given(data=st.data())
def test_mutated_scenario_runs_or_fails_in_one_line(workdir, capsys, data):
    case = _fresh(workdir)
    path = case / "fuzz.toml"
    path.write_bytes(mutant(SCENARIO, data))
    argv = ["compare", str(path), "--reps", "1", *QUIET, "--out", str(case / "out")]
    outcome(argv, [path], capsys)


@FUZZ
@given(data=st.data())
def test_mutated_design_runs_or_fails_in_one_line(workdir, capsys, data):
    case = _fresh(workdir)
    (case / "fuzz.toml").write_text(SCENARIO)
    path = case / "design.toml"
    path.write_bytes(mutant(DESIGN, data))
    argv = ["sweep", str(path), *QUIET, "--out", str(case / "out")]
    outcome(argv, [path, case / "fuzz.toml"], capsys)
