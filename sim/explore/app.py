"""The explorer page: Mesa's SolaraViz with the map and live plots, plus three tabs.

Run it with ``egov-sim explore`` (see :mod:`sim.explore.server`), which serves this
module's :func:`Page` with Solara. SolaraViz supplies the play, pause, step and reset
controls, the step counter and the draggable grid of live components; the scenario
editor, the map and the Compare, Batch and Scenario-file tabs are plain Solara.

The folder of scenario files offered comes from ``EGOV_SIM_SCENARIOS`` (set by the
launcher for the server process only), else ``./scenarios``, else the repository's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import solara
import solara.lab
from mesa.visualization import SolaraViz

from sim.explore import figures, mapview
from sim.explore.draft import validate
from sim.explore.editor import EditorState, ScenarioEditor
from sim.explore.session import ExplorerModel, Session, initial_draft
from sim.explore.tabs import BatchTab, CompareTab, ScenarioFileTab
from sim.listings import REPO_SCENARIOS

TITLE = "egov-sim explorer"
#: Solara orders sidebar cards by the depth of the component that placed them (2**depth);
#: the editor is placed this deep so it comes after SolaraViz's play/step controls.
SIDEBAR_DEPTH = 12


def scenario_folder() -> Path:
    """Where the scenario files offered by the page live."""
    named = os.environ.get("EGOV_SIM_SCENARIOS")
    if named:
        return Path(named)
    here = Path("scenarios")
    return here if here.is_dir() else REPO_SCENARIOS


def _frame(model: ExplorerModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


def NowPanel(model: ExplorerModel) -> solara.Element:
    """The current quarter's headline numbers, in words."""
    df = _frame(model)
    if df.empty:
        text = f"Quarter 0 of {model.params.time.n_quarters}: press Step or ▶."
    else:
        last = df.iloc[-1]
        text = (
            f"Quarter {len(df)} of {model.params.time.n_quarters}: "
            f"municipal adoption {last['adoption_mun']:.1%}, "
            f"population coverage {last['adoption_pop']:.1%}, "
            f"fragmentation {last['fragmentation']:.1%}, "
            f"trust municipal→central {last['trust_mc']:.2f}"
        )
    sc = model.session.scenario
    with solara.Column(gap="4px") as main:
        heading = f"{sc.name} on {sc.params.country.name}, seed {model.session.seed}"
        solara.Text(heading, style={"font-weight": "bold"})
        solara.Text(text, classes=["egov-now"])
    return main


def MapPanel(model: ExplorerModel) -> solara.Element:
    """Municipalities coloured by the chosen block's status, all blocks, or trust."""
    options = mapview.colour_options(list(model.catalogue.keys))
    option = solara.use_reactive(options[0])
    chosen = option.value if option.value in options else options[0]  # a new catalogue
    frame = mapview.map_frame(model)
    title = f"Quarter {model.quarter} (circle area: population)"
    with solara.Column(gap="4px", classes=["egov-map"]) as main:
        solara.Select("colour by", values=options, value=chosen, on_value=option.set, dense=True)
        solara.FigureAltair(mapview.map_chart(frame, chosen, title))
        solara.FileDownload(
            lambda: figures.png_bytes(mapview.map_figure(frame, chosen, title)),
            filename=f"map_q{model.quarter}.png", label="PNG",
        )  # fmt: skip
    return main


def plot_panel(title: str, build: Callable) -> Callable[[ExplorerModel], solara.Element]:
    """A live-plot component for SolaraViz: the figure and its PNG download."""

    def Panel(model: ExplorerModel) -> solara.Element:
        fig = build(_frame(model), list(model.catalogue.keys))
        slug = title.lower().replace(" ", "_")
        with solara.Column(gap="2px", classes=["egov-plot"]) as main:
            solara.FigureMatplotlib(fig, format="png")
            solara.FileDownload(
                lambda: figures.png_bytes(fig), filename=f"{slug}_q{model.quarter}.png",
                label="PNG",
            )  # fmt: skip
        return main

    Panel.__name__ = f"Plot_{title.replace(' ', '_')}"
    return Panel


COMPONENTS = [NowPanel, MapPanel, *(plot_panel(t, b) for t, b in figures.LIVE_PLOTS)]


@solara.component
def Page() -> None:
    """One browser tab: its own session, editor, model and tabs."""
    folder = solara.use_memo(scenario_folder, [])
    first = solara.use_memo(lambda: initial_draft(folder), [])
    session = solara.use_memo(lambda: Session(validate(first)), [])
    start = solara.use_memo(session.model, [])
    state = EditorState(
        draft=solara.use_reactive(first),
        seed=solara.use_reactive(session.seed),
        error=solara.use_reactive(None),
        model=solara.use_reactive(start),
        session=session,
        folder=folder,
    )
    solara.Title(TITLE)
    with solara.lab.Tabs():
        with solara.lab.Tab("Simulate"):
            SolaraViz(state.model, components=COMPONENTS, model_params={"session": session},
                      name=TITLE, play_interval=150)  # fmt: skip
        with solara.lab.Tab("Compare"):
            CompareTab(state)
        with solara.lab.Tab("Batch"):
            BatchTab(state)
        with solara.lab.Tab("Scenario file"):
            ScenarioFileTab(state)
    EditorSidebar(state, SIDEBAR_DEPTH)


@solara.component
def EditorSidebar(state: EditorState, depth: int) -> None:
    """The scenario editor in the sidebar, placed ``depth`` components down (see above)."""
    if depth > 0:
        EditorSidebar(state, depth - 1)
        return
    with solara.Sidebar():
        ScenarioEditor(state)
