"""TOML export: what the explorer saves is read back to the same scenario by the loader."""

from __future__ import annotations

import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim.experiments.scenario import Scenario, load_scenario
from sim.explore import draft as d
from sim.explore.toml_export import dumps, scenario_toml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))


def _sources(scenario: Scenario) -> dict:
    """Catalogue sources, with the file an override came from reduced to "override"."""
    return {
        key: {f: "override" if v.startswith("override:") else v for f, v in fields.items()}
        for key, fields in scenario.catalogue.sources.items()
    }


def _same(a: Scenario, b: Scenario) -> None:
    assert (a.name, a.description) == (b.name, b.description)
    assert a.params == b.params
    assert a.catalogue.blocks == b.catalogue.blocks
    assert _sources(a) == _sources(b)  # an override names its file, which differs
    assert a.instruments == b.instruments


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_round_trips(path, tmp_path):
    draft = d.load_draft(path)
    out = tmp_path / f"{path.stem}.toml"
    out.write_text(scenario_toml(draft.doc, draft.origin, seed=7), encoding="utf-8")
    _same(load_scenario(out), d.validate(draft))


def test_an_edited_scenario_round_trips(tmp_path):
    draft = d.load_draft(ROOT / "scenarios" / "funded_mandate.toml")
    draft = d.set_instrument_value(draft, 0, "deadline", 12)
    draft = d.set_instrument_value(draft, 1, "budget", math.inf)
    draft = d.set_target_blocks(draft, 1, ["eid", "portal"])
    draft = d.add_instrument(draft, "monitoring_benchmarking")
    draft = d.set_country(draft, "synthetic", n_municipalities=50, n_regions=4)
    draft = d.set_meta(draft, name="my.mix-1", description='Quotes " and \\ and ünïcode')
    text = scenario_toml(draft.doc, draft.origin)
    assert "budget = inf" in text and "[[instruments]]" in text
    out = tmp_path / "mine.toml"
    out.write_text(text, encoding="utf-8")
    back = load_scenario(out)
    _same(back, d.validate(draft))
    assert back.instruments[0].params.deadline == 12
    assert back.params.country.n_municipalities == 50


def test_egov_sim_validate_accepts_the_export(tmp_path):
    draft = d.set_instrument_value(d.load_draft(ROOT / "scenarios" / "legislation.toml"), 0,
                                   "deadline", 30)  # fmt: skip
    out = tmp_path / "exported.toml"
    out.write_text(scenario_toml(draft.doc, draft.origin, seed=3), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"ok {out}")


def test_header_comments_and_table_order():
    doc = {
        "instruments": [{"type": "standards", "target": {"blocks": ["eid"]}}],
        "decision": {"peer_weight": 2.0},
        "scenario": {"name": "x", "description": "y"},
    }
    text = dumps(doc, ["first line", "second"])
    lines = text.splitlines()
    assert lines[:2] == ["# first line", "# second"]
    order = [ln for ln in lines if ln.startswith("[")]
    assert order == ["[scenario]", "[decision]", "[[instruments]]", "[instruments.target]"]


def test_values_a_scenario_cannot_hold_are_refused():
    with pytest.raises(TypeError, match="scenario.when"):
        dumps({"scenario": {"when": None}})
    with pytest.raises(TypeError, match="must be a table"):
        dumps({"scenario": 3})


_keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)
_scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)
_values = st.one_of(_scalars, st.lists(st.integers(-5, 5), max_size=4),
                    st.lists(st.text(max_size=5), max_size=3))  # fmt: skip
_tables = st.recursive(
    st.dictionaries(_keys, _values, max_size=4),
    lambda inner: st.dictionaries(_keys, st.one_of(_values, inner), max_size=3),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@example(doc={"0\n": {}}, items=[])  # a bare-key regex ending in "$" accepted "0\n"
@given(doc=st.dictionaries(_keys.filter(lambda k: k != "instruments"), _tables, max_size=4),
       items=st.lists(st.dictionaries(_keys, _values, max_size=3), max_size=3))  # fmt: skip
def test_any_document_of_tables_reads_back_equal(doc, items):
    full = {**doc, "instruments": items} if items else doc
    assert tomllib.loads(dumps(full)) == full
