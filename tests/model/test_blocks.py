"""Tests of the building-block catalogue and its loader."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.model.blocks import (
    DEFAULT_PATH,
    FIELDS,
    SOURCED_FIELDS,
    BuildingBlock,
    Catalogue,
    CatalogueError,
    load_catalogue,
    parse_catalogue,
)
from sim.model.fields import ParameterError

EXPECTED = ("eid", "base_registers", "data_exchange", "e_payment", "digital_post", "portal")


def _default_doc() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, str):
        return json.dumps(v)
    return repr(v)


def _dump(doc: dict[str, Any]) -> str:
    """Minimal TOML writer for the catalogue shape ([blocks.<key>] and .sources)."""
    lines = []
    for key, table in doc["blocks"].items():
        lines.append(f"[blocks.{key}]")
        subtables = {k: v for k, v in table.items() if isinstance(v, dict)}
        lines += [f"{k} = {_toml_value(v)}" for k, v in table.items() if k not in subtables]
        for sub, content in subtables.items():
            lines.append(f"[blocks.{key}.{sub}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in content.items()]
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, doc: dict[str, Any], name: str = "bad_blocks.toml") -> Path:
    path = tmp_path / name
    path.write_text(_dump(doc), encoding="utf-8")
    return path


def _load_error(tmp_path: Path, doc: dict[str, Any]) -> str:
    path = _write(tmp_path, doc)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    msg = str(info.value)
    assert "bad_blocks.toml" in msg
    return msg


# --- the default catalogue -------------------------------------------------------------


def test_default_catalogue_loads_seven_blocks_in_topological_order():
    cat = load_catalogue()
    assert len(cat) == 7
    assert set(cat.keys) == {*EXPECTED, "ict_security"}
    for i, block in enumerate(cat):
        for p in block.prerequisites:
            assert cat.index(p) < i
    assert cat.keys == ("eid", "base_registers", "data_exchange", "e_payment", "digital_post",
                        "portal", "ict_security")  # fmt: skip


def test_default_catalogue_is_cached_and_indexable():
    cat = load_catalogue()
    assert load_catalogue() is cat
    assert cat["digital_post"] is cat[cat.index("digital_post")]
    assert isinstance(cat[0], BuildingBlock)
    with pytest.raises(KeyError, match="known blocks"):
        cat.index("nope")


def test_every_value_field_has_a_source():
    cat = load_catalogue()
    for block in cat:
        srcs = cat.sources[block.key]
        assert set(srcs) == set(SOURCED_FIELDS)
        for name in SOURCED_FIELDS:
            assert srcs[name].startswith(
                ("docs/calibration-sources.md", "docs/ODD.md", "assumption:")
            )


def test_default_values_are_in_the_brief_ranges():
    cat = load_catalogue()
    for b in cat:
        assert 2.0 <= b.benefit_per_capita <= 15.0
        assert 2.0 <= b.integration_per_capita <= 6.0
        assert 2 <= b.integration_quarters <= 6
        assert 0.1 <= b.failure_hazard <= 0.25
    assert cat["eid"].platform_live_at_start and cat["eid"].standard_set_at_start
    for k in ("base_registers", "data_exchange"):
        assert 0.5 <= cat[k].spillover_share <= 0.7 and cat[k].once_only
    for k in ("portal", "e_payment"):
        assert 0.1 <= cat[k].spillover_share <= 0.3


def test_prerequisite_matrix_is_transitive():
    cat = load_catalogue()
    base = cat.prerequisite_matrix
    doc = _default_doc()
    doc["blocks"]["eid"]["prerequisites"] = ["ict_security"]
    cat2 = parse_catalogue(doc, "<test>")
    m = cat2.prerequisite_matrix
    assert m.shape == (7, 7) and m.dtype == bool
    assert m[cat2.index("digital_post"), cat2.index("eid")]
    assert m[cat2.index("digital_post"), cat2.index("ict_security")]  # via eid
    assert not m[cat2.index("eid"), cat2.index("digital_post")]
    assert not np.diag(m).any()
    assert base[cat.index("data_exchange"), cat.index("base_registers")]
    assert cat2.keys.index("ict_security") < cat2.keys.index("eid")
    with pytest.raises(ValueError):
        m[0, 0] = True


def test_column_gives_values_in_catalogue_order():
    cat = load_catalogue()
    col = cat.column("benefit_per_capita")
    assert col.tolist() == [b.benefit_per_capita for b in cat]


# --- overrides and subsets -------------------------------------------------------------


def test_with_overrides_replaces_and_records_source():
    cat = load_catalogue()
    new = cat.with_overrides({"digital_post": {"spillover_share": 0.1}}, where="scen.toml")
    assert new["digital_post"].spillover_share == 0.1
    assert cat["digital_post"].spillover_share != 0.1
    assert new.sources["digital_post"]["spillover_share"] == "override: scen.toml"
    assert new.keys == cat.keys


def test_with_overrides_rejects_unknown_block():
    with pytest.raises(CatalogueError) as info:
        load_catalogue().with_overrides({"fax": {"visibility": 0.1}}, where="scen.toml")
    msg = str(info.value)
    assert "scen.toml" in msg and "blocks.fax" in msg and "digital_post" in msg


def test_with_overrides_rejects_unknown_field():
    with pytest.raises(CatalogueError) as info:
        load_catalogue().with_overrides({"portal": {"colour": "red"}}, where="scen.toml")
    msg = str(info.value)
    assert "blocks.portal.colour" in msg and "visibility" in msg and "scen.toml" in msg


def test_with_overrides_rejects_out_of_range_value():
    with pytest.raises(ParameterError) as info:
        load_catalogue().with_overrides({"digital_post": {"spillover_share": 1.5}}, "scen.toml")
    msg = str(info.value)
    assert info.value.key == "blocks.digital_post.spillover_share"
    assert "scen.toml" in msg and "blocks.digital_post.spillover_share" in msg
    assert "1.5" in msg and "[0, 1]" in msg


def test_with_overrides_rejects_a_cycle():
    with pytest.raises(CatalogueError, match="cycle"):
        load_catalogue().with_overrides({"eid": {"prerequisites": ["portal"]}}, "scen.toml")


def test_subset_keeps_prerequisites_closed():
    cat = load_catalogue()
    sub = cat.subset(["digital_post", "eid"])
    assert sub.keys == ("eid", "digital_post")
    assert set(sub.sources) == {"eid", "digital_post"}
    with pytest.raises(CatalogueError) as info:
        cat.subset(["digital_post"])
    assert "blocks.digital_post.prerequisites" in str(info.value) and "'eid'" in str(info.value)
    with pytest.raises(CatalogueError, match="blocks.fax"):
        cat.subset(["fax"])


def test_catalogue_constructor_rejects_duplicates():
    b = load_catalogue()["eid"]
    with pytest.raises(CatalogueError, match="duplicated"):
        Catalogue((b, b))


# --- file errors -----------------------------------------------------------------------


def test_file_cycle(tmp_path):
    doc = _default_doc()
    doc["blocks"]["eid"]["prerequisites"] = ["digital_post"]
    msg = _load_error(tmp_path, doc)
    assert "prerequisites" in msg and "cycle" in msg and "digital_post" in msg and "eid" in msg


def test_file_unknown_prerequisite(tmp_path):
    doc = _default_doc()
    doc["blocks"]["portal"]["prerequisites"] = ["eidx"]
    msg = _load_error(tmp_path, doc)
    assert "blocks.portal.prerequisites" in msg and "'eidx'" in msg and "known blocks" in msg


def test_file_missing_source(tmp_path):
    doc = _default_doc()
    del doc["blocks"]["e_payment"]["sources"]["visibility"]
    msg = _load_error(tmp_path, doc)
    assert "blocks.e_payment.sources.visibility is missing" in msg and "assumption:" in msg


def test_file_bad_source_string(tmp_path):
    doc = _default_doc()
    doc["blocks"]["e_payment"]["sources"]["visibility"] = "I made it up"
    msg = _load_error(tmp_path, doc)
    assert "blocks.e_payment.sources.visibility" in msg and "'I made it up'" in msg


def test_file_missing_sources_table(tmp_path):
    doc = _default_doc()
    del doc["blocks"]["portal"]["sources"]
    msg = _load_error(tmp_path, doc)
    assert "blocks.portal.sources" in msg


def test_file_unknown_field(tmp_path):
    doc = _default_doc()
    doc["blocks"]["portal"]["visibilty"] = 0.5
    msg = _load_error(tmp_path, doc)
    assert "blocks.portal.visibilty" in msg and "0.5" in msg and "visibility" in msg


def test_file_missing_field(tmp_path):
    doc = _default_doc()
    del doc["blocks"]["portal"]["network_exponent"]
    msg = _load_error(tmp_path, doc)
    assert "blocks.portal.network_exponent is missing" in msg and "[0, 3]" in msg


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("platform_cost", "lots", "'lots'"),
        ("integration_quarters", 2.5, "2.5"),
        ("platform_live_at_start", "yes", "'yes'"),
        ("prerequisites", "eid", "'eid'"),
        ("owner", "county", "'county'"),
    ],
)
def test_file_wrong_type(tmp_path, field, value, expected):
    doc = _default_doc()
    doc["blocks"]["digital_post"][field] = value
    msg = _load_error(tmp_path, doc)
    assert f"blocks.digital_post.{field}" in msg and expected in msg and "expected" in msg


def test_file_out_of_bounds(tmp_path):
    doc = _default_doc()
    doc["blocks"]["digital_post"]["spillover_share"] = -0.2
    msg = _load_error(tmp_path, doc)
    assert "blocks.digital_post.spillover_share = -0.2" in msg and "[0, 1]" in msg


def test_file_bad_toml_and_top_level(tmp_path):
    path = tmp_path / "bad_blocks.toml"
    path.write_text("[blocks.eid\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="bad_blocks.toml.*valid TOML"):
        load_catalogue(path)
    doc = copy.deepcopy(_default_doc())
    path = _write(tmp_path, doc, "other.toml")
    path.write_text("version = 2\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CatalogueError, match="other.toml: version"):
        load_catalogue(path)


def test_duplicate_table_is_reported_with_file(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    eid = text[text.index("[blocks.eid]") : text.index("[blocks.base_registers]")]
    path = tmp_path / "bad_blocks.toml"
    path.write_text(text + "\n" + eid, encoding="utf-8")
    with pytest.raises(CatalogueError, match="bad_blocks.toml"):
        load_catalogue(path)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(CatalogueError, match="nowhere.toml"):
        load_catalogue(tmp_path / "nowhere.toml")


def test_all_fields_are_declared_with_units():
    assert all("unit" in f.metadata for f in FIELDS.values())
