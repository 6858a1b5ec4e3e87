"""Imports only point down the layers, and no two modules import each other.

The layers, bottom to top (docs/architecture.md, "Layers"):

    errors  <  model  <  instruments  <  experiments  <  analysis  <  api  <  cli

A module may import its own layer and any layer below; ``sim/errors.py`` is a leaf
everyone may import and that imports nothing from the package. Every import counts,
function-level ones included (they run too, and hide cycles); imports under
``if TYPE_CHECKING:`` do not (they never run). The scan reads the source (AST), so
it needs no import of the package and sees code paths tests never execute.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"

LAYERS = ("errors", "model", "instruments", "experiments", "analysis", "api", "cli")

#: Modules outside the sub-packages, by layer. The package ``sim`` (its lazy public
#: names), ``sim.api``, ``sim.run_one`` and the listings printed by the CLI are the
#: API face; the command line, the browser app (``sim.explore``) and the generators
#: of docs/ODD.md and docs/instruments.md (with the effect table's rows and runs) sit on
#: top beside it.
TOP_LEVEL = {
    "sim": "api",
    "sim.api": "api",
    "sim.run_one": "api",
    "sim.listings": "api",
    "sim.errors": "errors",
    "sim.__main__": "cli",
    "sim.cli": "cli",
    "sim.cli_experiments": "cli",
    "sim.cli_options": "cli",
    "sim.cli_explore": "cli",
    "sim.docs_tables": "cli",
    "sim.docs_country": "cli",
    "sim.docs_instruments": "cli",
    "sim.docs_effects": "cli",
    "sim.effects_catalogue": "cli",
    "sim.effects_runs": "cli",
}
PACKAGES = {
    "sim.model": "model",
    "sim.instruments": "instruments",
    "sim.experiments": "experiments",
    "sim.analysis": "analysis",
    "sim.explore": "cli",
}

#: Known violations (none since the reorganisation of sim/model, issue 12). The
#: test fails when one of them no longer exists, so the list can only shrink.
KNOWN_UPWARD: set[tuple[str, str]] = set()
KNOWN_CYCLES: set[frozenset[str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def layer_of(module: str) -> str:
    """The layer of a module of the package; every module must have one."""
    if module in TOP_LEVEL:
        return TOP_LEVEL[module]
    for package, layer in PACKAGES.items():
        if module == package or module.startswith(package + "."):
            return layer
    raise AssertionError(f"{module} has no layer: add it to TOP_LEVEL or PACKAGES")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skip


def _resolve(module: str, node: ast.ImportFrom, importer: str) -> str:
    if not node.level:
        return module
    base = importer.split(".")
    if MODULES[importer].name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([module] if module else [])])


def imports_of(module: str) -> Iterator[tuple[str, int]]:
    """(imported module of the package, line) for every import that runs."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module or "", node, module)
            # ``from sim.model import memory`` imports the module sim.model.memory.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]  # fmt: skip
        else:
            continue
        for target in targets:
            if target == "sim" or target.startswith("sim."):
                yield target, node.lineno


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module in MODULES:
        for target, line in imports_of(module):
            assert target in MODULES, f"{module}:{line} imports {target}, which does not exist"
            if target != module:
                graph.add_edge(module, target, line=line)
    return graph


def upward_imports(graph: nx.DiGraph) -> set[tuple[str, str]]:
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    return {
        (a, b) for a, b in graph.edges if rank[layer_of(b)] > rank[layer_of(a)]
    }  # fmt: skip


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_imports_only_point_down():
    graph = import_graph()
    found = upward_imports(graph)
    new = sorted(found - KNOWN_UPWARD)
    lines = [
        f"{a}:{graph.edges[a, b]['line']} ({layer_of(a)}) imports {b} ({layer_of(b)})"
        for a, b in new
    ]
    assert not lines, "imports pointing up the layers:\n" + "\n".join(lines)
    stale = sorted(KNOWN_UPWARD - found)
    assert not stale, f"fixed, remove from KNOWN_UPWARD: {stale}"


def test_no_import_cycles():
    graph = import_graph()
    cycles = {frozenset(c) for c in nx.strongly_connected_components(graph) if len(c) > 1}
    new = [sorted(c) for c in cycles - KNOWN_CYCLES]
    shown = []
    for members in new:
        cycle = nx.find_cycle(graph.subgraph(members))
        shown.append(" -> ".join(f"{a} (line {graph.edges[a, b]['line']})" for a, b in cycle))
    assert not shown, "import cycles:\n" + "\n".join(shown)
    stale = [sorted(c) for c in KNOWN_CYCLES - cycles]
    assert not stale, f"fixed, remove from KNOWN_CYCLES: {stale}"


def test_errors_is_a_leaf():
    assert list(imports_of("sim.errors")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from sim.analysis import plots\n", {"sim.analysis.plots"}),
        ("def f():\n    import sim.api\n", {"sim.api"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sim.api\n", set()),
        ("from sim.experiments.runner import run_one\n", {"sim.experiments.runner"}),
    ],
)
def test_the_scan_sees_function_level_imports_and_skips_type_checking(
    tmp_path, monkeypatch, source, expected
):
    fake = tmp_path / "probe.py"
    fake.write_text(source, encoding="utf-8")
    monkeypatch.setitem(MODULES, "sim.probe", fake)
    assert {t for t, _ in imports_of("sim.probe")} == expected
