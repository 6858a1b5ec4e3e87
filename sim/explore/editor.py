"""The scenario editor: pick a file or a country, edit instruments, set the seed.

Every valid edit rebuilds the model at quarter 0 at once (so a changed deadline shows
in the plots as soon as the model is stepped again); an invalid one leaves the running
model alone and shows the loader's one-line message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solara

from sim.explore import draft as drafts
from sim.explore.session import ExplorerModel, Session, scenario_files
from sim.model.params import CountryParams

COUNTRIES = list(dataclasses.fields(CountryParams)[0].metadata["choices"])
MAX_SYNTHETIC = 5_000  # the map stays responsive; larger countries belong to batches


@dataclass
class EditorState:
    """A browser tab's reactive state and the one way to change it (:meth:`apply`)."""

    draft: solara.Reactive[drafts.Draft]
    seed: solara.Reactive[int]
    error: solara.Reactive[str | None]
    model: solara.Reactive[ExplorerModel]
    session: Session
    folder: Path

    def apply(self, new: drafts.Draft | None = None, seed: int | None = None) -> None:
        """Keep the edit; if the scenario validates, rebuild the model from it."""
        if new is not None:
            self.draft.set(new)
        if seed is not None:
            self.seed.set(seed)
        try:
            if self.seed.value < 0:
                raise ValueError(
                    f"seed = {self.seed.value} is not allowed; expected an integer >= 0"
                )
            scenario = drafts.validate(self.draft.value)
            model = Session(scenario, self.seed.value).model()
        except ValueError as err:
            self.error.set(" ".join(str(err).split()))
            return
        self.error.set(None)
        self.session.scenario = scenario
        self.session.seed = self.seed.value
        self.model.set(model)

    def edit(self, change: Callable[[drafts.Draft], drafts.Draft]) -> None:
        """Apply ``change`` to the draft; a rejected edit shows its message instead."""
        try:
            new = change(self.draft.value)
        except ValueError as err:
            self.error.set(" ".join(str(err).split()))
            return
        self.apply(new)


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return "inf" if value == float("inf") else f"{value:g}"
    return str(value)


@solara.component
def InstrumentCard(state: EditorState, index: int, blocks: list[str]) -> None:
    """One instrument: its main settings, its target blocks, and a remove button."""
    draft = state.draft.value
    table = draft.instruments[index]
    kind = table["type"]
    with solara.Card(f"{index + 1}. {kind.replace('_', ' ')}", margin=0, classes=["mb-2"]):
        with solara.GridFixed(columns=2, row_gap="14px", column_gap="10px"):
            for info in drafts.instrument_fields(kind):
                value = drafts.instrument_value(draft, index, info.name)
                key = f"instruments.{index}.{info.name}"

                def on_text(
                    text: str | None, info: drafts.FieldInfo = info, key: str = key
                ) -> None:
                    state.edit(
                        lambda d: drafts.set_instrument_value(
                            d, index, info.name, drafts.parse_number(text or "", info.kind, key)
                        )
                    )

                solara.InputText(
                    f"{info.name} ({info.unit})", value=_shown(value), on_value=on_text,
                    dense=True,
                )  # fmt: skip
        solara.SelectMultiple(
            "target blocks (none: all)",
            values=drafts.target_blocks(draft, index),
            all_values=blocks,
            on_value=lambda chosen: state.edit(
                lambda d: drafts.set_target_blocks(d, index, chosen)
            ),
            dense=True,
            classes=["mt-5"],
        )
        solara.Button(
            "Remove", text=True, color="error",
            on_click=lambda: state.edit(lambda d: drafts.remove_instrument(d, index)),
        )  # fmt: skip


@solara.component
def CountryPicker(state: EditorState) -> None:
    """Country preset, or a synthetic country of a chosen size."""
    country = state.draft.value.country
    name = country.get("name", "denmark")
    defaults = CountryParams()

    def choose(new: str) -> None:
        state.edit(lambda d: drafts.set_country(d, new))

    solara.Select("Country", values=COUNTRIES, value=name, on_value=choose)
    if name == "synthetic":
        with solara.Row():
            solara.InputInt(
                f"municipalities (≤{MAX_SYNTHETIC})",
                value=country.get("n_municipalities", defaults.n_municipalities),
                on_value=lambda n: state.edit(
                    lambda d: drafts.set_country(d, "synthetic", min(n, MAX_SYNTHETIC))
                ),
            )
            solara.InputInt(
                "regions",
                value=country.get("n_regions", defaults.n_regions),
                on_value=lambda n: state.edit(
                    lambda d: drafts.set_country(d, "synthetic", None, n)
                ),
            )


@solara.component
def ScenarioEditor(state: EditorState) -> None:
    """The sidebar card: file, country, seed, instruments, and the validation message."""
    files = scenario_files(state.folder)
    draft = state.draft.value
    new_kind = solara.use_reactive("legislation")

    def pick(name: str) -> None:
        state.edit(lambda _d: drafts.load_draft(files[name]))

    with solara.Card("Scenario", margin=0):
        current = Path(draft.origin).stem if draft.origin != "new" else None
        solara.Select("Scenario file", values=list(files), value=current, on_value=pick)
        solara.InputText(
            "name", value=draft.name,
            on_value=lambda text: state.edit(lambda d: drafts.set_meta(d, name=text)),
        )  # fmt: skip
        CountryPicker(state)
        solara.InputInt("seed", value=state.seed.value, on_value=lambda s: state.apply(seed=s))
        if state.error.value:
            solara.Error(state.error.value, dense=True, classes=["egov-error"])
        blocks = list(state.session.scenario.catalogue.keys)
        for i in range(len(draft.instruments)):
            InstrumentCard(state, i, blocks)
        with solara.Row():
            solara.Select("instrument", values=drafts.instrument_types(), value=new_kind)
            solara.Button(
                "Add", color="primary", outlined=True,
                on_click=lambda: state.edit(lambda d: drafts.add_instrument(d, new_kind.value)),
            )  # fmt: skip
