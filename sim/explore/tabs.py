"""The Compare, Batch and Scenario-file tabs of the explorer page."""

from __future__ import annotations

import solara
import solara.lab

from sim.experiments.executors import default_workers
from sim.explore import comparison, figures
from sim.explore.editor import EditorState
from sim.explore.session import CURRENT, choice_scenario, scenario_files
from sim.explore.toml_export import scenario_toml

MAX_REPS = 500


def _choices(state: EditorState) -> list[str]:
    return [CURRENT, *scenario_files(state.folder)]


@solara.component
def PairPickers(
    state: EditorState, first: solara.Reactive[str], second: solara.Reactive[str], label: str
) -> None:
    """Two scenario selectors (the edited scenario or any file)."""
    with solara.Row():
        solara.Select(label, values=_choices(state), value=first)
        solara.Select("against", values=_choices(state), value=second)


@solara.component
def MetricPicker(state: EditorState, metric: solara.Reactive[str]) -> None:
    """A metric selector over the outputs the tabs can draw."""
    blocks = list(state.session.scenario.catalogue.keys)
    choices = comparison.metric_choices(blocks)
    solara.Select("metric", values=list(choices), value=metric)


@solara.component
def CompareTab(state: EditorState) -> None:
    """Two scenarios from the same seed: both series and their difference."""
    first = solara.use_reactive("baseline" if "baseline" in _choices(state) else CURRENT)
    second = solara.use_reactive(CURRENT)
    metric = solara.use_reactive(next(iter(comparison.METRICS.values())))
    result = solara.use_reactive(None)
    error = solara.use_reactive(None)

    def run() -> None:
        try:
            a = choice_scenario(first.value, state.session.scenario, state.folder)
            b = choice_scenario(second.value, state.session.scenario, state.folder)
            result.set(comparison.run_pair(a, b, state.seed.value))
            error.set(None)
        except ValueError as err:
            error.set(str(err))

    with solara.Card("Compare two scenarios on one seed", margin=0):
        PairPickers(state, first, second, "scenario")
        MetricPicker(state, metric)
        solara.Button(f"Run both (seed {state.seed.value})", color="primary", on_click=run)
        if error.value:
            solara.Error(error.value)
        if result.value is not None:
            column = comparison.metric_choices(list(state.session.scenario.catalogue.keys))[
                metric.value
            ]
            fig = figures.compare_figure(result.value, column, metric.value)
            solara.FigureMatplotlib(fig, format="png")
            finals = comparison.final_values(result.value, column)
            with solara.Column(gap="2px"):
                solara.Text("Series (final values):")
                for row in finals.itertuples():
                    value = getattr(row, column)
                    text = f"{row.scenario}: {value:.3f} at quarter {row.quarter + 1}"
                    solara.Text(text, classes=["egov-series"])
            solara.FileDownload(lambda: figures.png_bytes(fig), filename="compare.png", label="PNG")


@solara.component
def BatchTab(state: EditorState) -> None:
    """Replicates through the experiment engine: bands and the paired difference."""
    first = solara.use_reactive("baseline" if "baseline" in _choices(state) else CURRENT)
    second = solara.use_reactive(CURRENT)
    metric = solara.use_reactive(next(iter(comparison.METRICS.values())))
    reps = solara.use_reactive(20)
    workers = solara.use_reactive(min(2, default_workers()))
    progress = solara.use_reactive(0.0)

    def work() -> comparison.BatchResult:
        progress.set(0.0)
        scenarios = [
            choice_scenario(first.value, state.session.scenario, state.folder),
            choice_scenario(second.value, state.session.scenario, state.folder),
        ]
        return comparison.run_batch(
            scenarios, max(1, min(reps.value, MAX_REPS)), state.seed.value,
            max(1, min(workers.value, default_workers())),
            on_progress=lambda done, total: progress.set(100.0 * done / total),
        )  # fmt: skip

    task = solara.lab.use_task(work, dependencies=None, raise_error=False)
    with solara.Card("Batch of replicates (common random numbers)", margin=0):
        PairPickers(state, first, second, "baseline")
        MetricPicker(state, metric)
        with solara.Row():
            solara.InputInt(f"replicates (≤{MAX_REPS})", value=reps)
            solara.InputInt(f"worker processes (≤{default_workers()})", value=workers)
        solara.Button("Run batch", color="primary", on_click=task, disabled=task.pending)
        if task.pending:
            solara.ProgressLinear(progress.value)
            solara.Text(f"{progress.value:.0f}% of runs done")
        elif task.error:
            solara.Error(str(task.error))
        elif task.finished and task.value is not None:
            BatchResults(state, task.value, metric.value)


@solara.component
def BatchResults(state: EditorState, result: comparison.BatchResult, label: str) -> None:
    """Bands, paired difference and the final paired difference with its CI."""
    column = comparison.metric_choices(list(state.session.scenario.catalogue.keys))[label]
    summary, series, final = comparison.batch_tables(result, column)
    fig = figures.batch_figure(summary, series, column, label)
    solara.FigureMatplotlib(fig, format="png")
    for row in final.itertuples():
        solara.Text(
            f"Final paired difference {row.scenario} − {result.baseline}: "
            f"{row.mean_diff:+.3f} (95% CI {row.ci_low:+.3f} to {row.ci_high:+.3f}, "
            f"{row.n_pairs} pairs, p = {row.p_value:.3g})"
        )
    solara.FileDownload(lambda: figures.png_bytes(fig), filename="batch.png", label="PNG")
    solara.Text(
        "To keep a batch on disk (resumable, with provenance), save the scenario file and run "
        f"`egov-sim compare BASELINE.toml SCENARIO.toml --reps {result.reps} --seed {result.seed}`."
    )


@solara.component
def ScenarioFileTab(state: EditorState) -> None:
    """The edited scenario as a TOML file that ``egov-sim validate`` accepts."""
    draft = state.draft.value
    text = scenario_toml(draft.doc, draft.origin, state.seed.value)
    with solara.Card("Scenario file", margin=0):
        if state.error.value:
            solara.Warning(f"Not valid yet: {state.error.value}")
        solara.FileDownload(
            text, filename=f"{draft.name or 'scenario'}.toml", label="Download TOML",
            mime_type="application/toml",
        )  # fmt: skip
        solara.Preformatted(text)
