"""Library code changes no process-wide state: matplotlib backend, allocator."""

from __future__ import annotations

import os
import subprocess
import sys

from sim.experiments import allocator
from sim.model import memory
from sim.model.model import EGovModel
from sim.model.params import CountryParams, ModelParams, TimeParams

ANALYSIS = [
    "sim.analysis.plots",
    "sim.analysis.figures",
    "sim.analysis.figure_files",
    "sim.analysis.report",
    "sim.analysis.report_figures",
    "sim.analysis.sensitivity_report",
    "sim.api",
    "sim",
]


def _python(code: str, env_backend: str | None = None) -> str:
    env = None
    if env_backend is not None:
        env = {**os.environ, "MPLBACKEND": env_backend}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return out.stdout.strip()


def test_importing_analysis_keeps_the_users_backend_and_skips_pyplot():
    imports = "; ".join(f"import {m}" for m in ANALYSIS)
    code = (
        "import matplotlib, sys; matplotlib.use('svg'); "
        f"{imports}; "
        "print(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules)"
    )
    assert _python(code) == "svg False"


def test_figures_render_and_save_without_pyplot(tmp_path):
    code = (
        "import sys, pandas as pd; from sim.analysis.figures import bands_figure; "
        "from sim.analysis.figure_files import save_figure; "
        "rows = [dict(scenario='a', quarter=q, n_runs=3, **{f'adoption_mun_{s}': 0.1 * q "
        "for s in ('median', 'p10', 'p90')}) for q in range(4)]; "
        f"save_figure(bands_figure(pd.DataFrame(rows), ['adoption_mun']), r'{tmp_path / 'a'}'); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    assert _python(code, env_backend="svg") == "False"
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "a.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_building_and_running_a_large_model_does_not_tune_the_allocator(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "tune_allocator", lambda: calls.append("tune") or True)
    monkeypatch.setattr(allocator, "_enabled", False)
    params = ModelParams(
        country=CountryParams(name="synthetic", n_municipalities=3_000, n_regions=5),
        time=TimeParams(n_quarters=1),
    )
    model = EGovModel(params, rng=1).run()
    assert model.state.n * len(model.catalogue) * 8 >= memory.LARGE_ARRAY_BYTES
    assert calls == []
    allocator.tune_for_model(model)  # not opted in: still nothing
    assert calls == []
    monkeypatch.setattr(allocator, "_enabled", True)  # what the CLI and pool workers do
    allocator.tune_for_model(model)
    assert calls == ["tune"]


def test_the_cli_opts_in(monkeypatch):
    from sim import cli

    monkeypatch.setattr(allocator, "_enabled", False)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    assert cli.main(["scenarios"]) == 0
    assert allocator.enabled()
    assert os.environ["MPLBACKEND"] == "Agg"
