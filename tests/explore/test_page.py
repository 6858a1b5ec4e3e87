"""The explorer page rendered in-process (no browser): editor, rebuilds, errors, file tab.

Solara renders the page into widgets; the test types into them as the browser would.
SolaraViz's grid items are not reachable with ``rc.find``, so they are looked up among
the live widgets by their CSS class.
"""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara
from ipywidgets.widgets.widget import _instances

from sim.explore import app


@solara.component
def shell() -> None:
    with solara.AppLayout():  # provides the sidebar the editor is placed in
        app.Page()


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setenv("EGOV_SIM_SCENARIOS", str(app.REPO_SCENARIOS))
    box, rc = solara.render(shell(), handle_error=False)
    yield rc
    rc.close()


def _by_class(name: str) -> list:
    return [
        w for w in list(_instances.values()) if name in (getattr(w, "class_", "") or "").split()
    ]


def _now() -> str:
    (widget,) = _by_class("egov-now")
    return widget.children[0]


def _type(rc, label: str, text: str) -> None:
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter", None)


def _step(rc) -> None:
    [b for b in rc.find(v.Btn).widgets if b.children == ["Step"]][0].click()


def test_page_renders_controls_map_and_plots(page):
    assert _now().startswith("Quarter 0 of 60")
    labels = [w.label for w in page.find(v.TextField).widgets]
    assert "deadline (quarter)" in labels and "budget (EUR)" in labels
    assert len(_by_class("egov-plot")) == 6 and len(_by_class("egov-map")) == 1
    _step(page)
    assert _now().startswith("Quarter 1 of 60: municipal adoption")


def test_valid_edit_rebuilds_invalid_edit_explains(page):
    _step(page)
    _type(page, "deadline (quarter)", "8")
    assert _now().startswith("Quarter 0 of 60")  # rebuilt from the edited scenario
    assert not _by_class("egov-error")
    (toml,) = [w for w in list(_instances.values()) if getattr(w, "tag", None) == "pre"]
    assert "deadline = 8" in toml.children[0]
    _step(page)
    _type(page, "deadline (quarter)", "4")  # before the mandate's start (8)
    (error,) = _by_class("egov-error")
    message = str(error.children)
    assert "instruments.0.deadline" in message and "start (8)" in message
    assert _now().startswith("Quarter 1 of 60")  # the running model is left alone
    _type(page, "deadline (quarter)", "soon")
    assert "an integer" in str(_by_class("egov-error")[0].children)


def test_a_negative_seed_is_refused(page):
    _type(page, "seed", "-3")
    assert "seed = -3 is not allowed" in str(_by_class("egov-error")[0].children)
    _type(page, "seed", "7")
    assert not _by_class("egov-error")
    assert "seed 7" in str(
        [w.children for w in _instances.values() if getattr(w, "tag", "") == "span"]
    )
