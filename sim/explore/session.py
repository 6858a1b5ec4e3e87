"""What one browser session works on: its scenario, its seed, and the model built from them.

SolaraViz rebuilds a model on *Reset* by calling the model's class with the keyword
arguments it was given (``model_params``). :class:`ExplorerModel` is therefore an
:class:`~sim.model.model.EGovModel` whose only constructor argument is a
:class:`Session`: Reset then builds from the session's *current* scenario and seed,
whatever the editor changed since. It adds no behaviour to the model.

Sessions are per browser tab (created inside the page component), never module
globals, because a Solara server serves many tabs from one process.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from sim.experiments.scenario import Scenario, load_scenario
from sim.explore.draft import Draft, blank_draft, load_draft
from sim.model.model import EGovModel

DEFAULT_SEED = 42
DEFAULT_SCENARIO = "funded_mandate"
CURRENT = "current (edited)"


@dataclass
class Session:
    """The scenario and seed a browser tab is exploring (mutable on purpose: see module)."""

    scenario: Scenario
    seed: int = DEFAULT_SEED

    def model(self) -> ExplorerModel:
        """A fresh model of the current scenario and seed, at quarter 0."""
        return ExplorerModel(session=self)


class ExplorerModel(EGovModel):
    """An :class:`EGovModel` built from a :class:`Session` (what SolaraViz's Reset calls).

    Args:
        session: Supplies the validated scenario and the seed; fresh instruments are
            built for every model, since instruments hold per-run state.
        rng: Overrides the session's seed (SolaraViz passes one only if asked to).
    """

    def __init__(self, session: Session, rng: int | None = None) -> None:
        sc = session.scenario
        seed = session.seed if rng is None else rng
        super().__init__(sc.params, sc.catalogue, sc.build_instruments(), rng=seed)
        self.session = session


def scenario_files(folder: Path) -> dict[str, Path]:
    """Scenario files of a folder by name (file stem), sorted by name."""
    return {p.stem: p for p in sorted(Path(folder).glob("*.toml"))}


def initial_draft(folder: Path, name: str = DEFAULT_SCENARIO) -> Draft:
    """The draft a new tab opens with: ``name`` from the folder, else any file, else blank."""
    files = scenario_files(folder)
    for path in [files[name]] if name in files else list(files.values()):
        try:
            return load_draft(path)
        except ValueError:
            continue
    return blank_draft()


def choice_scenario(choice: str, current: Scenario, folder: Path) -> Scenario:
    """The scenario a compare or batch selector names: the edited one, or a file.

    The edited scenario is renamed ``<name>_edited`` when it would share its name
    with a file, because outputs are keyed by scenario name.
    """
    if choice == CURRENT:
        if current.name in scenario_files(folder):
            return dataclasses.replace(current, name=f"{current.name}_edited")
        return current
    files = scenario_files(folder)
    if choice not in files:
        raise ValueError(f"scenario {choice!r} is not allowed; expected one of {list(files)}")
    return load_scenario(files[choice])
