"""The explorer in headless Debian Chromium, offline: `egov-sim explore` as a user starts it.

Needs /usr/bin/chromium (`.ci/run` installs Debian's package) and pip playwright, which
drives that browser through ``executable_path`` (never ``playwright install``). Every
request that would leave 127.0.0.1 is aborted and counted; the page must make none.

Set ``EGOV_SIM_UPDATE_SCREENSHOT=1`` to also write the README's docs/img/explorer.png.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sim.experiments.scenario import load_scenario
from sim.explore.server import free_port, url_of
from sim.model.model import EGovModel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]  # fmt: skip
SEED = 42
NOW = re.compile(r"Quarter (\d+) of 60: municipal adoption ([\d.]+%)")
TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`egov-sim explore` on a free loopback port; stopped (with its child) afterwards."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (Debian package 'chromium'; .ci/run installs it)")
    pytest.importorskip("playwright.sync_api", reason="pip playwright (the explore extra)")
    port = free_port()
    log = tmp_path_factory.mktemp("explore") / "server.log"
    cmd = [sys.executable, "-m", "sim", "explore", "--port", str(port),
           "--scenarios", str(ROOT / "scenarios")]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    try:
        url = url_of("127.0.0.1", port)
        deadline = time.monotonic() + 180
        while f"open {url}" not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "server not ready in 180 s:\n" + log.read_text()
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()  # egov-sim stops its Solara child on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        with contextlib.suppress(ProcessLookupError):  # anything left in its session goes too
            os.killpg(proc.pid, signal.SIGKILL)


def _expected(deadline: int) -> list[str]:
    """Municipal adoption by quarter as the page prints it, computed without the page."""
    sc = load_scenario(ROOT / "scenarios" / "funded_mandate.toml",
                       [f"instruments.0.deadline={deadline}"])  # fmt: skip
    model = EGovModel(sc.params, sc.catalogue, sc.build_instruments(), rng=SEED).run()
    return [f"{v:.1%}" for v in model.datacollector.model_vars["adoption_mun"]]


def _now(page) -> tuple[int, str]:
    text = page.locator(".egov-now").inner_text()
    match = NOW.search(text)
    return (int(match.group(1)), match.group(2)) if match else (0, "")


def _wait_for(condition, what: str, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.3)


def _check_loaded(page) -> bytes:
    """SolaraViz controls, the map (vega) and six live plots; returns the first plot's pixels."""
    page.get_by_role("button", name="Step").wait_for()
    assert "Quarter 0 of 60" in page.locator(".egov-now").inner_text()
    page.locator(".egov-map .vega-embed").first.wait_for()
    _wait_for(lambda: page.locator(".egov-plot img").count() >= 6, "six live plots")
    before = page.locator(".egov-plot img").first.screenshot()
    page.get_by_role("button", name="Step").click()  # one Step moves the clock
    page.get_by_text("Time: 1.0").wait_for()
    return before


def _edit_deadline_and_play(page, before: bytes) -> None:
    """Deadline 24 -> 8 rebuilds the model; playing shows the edited model's adoption."""
    field = page.get_by_label("deadline (quarter)")
    field.fill("8")
    field.press("Enter")
    _wait_for(lambda: "Quarter 0 of 60" in page.locator(".egov-now").inner_text(),
              "the model rebuilt at quarter 0")  # fmt: skip
    page.get_by_role("button", name="▶").click()
    _wait_for(lambda: _now(page)[0] >= 14, "quarter 14", timeout=240)
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="Step").wait_for(state="visible")
    time.sleep(2)
    quarter, shown = _now(page)
    early, late = _expected(8), _expected(24)
    assert early[quarter - 1] != late[quarter - 1]  # the edit matters by then
    assert shown == early[quarter - 1], (quarter, shown, early, late)
    plot = page.locator(".egov-plot img").first
    _wait_for(lambda: plot.screenshot() != before, "the adoption plot to change")


def _screenshot(page, tmp_path: Path) -> None:
    """Save the page; with EGOV_SIM_UPDATE_SCREENSHOT=1 play on and update the README's."""
    update = os.environ.get("EGOV_SIM_UPDATE_SCREENSHOT") == "1"
    if update:  # the README's picture: later in the run, when there is more to see
        page.get_by_role("button", name="▶").click()
        _wait_for(lambda: _now(page)[0] >= 36, "quarter 36", timeout=400)
        page.get_by_role("button", name="❚❚").click()
        time.sleep(3)
    page.screenshot(path=str(tmp_path / "explorer.png"))
    assert (tmp_path / "explorer.png").stat().st_size > 20_000
    if update:
        (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / "explorer.png", ROOT / "docs" / "img" / "explorer.png")


def _check_tabs(page) -> None:
    """Compare shows two series; Batch runs replicates; the scenario file has the edit."""
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("button", name=re.compile("Run both")).click()
    series = page.locator(".egov-series")
    _wait_for(lambda: series.count() == 2, "two compared series")
    names = [t.split(":")[0] for t in series.all_inner_texts()]
    assert names == ["baseline", "funded_mandate_edited"]
    page.get_by_role("tab", name="Batch").click()
    reps = page.get_by_label(re.compile(r"replicates"))
    reps.fill("3")
    reps.press("Enter")
    page.get_by_role("button", name="Run batch").click()
    result = page.get_by_text(re.compile("Final paired difference funded_mandate_edited"))
    result.wait_for()
    assert "3 pairs" in result.inner_text()
    page.get_by_role("tab", name="Scenario file").click()
    page.get_by_text("deadline = 8").first.wait_for()


def test_explorer_offline_end_to_end(server, tmp_path):
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    errors: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", route)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server)
            before = _check_loaded(page)
            _edit_deadline_and_play(page, before)
            _screenshot(page, tmp_path)
            _check_tabs(page)
        finally:
            browser.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert errors == [], f"console errors: {errors}"
