"""The pages in a real browser: Debian's headless Chromium driven by Playwright, against
`frontwatch serve` (a subprocess, on a free loopback port) over the ingested examples.

Skips without Playwright or /usr/bin/chromium, except under FRONTWATCH_REQUIRE_ALL=1 (CI),
where a missing browser fails. Every request the pages make is checked to stay on
loopback; one that would leave it is aborted and fails the test, as does a CSP violation.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from web_support import demo_db_path  # noqa: F401 - fixture

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TIMEOUT_MS = 30_000
DEIR_EZ_ZOR = 'path.place-marker[data-place="Deir ez-Zor"]'


def _required() -> bool:
    return os.environ.get("FRONTWATCH_REQUIRE_ALL", "") not in ("", "0")


def _unavailable(message: str) -> None:
    if _required():
        pytest.fail(f"{message} (FRONTWATCH_REQUIRE_ALL=1: browser tests must run)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    """`frontwatch serve` over the demo database; its base URL."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "frontwatch.cli", "serve", "--db", str(demo_db_path), "--host", "127.0.0.1",
             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"frontwatch serve did not start: {log_path.read_text(encoding='utf-8')[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Watch:
    """Requests that tried to leave loopback (aborted) and CSP violations, for one context."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.csp: list[str] = []
        self.errors: list[str] = []

    def route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or (parts.hostname or "") in LOOPBACK_HOSTS:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp.append(message.text)

    def check(self) -> None:
        assert self.outside == [], f"requests left loopback: {self.outside}"
        assert self.csp == [], f"CSP violations: {self.csp}"
        assert self.errors == [], f"script errors: {self.errors}"


@pytest.fixture()
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    viewport = getattr(request, "param", {"width": 1280, "height": 800})
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    watch = Watch()
    context.route("**/*", watch.route)
    opened = context.new_page()
    opened.on("console", watch.console)
    opened.on("pageerror", lambda error: watch.errors.append(str(error)))
    try:
        yield opened
        watch.check()
    finally:
        context.close()


def _load_map(page: Any, server: str) -> None:
    page.goto(f"{server}/")
    page.wait_for_selector("#map[data-ready='true']")
    assert page.get_attribute("#map", "data-error") is None


def test_map_shows_the_situation_and_the_slider_replays_control(page: Any, server: str, tmp_path: Path) -> None:
    _load_map(page, server)
    situation = page.request.get(f"{server}/api/situation").json()["control"]
    markers = page.locator("path.place-marker")
    assert markers.count() == len(situation) == 10
    assert page.get_attribute(DEIR_EZ_ZOR, "data-controller") == "sdf"
    assert page.get_attribute('path.place-marker[data-place="Aleppo"]', "data-controller") == "opposition"
    assert page.get_attribute('path.place-marker[data-place="Damascus"]', "data-status") == "besieged"
    assert page.locator("path.incident-marker").count() > 10
    assert page.locator("#legend .legend-item").count() >= 4

    shot = tmp_path / "map.png"
    page.screenshot(path=str(shot))
    data = shot.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 20_000

    slider = page.locator("#time")
    slider.focus()
    page.keyboard.press("Home")  # the oldest step: October 2017
    assert page.inner_text("#time-label") == "2017-10"
    assert page.get_attribute(DEIR_EZ_ZOR, "data-controller") == "government"
    assert markers.count() == 3  # Deir ez-Zor, Mayadin, al-Bu Kamal: nothing else dated yet
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#time-label") == "2018"
    assert page.get_attribute('path.place-marker[data-place="Dar‘ā"]', "data-controller") == "government"
    page.keyboard.press("End")
    assert page.inner_text("#time-label") == "latest"
    assert markers.count() == 10 and page.get_attribute(DEIR_EZ_ZOR, "data-controller") == "sdf"

    # the place's ring, left of the incident dots drawn at its centre
    page.locator(DEIR_EZ_ZOR).click(position={"x": 3, "y": 10}, force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "held by sdf" in popup.inner_text()


def test_an_incident_page_highlights_every_source_sentence(page: Any, server: str) -> None:
    _load_map(page, server)
    page.click("#incident-list li a >> nth=0")
    page.wait_for_selector("ol.sources")
    sources = page.locator("ol.sources q").all_inner_texts()
    marks = page.locator("mark.evidence")
    assert marks.count() >= len(sources) >= 1
    highlighted = " ".join(marks.all_inner_texts())
    for evidence in sources:
        assert evidence in highlighted
    assert page.locator(".source-document .doctext").count() >= 1


def test_search_finds_a_place_in_another_spelling(page: Any, server: str) -> None:
    page.goto(f"{server}/")
    page.fill("form.search input[name=q]", "Deir Ezzour")
    page.press("form.search input[name=q]", "Enter")
    page.wait_for_selector("h1:has-text('Search')")
    assert "Deir ez-Zor" in page.inner_text("main")


def test_api_reference_renders_offline(page: Any, server: str) -> None:
    page.goto(f"{server}/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 10
    assert "Frontwatch API" in page.inner_text(".swagger-ui")


@pytest.mark.parametrize("page", [{"width": 390, "height": 844}], indirect=True)
def test_map_page_fits_a_phone(page: Any, server: str) -> None:
    _load_map(page, server)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    map_box = page.locator("#map").bounding_box()
    table_box = page.locator("table.control").bounding_box()
    assert map_box["width"] >= 380 and map_box["height"] >= 300
    assert table_box["y"] >= map_box["y"] + map_box["height"]  # the lists go below the map
