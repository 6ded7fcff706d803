"""The widget on a phone (390×844) in real headless Chromium, for issue 12: English clients get an
English interface and greeting; an upload's verdict and checks appear in the chat, in view; the
widget's own clear button starts a new session on the server. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.store.db import make_engine, session_factory
from assistant.store.models import Conversation, FlowState, Message
from eval.ocr.generate import invoice_sample
from tests.ui.conftest import ARTIFACTS, Server, make_settings, start_server, stop_server
from tests.ui.test_browser import PHONE, blocking_violations

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("browser-widget"))
    running = start_server(settings)
    yield running
    stop_server(running)


def phone(browser: object, locale: str) -> object:
    """A new phone-sized page whose browser asks for ``locale`` (Accept-Language and navigator.language)."""
    context = browser.new_context(viewport=PHONE, locale=locale)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


def in_view(locator: object) -> bool:
    """The element is wholly visible: inside the phone's screen and inside the chat's scrolled window."""
    return locator.evaluate(  # type: ignore[attr-defined]
        """el => { const r = el.getBoundingClientRect();
                   const w = document.querySelector('#chat .bubble-wrap').getBoundingClientRect();
                   return r.top >= Math.max(0, w.top) - 1 && r.bottom <= Math.min(innerHeight, w.bottom) + 1; }""")


def test_an_english_browser_gets_the_english_interface_and_greeting(server: Server, browser: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = phone(browser, "en-US")
    page.goto(server.url + "/widget/")  # type: ignore[attr-defined]
    human = page.locator("#handover")  # type: ignore[attr-defined]
    sync_api.expect(human).to_have_text("Talk to a person")
    chat = page.locator("#chat")  # type: ignore[attr-defined]
    chat.get_by_text("Hello! How can I help?").wait_for()
    sync_api.expect(page.locator("#msg textarea")).to_have_attribute("placeholder", "Type your question…")  # type: ignore[attr-defined]
    sync_api.expect(page.locator("#send")).to_have_text("Send")  # type: ignore[attr-defined]
    sync_api.expect(page.locator("#upload")).to_contain_text("Upload invoice/contract")  # type: ignore[attr-defined]
    sync_api.expect(page.locator("#clear")).to_have_text("Start over")  # type: ignore[attr-defined]
    body = page.locator("body").inner_text()  # type: ignore[attr-defined]
    assert "SME financing assistant" in body
    sync_api.expect(page).to_have_title(re.compile("SME financing assistant"))
    assert not any(word in body for word in ("转人工", "发送", "上传发票", "请输入您的问题", "您好")), body
    page.screenshot(path=str(ARTIFACTS / "widget-en-greeting.png"))  # type: ignore[attr-defined]
    assert blocking_violations(page) == []

    page.locator("#msg textarea").fill("How much can I borrow with the tech loan?")  # type: ignore[attr-defined]
    page.locator("#send").click()  # type: ignore[attr-defined]
    chat.get_by_text("Source 1").first.wait_for()
    assert blocking_violations(page) == []  # with an answer and its sources
    human.click()
    # Nobody from staff is online in this test: either the queue or a booked callback, in English.
    banner = page.locator("#handover-state")  # type: ignore[attr-defined]
    sync_api.expect(banner).to_contain_text(re.compile("Connecting you to a person|Callback booked"))
    assert not re.search(r"[\u4e00-\u9fff]", banner.inner_text()), banner.inner_text()
    page.screenshot(path=str(ARTIFACTS / "widget-en-handover.png"))  # type: ignore[attr-defined]
    assert blocking_violations(page) == []
    page.close()  # type: ignore[attr-defined]


def test_a_chinese_client_writing_english_gets_the_interface_in_english(server: Server, browser: object) -> None:
    page = phone(browser, "zh-CN")
    page.goto(server.url + "/widget/")  # type: ignore[attr-defined]
    sync_api.expect(page.locator("#handover")).to_have_text("转人工")  # type: ignore[attr-defined]
    page.locator("#chat").get_by_text("您好！请问有什么可以帮您？").wait_for()  # type: ignore[attr-defined]
    page.locator("#msg textarea").fill("What documents do I need for the tech loan?")  # type: ignore[attr-defined]
    page.locator("#send").click()  # type: ignore[attr-defined]
    sync_api.expect(page.locator("#send")).to_have_text("Send")  # type: ignore[attr-defined]
    sync_api.expect(page.locator("#handover")).to_have_text("Talk to a person")  # type: ignore[attr-defined]
    sync_api.expect(page).to_have_title(re.compile("SME financing assistant"))
    page.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_an_uploaded_invoice_photo_is_summed_up_in_the_chat_in_view(
        server: Server, browser: object, tmp_path: Path, locale: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = phone(browser, locale)
    page.goto(server.url + "/widget/")  # type: ignore[attr-defined]
    chat = page.locator("#chat")  # type: ignore[attr-defined]
    chat.get_by_text("Hello!" if locale == "en-US" else "您好！").wait_for()
    # First a question, its sources opened and the chat scrolled up: the client is reading, not at the end.
    page.locator("#msg textarea").fill("How much can I borrow with the tech loan?" if locale == "en-US"  # type: ignore[attr-defined]
                                       else "科技贷最多能贷多少？")
    page.locator("#send").click()  # type: ignore[attr-defined]
    source = chat.get_by_text("Source 1" if locale == "en-US" else "来源 1").first
    source.wait_for()
    source.click()
    page.evaluate("document.querySelector('#chat .bubble-wrap').scrollTop = 0")  # type: ignore[attr-defined]
    photo = tmp_path / "invoice.jpg"  # a phone photo of a generated invoice: noise, skew, uneven light
    photo.write_bytes(invoice_sample(random.Random(21), date.today(), None).data)
    with page.expect_file_chooser() as chooser:  # type: ignore[attr-defined]
        page.locator("#upload").click()  # type: ignore[attr-defined]
    chooser.value.set_files(str(photo))
    passed = "项检查通过" if locale == "zh-CN" else "check(s) passed"
    summary = chat.locator(".message", has_text=passed).last
    summary.wait_for(timeout=180_000)
    text = summary.inner_text()
    if locale == "zh-CN":
        assert "发票已识别" in text and "价税合计 ¥" in text and "销售方" in text, text
    else:
        assert "Read from the invoice" in text and "total incl. tax ¥" in text and "seller" in text, text
    time.sleep(1.0)  # Gradio scrolls the chat to its end after rendering
    assert in_view(summary), "the result is where the client is looking, not below the fold"
    page.screenshot(path=str(ARTIFACTS / f"widget-upload-{locale}.png"))  # type: ignore[attr-defined]
    page.locator("#checks li").first.wait_for()  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_the_clear_button_starts_a_new_session_on_the_server(server: Server, browser: object) -> None:
    engine = make_engine(server.settings.sqlalchemy_url)
    sessions = session_factory(engine)
    page = phone(browser, "zh-CN")
    page.goto(server.url + "/widget/")  # type: ignore[attr-defined]
    chat = page.locator("#chat")  # type: ignore[attr-defined]
    page.locator("#msg textarea").fill("我要投诉")  # type: ignore[attr-defined]
    page.locator("#send").click()  # type: ignore[attr-defined]
    chat.get_by_text("个人信息告知").first.wait_for()
    with sessions() as db:
        flow = db.scalars(select(FlowState).where(FlowState.channel == "web", FlowState.status == "active")
                          .order_by(FlowState.id.desc())).first()
        assert flow is not None and flow.flow == "complaint"
        flow_id, user = flow.id, flow.user_id
    page.locator("#clear").click()  # type: ignore[attr-defined]
    sync_api.expect(chat.get_by_text("个人信息告知")).to_have_count(0)
    deadline = time.monotonic() + 10
    while True:
        with sessions() as db:
            status = db.get(FlowState, flow_id).status  # type: ignore[union-attr]
        if status == "cancelled" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == "cancelled", "the flow in progress is cancelled on the server"
    page.locator("#msg textarea").fill("科技贷利率多少")  # type: ignore[attr-defined]
    page.locator("#send").click()  # type: ignore[attr-defined]
    chat.get_by_text("来源 1").first.wait_for()
    with sessions() as db:
        asked = select(Conversation.user_id).join(Message, Message.conversation_id == Conversation.id)
        conversations = set(db.scalars(asked.where(Message.text == "科技贷利率多少")))
    assert conversations and user not in conversations, "the next message opens a new session"
    engine.dispose()
    page.close()  # type: ignore[attr-defined]
