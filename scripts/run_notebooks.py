r"""Execute the tutorial notebooks, optionally with parameters injected (papermill style).

Each notebook's first code cell is tagged ``parameters``; values given with ``-p`` go
into a new cell tagged ``injected-parameters`` right after it, exactly as papermill
does, so ``papermill`` works on these notebooks too. Notebooks run in their own folder
(as Jupyter runs them) with the ``python3`` kernel, which is the interpreter running
this script when ipykernel is installed in the same environment (the venv).

    .venv/bin/python scripts/run_notebooks.py                  # all, in place, full settings
    .venv/bin/python scripts/run_notebooks.py notebooks/02_compare_tool_mixes.ipynb \\
        -p REPS=8 --out /tmp/nb                                 # reduced, executed copy elsewhere

In place, outputs are what the repository commits: run it after changing a notebook.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 900


def inject(nb: nbformat.NotebookNode, parameters: Mapping[str, Any]) -> None:
    """Insert ``NAME = value`` lines after the cell tagged ``parameters`` (papermill's rule).

    Raises:
        ValueError: Parameters were given but no cell is tagged ``parameters``.
    """
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    if not parameters:
        return
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    if not tagged:
        raise ValueError("no cell is tagged 'parameters'; cannot inject " + ", ".join(parameters))
    source = "# Parameters injected at run time\n" + "".join(
        f"{name} = {value!r}\n" for name, value in parameters.items()
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(tagged[0] + 1, cell)


def execute(
    path: Path, parameters: Mapping[str, Any] | None = None, timeout: int = TIMEOUT
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in its folder; raises on the first failing cell."""
    nb = nbformat.read(path, as_version=4)
    inject(nb, parameters or {})
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )  # fmt: skip
    client.execute()
    return nb


def printed(nb: nbformat.NotebookNode) -> str:
    """All text a notebook printed to stdout, in cell order."""
    return "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )


def key_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    """``NAME=value`` lines printed by a notebook (its key results), as strings."""
    out = {}
    for line in printed(nb).splitlines():
        name, sep, value = line.partition("=")
        if sep and name.isidentifier() and name.isupper():
            out[name] = value.strip()
    return out


def _parameter(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip().isidentifier():
        raise SystemExit(f"run_notebooks: -p {text!r}: expected NAME=VALUE, e.g. REPS=8")
    try:
        return name.strip(), ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name.strip(), value  # a bare word is a string


def main(argv: list[str] | None = None) -> int:
    """Execute notebooks; write them in place or into ``--out``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    ap.add_argument("-p", dest="params", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--out", type=Path, help="write executed copies here (default: in place)")
    args = ap.parse_args(argv)
    params = dict(_parameter(p) for p in args.params)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        started = time.perf_counter()
        nb = execute(path.resolve(), params)
        target = path if args.out is None else args.out / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        print(f"{path.name}: {time.perf_counter() - started:.1f} s -> {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
