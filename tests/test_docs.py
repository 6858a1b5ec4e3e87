"""docs/ODD.md stays in sync with the code and cites its sources.

The generated sections must equal the generator's output, so a changed default, block
value or instrument setting fails here until ``python -m sim.docs_tables --write
docs/ODD.md`` is run.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from sim import docs_tables
from sim.model import metrics
from sim.model.blocks import load_catalogue
from sim.model.params import PARAM_GROUPS

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
SOURCE_DOCUMENTS = ("OECD2009", "UNeGov", "WeGov", "JoinedUp", "BCS-NZ")


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


@pytest.mark.parametrize("section", list(docs_tables.SECTIONS))
def test_generated_section_equals_generator_output(text, section):
    assert docs_tables.extract(text, section) == docs_tables.render(section), (
        f"docs/ODD.md section {section!r} is out of date: "
        "run python -m sim.docs_tables --write docs/ODD.md"
    )


def test_check_mode_passes_and_detects_drift(tmp_path, text):
    assert docs_tables.main(["--check", str(ODD)]) == 0
    stale = tmp_path / "ODD.md"
    stale.write_text(text.replace("`budget.ict_per_capita` | 75.0", "`budget.ict_per_capita` | 1"))
    assert docs_tables.main(["--check", str(stale)]) == 1
    assert docs_tables.main(["--write", str(stale)]) == 0
    assert stale.read_text() == text


def test_write_without_markers_fails(tmp_path):
    bare = tmp_path / "bare.md"
    bare.write_text("# no markers\n")
    assert docs_tables.main(["--write", str(bare)]) == 2


@pytest.mark.parametrize("group", list(PARAM_GROUPS))
def test_every_parameter_group_and_field_appears(text, group):
    section = docs_tables.extract(text, "parameters")
    assert f"#### `{group}`:" in section
    for f in dataclasses.fields(PARAM_GROUPS[group]):
        assert f"`{group}.{f.name}`" in section


def test_every_block_and_source_appears(text):
    section = docs_tables.extract(text, "blocks")
    cat = load_catalogue()
    for key in cat.keys:
        assert f"`{key}`" in section
    for blk in cat:
        for src in cat.sources[blk.key].values():
            assert docs_tables.cell(src) in section


@pytest.mark.parametrize("key", SOURCE_DOCUMENTS)
def test_every_source_document_is_listed_and_used(text, key):
    refs = text.index("## 12. References")
    assert f"**[{key}]**" in text[refs:]
    assert f"[{key}]" in text[:refs], f"[{key}] is listed in §12 but never cited"


def test_every_reference_key_is_defined(text):
    refs = text[text.index("## 12. References") :]
    used = set(re.findall(r"\[([A-Za-z][A-Za-z0-9-]+)\]", text))
    defined = set(re.findall(r"\*\*\[([A-Za-z][A-Za-z0-9-]+)\]\*\*", refs))
    assert defined >= {"OECD2009", "UNeGov", "WeGov", "JoinedUp", "BCS-NZ"}
    assert used - {"data", "S", "GK", "D"} <= defined


def test_every_output_is_documented(text):
    outputs = text[text.index("## 9. Outputs") : text.index("## 10.")]
    for name in metrics.SCALAR_METRICS:
        if not name.startswith("maturity_") or name == "maturity_mean":
            assert f"`{name}`" in outputs
    for name in metrics.BLOCK_METRICS:
        assert f"`{name}__<block>`" in outputs


def test_odd_sections_in_order(text):
    heads = re.findall(r"^## (\d+)\. ", text, flags=re.MULTILINE)
    assert heads == [str(i) for i in range(1, 13)]


def test_instruments_reference_is_generated_from_the_registry():
    """docs/instruments.md equals what the registry renders (no drift)."""
    from sim import docs_instruments

    path = Path(__file__).resolve().parents[1] / "docs" / "instruments.md"
    assert path.read_text(encoding="utf-8") == docs_instruments.render()
    assert docs_instruments.main(["--check", str(path)]) == 0
