"""Plain-text listings of the registered instruments and the shipped scenarios.

Generated from the code (the registry and the parameter declarations) and the
scenario files themselves, so ``egov-sim instruments`` and ``egov-sim scenarios``
can never drift from what the model accepts.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sim.model.fields import field_table

REPO_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _fmt(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e5:
        return f"{value:.3g}"
    return str(value)


def instruments_text() -> str:
    """Every registered instrument, from the most to the least formal, with parameters."""
    from sim.instruments.base import REGISTRY, InstrumentParams, instrument_class

    instrument_class("legislation")  # loads the registry
    common = {f.name for f in dataclasses.fields(InstrumentParams)}
    lines = ["Common to every instrument (see docs/instruments.md):"]
    lines += _param_lines(InstrumentParams, common)
    lines.append(
        "  target                 levels, blocks, size_classes, regions ([instruments.target])"
    )
    for cls in sorted(REGISTRY.values(), key=lambda c: (c.formality_rank, c.name)):
        summary = (cls.__doc__ or "").strip().splitlines()[0]
        lines += ["", f"{cls.name}  (formality rank {cls.formality_rank}; {cls.oecd_type})"]
        lines.append(f"  {summary}")
        own = {f.name for f in dataclasses.fields(cls.Params)} - common
        lines += _param_lines(cls.Params, own)
    return "\n".join(lines)


def _param_lines(cls: type, names: set[str]) -> list[str]:
    rows = [r for r in field_table(cls) if r["name"] in names]
    return [
        f"  {r['name']:<22} {_fmt(r['default']):<12} {r['allowed']:<36} {r['doc']}" for r in rows
    ]


def scenarios_text(folder: Path | None = None) -> str:
    """One line per scenario file: name and description, validated by the loader."""
    from sim.experiments.scenario import load_scenario

    here = Path("scenarios")
    folder = folder or (here if here.is_dir() else REPO_SCENARIOS)
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        return f"no scenario files in {folder}/"
    width = max(len(p.stem) for p in paths)
    lines = []
    for path in paths:
        sc = load_scenario(path)
        lines.append(f"{sc.name:<{width}}  {sc.description}  ({path})")
    return "\n".join(lines)
