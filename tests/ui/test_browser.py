"""Real headless Chromium (Debian's, driven by Playwright) on the widget and the staff console.

One browser for the module; screenshots go to test-artifacts/ for people to look at.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from eval.ocr.generate import invoice_sample
from tests.ui.conftest import (
    ARTIFACTS,
    CHROMIUM,
    HOT_LEAD,
    PASSWORDS,
    XSS,
    XSS_COMPLAINT,
    Server,
    chat_script,
    make_settings,
    start_server,
    stop_server,
)

PHONE = {"width": 390, "height": 844}

sync_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():  # scripts/setup.sh installs it; say so rather than fail obscurely
    pytest.fail("Debian chromium is missing at /usr/bin/chromium: run scripts/setup.sh (apt-get install chromium)",
                pytrace=False)


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("browser"))
    running = start_server(settings)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def test_widget_on_a_phone_answers_cites_checks_an_invoice_and_hands_over(
        server: Server, browser: object, artifacts: Path, tmp_path: Path) -> None:
    page = browser.new_page(viewport=PHONE, locale="zh-CN")  # type: ignore[attr-defined]
    page.set_default_timeout(60_000)
    page.goto(server.url + "/widget/")
    chat = page.locator("#chat")
    page.locator("#msg textarea").fill("科技贷最多能贷多少？")
    page.locator("#send").click()
    chat.get_by_text("1000万元").first.wait_for()
    source = chat.get_by_text("来源 1").first
    source.wait_for()
    source.click()  # sources are collapsed until asked for
    chat.get_by_text("单户授信额度").first.wait_for()
    page.screenshot(path=str(artifacts / "widget-answer.png"), full_page=True)

    pdf = tmp_path / "增值税发票.pdf"
    pdf.write_bytes(invoice_sample(random.Random(21), date.today(), None, as_pdf=True).data)
    with page.expect_file_chooser() as chooser:
        page.locator("#upload").click()
    chooser.value.set_files(str(pdf))
    chat.get_by_text("初步核验结论").first.wait_for(timeout=120_000)
    page.locator("#annotated img").wait_for()
    checklist = page.locator("#checks")
    checklist.get_by_text("核验清单").wait_for()
    assert checklist.locator("li").count() >= 3
    page.screenshot(path=str(artifacts / "widget-invoice.png"), full_page=True)

    page.locator("#msg textarea").fill("你好")
    page.locator("#send").click()
    complain = page.locator("#quick-2")
    complain.wait_for()
    assert complain.inner_text() == "我要投诉"
    complain.click()
    chat.get_by_text("个人信息告知").first.wait_for()
    page.locator("#handover").click()
    chat.get_by_text("正在为您转接人工客服").first.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, "no sideways scrolling on a phone"
    page.screenshot(path=str(artifacts / "widget-handover.png"), full_page=True)
    page.close()


def test_console_login_claim_unmask_and_no_xss(server: Server, browser: object, artifacts: Path) -> None:
    with server.client() as api:
        _, lead = chat_script(api, HOT_LEAD)
        _, complaint = chat_script(api, XSS_COMPLAINT)
    lead_id, ticket = lead["data"]["lead"], complaint["data"]["ticket"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(server.url + "/console/leads")
    assert page.url.endswith("/console/login")  # not logged in: sent to the login page
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "wrong-password")
    page.click("#login")
    page.get_by_text("用户名或密码错误").wait_for()
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORDS["alice"])
    page.click("#login")
    row = page.locator("#leads tr", has_text="杭州明远科技有限公司").first
    row.wait_for()
    assert "139****5678" in row.inner_text() and "13912345678" not in page.content()
    page.screenshot(path=str(artifacts / "console-leads.png"), full_page=True)

    page.click(f"a[href='/console/leads/{lead_id}'] >> nth=0")
    assert page.locator("#mobile").inner_text() == "139****5678"
    page.click("#claim")
    page.get_by_text("已保存").wait_for()
    assert page.locator("#mobile").inner_text() == "13912345678"
    assert page.locator("#credit-code").inner_text() == "91350100M000100Y43"
    assert page.locator("#status").inner_text() == "已认领"
    page.screenshot(path=str(artifacts / "console-lead-claimed.png"), full_page=True)

    page.goto(server.url + f"/console/complaints/{ticket}")
    page.get_by_text(XSS).first.wait_for()  # shown as text …
    assert page.locator("script:has-text('alert')").count() == 0  # … never as markup
    assert page.locator("img[src=x]").count() == 0
    page.screenshot(path=str(artifacts / "console-complaint-xss.png"), full_page=True)

    page.goto(server.url + "/console/dashboard")
    for chart in page.locator(".charts img").all():
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=str(artifacts / "console-dashboard.png"), full_page=True)
    assert dialogs == []
    page.close()


def test_on_a_phone_a_person_is_one_tap_away(server: Server, browser: object) -> None:
    page = browser.new_page(viewport=PHONE, locale="zh-CN")  # type: ignore[attr-defined]
    page.set_default_timeout(60_000)
    page.goto(server.url + "/widget/")
    page.locator("#handover").wait_for()
    box = page.locator("#handover").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], "转人工 without scrolling"
    page.close()


# Accessibility, measured by axe-core (the engine, shipped in axe-playwright-python): the widget on a
# phone and the console on a laptop have no serious or critical violations (WCAG AA contrast, names
# for every control).
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")
BLOCKING = ("serious", "critical")


def blocking_violations(page: object) -> list[str]:
    # Checked on the settled page: while Gradio is still processing an event it draws the pending
    # components at 20% opacity and pulses a border, which axe would read as the page's contrast.
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('.generating, .pending')", timeout=30_000)
    results = axe_sync.Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:4]}"
            for v in results.response["violations"] if v.get("impact") in BLOCKING]


def test_the_widget_on_a_phone_has_no_serious_accessibility_violations(server: Server, browser: object) -> None:
    page = browser.new_page(viewport=PHONE, locale="zh-CN")  # type: ignore[attr-defined]
    page.set_default_timeout(60_000)
    page.goto(server.url + "/widget/")
    page.locator("#msg textarea").fill("科技贷最多能贷多少？")
    page.locator("#send").click()
    page.locator("#chat").get_by_text("1000万元").first.wait_for()
    assert blocking_violations(page) == []
    page.close()


def test_the_console_has_no_serious_accessibility_violations(server: Server, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
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
