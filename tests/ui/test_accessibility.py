"""Accessibility, measured by axe-core (the engine, shipped in axe-playwright-python) in real Chromium.

The widget on a phone and the staff console on a laptop must have no serious or critical
violations: contrast (WCAG AA), labelled controls, names for buttons and inputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import PASSWORDS, Server, make_settings, start_server, stop_server
from tests.ui.test_browser import ARGS, CHROMIUM, PHONE, sync_api

axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(make_settings(demo_data_dir, tmp_path_factory.mktemp("a11y")))
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def page_of() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


def blocking_violations(page: object) -> list[str]:
    results = axe_sync.Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:4]}"
            for v in results.response["violations"] if v.get("impact") in BLOCKING]


def test_the_widget_on_a_phone_has_no_serious_accessibility_violations(server: Server, page_of: object) -> None:
    page = page_of.new_page(viewport=PHONE, locale="zh-CN")  # type: ignore[attr-defined]
    page.set_default_timeout(60_000)
    page.goto(server.url + "/widget/")
    page.locator("#msg textarea").fill("科技贷最多能贷多少？")
    page.locator("#send").click()
    page.locator("#chat").get_by_text("1000万元").first.wait_for()
    assert blocking_violations(page) == []
    page.close()


def test_the_console_has_no_serious_accessibility_violations(server: Server, page_of: object) -> None:
    page = page_of.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    page.goto(server.url + "/console/login")
    assert blocking_violations(page) == []
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORDS["alice"])
    page.click("#login")
    page.locator("#leads").wait_for()
    assert blocking_violations(page) == []
    for view in ("/console/complaints", "/console/dashboard"):
        page.goto(server.url + view)
        assert blocking_violations(page) == [], view
    page.close()
