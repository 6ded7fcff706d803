"""The hand-over over the WeChat bridge (issue 11), against a loopback fake of the WeChat API.

The fake checks each customer-service payload (recipient, type, UTF-8 text) and the access token;
it expires the token on demand (40001) and answers 45015 / 45047 for marked messages. The 48-hour
window is crossed by moving the server's clock.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ui.conftest import Recorder, Server, json_answer, login, make_settings, start_server, stop_server
from tests.ui.inbox_helpers import MovableClock
from tests.ui.test_wechat import AES_KEY, APPID, OPENID, TOKEN, Platform


class FakeWeChat:
    """The WeChat API as far as customer-service messages go; ``valid`` is the token it accepts now."""

    def __init__(self) -> None:
        self.issued, self.valid = 0, ""
        self.sent: list[dict[str, Any]] = []
        self.refused: list[int] = []

    def respond(self, method: str, path: str, query: dict, body: bytes) -> tuple[int, str, bytes]:
        if path == "/cgi-bin/token":
            assert query.get("appid") == APPID and query.get("secret") == "wx-secret"
            self.issued += 1
            self.valid = f"TOKEN-{self.issued}"
            return json_answer({"access_token": self.valid, "expires_in": 7200})
        if query.get("access_token") != self.valid:
            self.refused.append(40001)
            return json_answer({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
        assert path == "/cgi-bin/message/custom/send" and method == "POST"
        payload = json.loads(body.decode("utf-8"))
        assert payload["touser"] == OPENID and payload["msgtype"] == "text", payload
        content = payload["text"]["content"]
        assert isinstance(content, str) and content and "\\u" not in body.decode("utf-8")  # UTF-8, not escaped
        for code in (45015, 45047):
            if f"[{code}]" in content:
                self.refused.append(code)
                return json_answer({"errcode": code, "errmsg": "refused"})
        self.sent.append({"content": content, "at": time.monotonic()})
        return json_answer({"errcode": 0, "errmsg": "ok"})

    def wait_sent(self, part: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for item in list(self.sent):
                if part in item["content"]:
                    return item
            time.sleep(0.05)
        raise AssertionError(f"nothing with {part!r} sent; got {[s['content'] for s in self.sent]}")


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[FakeWeChat, Recorder]]:
    wechat = FakeWeChat()
    recorder = Recorder(wechat.respond).start()
    yield wechat, recorder
    recorder.stop()


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory,
           fake: tuple[FakeWeChat, Recorder]) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("wechat-inbox"), wechat_token=TOKEN,
                             wechat_aes_key=AES_KEY, wechat_appid=APPID, wechat_secret="wx-secret",
                             wechat_api_base=fake[1].url)
    running = start_server(settings, with_widget=False, clock=MovableClock())
    yield running
    stop_server(running)


def _client_says(server: Server, platform: Platform, text: str) -> str:
    clock = server.app.state.services.clock
    response, _ = platform.post(platform.xml("text", Content=text), timestamp=int(clock().timestamp()))
    assert response.status_code == 200
    return response.text if response.text == "success" else platform.read(response).content


def _delivery(client: httpx.Client, hid: int, headers: dict[str, str], part: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        detail = client.get(f"/api/staff/handovers/{hid}", headers=headers).json()
        line = next(m for m in detail["transcript"] if m["role"] == "staff" and part in m["text"])
        if line["delivery"] and line["delivery"]["status"] != "pending":
            return {**line["delivery"], "item": detail}
        time.sleep(0.1)
    raise AssertionError(f"delivery of {part!r} never settled")


def test_wechat_round_trip_token_expiry_refusals_and_the_48_hours(server: Server,
                                                                   fake: tuple[FakeWeChat, Recorder]) -> None:
    wechat, _ = fake
    platform = Platform(server.url)
    with server.client() as client:
        alice = login(client, "alice")
        client.get("/api/staff/handovers", headers=alice)  # alice is online
        answer = _client_says(server, platform, "转人工")
        assert "正在为您转接人工客服" in answer and "前面还有 0 位" in answer
        item = next(i for i in client.get("/api/staff/handovers", headers=alice).json() if i["channel"] == "wechat")
        hid = item["id"]
        assert item["wechat_window"]["open"] is True

        assert client.post(f"/api/staff/handovers/{hid}/claim", headers=alice).status_code == 200
        wechat.wait_sent("已接入")
        sent_at = time.monotonic()
        client.post(f"/api/staff/handovers/{hid}/reply", headers=alice, json={"text": "您好，我是客服，请讲"})
        arrived = wechat.wait_sent("【alice】您好，我是客服，请讲")
        assert arrived["at"] - sent_at <= 2.0

        assert _client_says(server, platform, "我的转账一直没到账") == "success"  # the bot is silent
        detail = client.get(f"/api/staff/handovers/{hid}", headers=alice).json()
        assert detail["transcript"][-1]["role"] == "client" and detail["transcript"][-1]["text"] == "我的转账一直没到账"

        wechat.valid = "EXPIRED"  # WeChat expired the token (another server refreshed it, or 2 hours passed)
        client.post(f"/api/staff/handovers/{hid}/reply", headers=alice, json={"text": "我帮您查一下"})
        wechat.wait_sent("我帮您查一下")
        assert 40001 in wechat.refused and wechat.issued == 2  # refreshed once, then sent
        assert _delivery(client, hid, alice, "我帮您查一下")["status"] == "sent"

        client.post(f"/api/staff/handovers/{hid}/reply", headers=alice, json={"text": "测试 [45047]"})
        refused = _delivery(client, hid, alice, "[45047]")
        assert refused["status"] == "failed" and "45047" in refused["error"]
        assert refused["item"]["callback"] is not None  # a callback task instead of a lost message

        client.post(f"/api/staff/handovers/{hid}/reply", headers=alice, json={"text": "测试 [45015]"})
        assert _delivery(client, hid, alice, "[45015]")["status"] == "window_closed"

        server.app.state.services.clock.advance(timedelta(hours=49))
        late = client.get(f"/api/staff/handovers/{hid}", headers=alice).json()
        assert late["wechat_window"]["open"] is False
        before = len(wechat.sent)
        client.post(f"/api/staff/handovers/{hid}/reply", headers=alice, json={"text": "两天后的回复"})
        closed = _delivery(client, hid, alice, "两天后的回复")
        assert closed["status"] == "window_closed" and len(wechat.sent) == before  # not even tried
    with server.client(cookies={"sme_staff": alice["Authorization"][7:]}) as console:
        page = console.get(f"/console/handovers/{hid}")
        assert 'id="wechat-closed"' in page.text and "超过48小时未送达" in page.text  # the console says so
