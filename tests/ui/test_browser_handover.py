"""The hand-over round trip in real headless Chromium (issue 11): a client on a phone-sized widget, a
staff member in the console. The client asks for a person; staff see it appear in the live list, claim
it and reply; the reply reaches the phone within 2 s; the client's answer reaches the console; the bot
stays silent; after a reload the conversation is still there; release → the bot answers again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import ARGS, ARTIFACTS, CHROMIUM, PASSWORDS, Server, make_settings, start_server, stop_server
from tests.ui.inbox_helpers import MovableClock
from tests.ui.test_browser import PHONE, blocking_violations

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("browser-inbox"))
    running = start_server(settings, clock=MovableClock())  # business hours, whatever the wall clock says
    yield running
    stop_server(running)


def test_client_on_a_phone_and_staff_in_the_console(server: Server) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        staff = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        staff.set_default_timeout(30_000)
        staff.goto(server.url + "/console/handovers")
        staff.fill("input[name=username]", "alice")
        staff.fill("input[name=password]", PASSWORDS["alice"])
        staff.click("#login")
        staff.goto(server.url + "/console/handovers")  # alice is online from here on
        staff.get_by_text("暂无等待人工的会话").wait_for()
        assert blocking_violations(staff) == []

        phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        phone.set_default_timeout(60_000)
        phone.goto(server.url + "/widget/")
        chat = phone.locator("#chat")
        phone.locator("#handover").click()
        chat.get_by_text("前面还有 0 位").first.wait_for()
        phone.locator("#handover-state").get_by_text("正在为您转接人工客服").wait_for()

        row = staff.locator("#handovers tbody tr[data-id]").first  # appears without a reload
        row.wait_for(timeout=10_000)
        assert "等待接入" in row.inner_text()
        staff.screenshot(path=str(ARTIFACTS / "console-inbox.png"), full_page=True)
        row.locator("a").click()
        staff.click("#claim")
        staff.get_by_text("已认领").first.wait_for()
        assert blocking_violations(staff) == []  # the conversation view with the reply form
        chat.get_by_text("已接入").first.wait_for(timeout=5_000)

        html = "<b>您好</b>，我是客服 alice，请问需要什么帮助？"
        staff.fill("#reply-text", html)
        sent = time.monotonic()
        staff.click("#send-reply")
        chat.get_by_text(html).first.wait_for(timeout=5_000)  # the markup shows as text
        delay = time.monotonic() - sent
        assert delay <= 2.0, f"the staff reply took {delay:.2f}s to reach the phone"
        assert chat.locator("b", has_text="您好").count() == 0
        phone.locator("#handover-state").get_by_text("人工服务中").wait_for()
        assert blocking_violations(phone) == []

        bot_before = chat.locator(".message-row.bot-row").count()
        phone.locator("#msg textarea").fill("我想加急办理，能今天处理吗")
        phone.locator("#send").click()
        staff.locator("#transcript").get_by_text("我想加急办理，能今天处理吗").wait_for(timeout=10_000)
        time.sleep(1.5)
        assert chat.locator(".message-row.bot-row").count() == bot_before, "the bot must stay silent"
        phone.screenshot(path=str(ARTIFACTS / "widget-staff-reply.png"), full_page=True)

        phone.reload()
        phone.locator("#chat").get_by_text(html).first.wait_for(timeout=10_000)  # still there after a reload
        phone.locator("#handover-state").get_by_text("人工服务中").wait_for()

        staff.click("#release")
        staff.get_by_text("已转回机器人").first.wait_for()
        phone.locator("#chat").get_by_text("接下来由智能助手为您服务").first.wait_for(timeout=5_000)
        phone.locator("#msg textarea").fill("科技贷最多能贷多少？")
        phone.locator("#send").click()
        phone.locator("#chat").get_by_text("1000万元").first.wait_for()
        staff.screenshot(path=str(ARTIFACTS / "console-handover.png"), full_page=True)
        browser.close()
