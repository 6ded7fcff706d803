"""The WeChat bridge with wechatpy playing the WeChat platform, and a loopback fake of the WeChat API.

Messages go in signed (plaintext mode) or signed and AES-encrypted (safe mode); replies are
decrypted and parsed the way WeChat does. Slow turns must still be answered within 5 s, with
the real answer delivered through the customer-service API.
"""

from __future__ import annotations

import base64
import json
import random
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from assistant.answering.service import build_answerer
from assistant.store.db import make_engine, session_factory
from assistant.store.models import Message
from eval.ocr.generate import invoice_sample
from eval.ocr.render import Noise
from tests.ui.conftest import Recorder, Server, json_answer, make_settings, start_server, stop_server

TOKEN, APPID = "wx-test-token", "wx1234567890abcdef"
AES_KEY = base64.b64encode(bytes(range(32))).decode()[:-1]  # 43 characters, as WeChat issues them
OPENID, ACCOUNT = "oUser-0001", "gh_bank"
WECHAT_LIMIT_S = 5.0


class SlowAnswerer:
    """The real answerer, made slow on demand, as an LLM endpoint under load would be."""

    def __init__(self, inner: Any, delay_s: float) -> None:
        self.inner, self.delay_s, self.slow = inner, delay_s, threading.Event()

    def answer(self, question: str, history: list[str] | None = None, **options: Any) -> Any:
        if self.slow.is_set():
            time.sleep(self.delay_s)
        return self.inner.answer(question, history, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def invoice_jpeg() -> bytes:
    sample = invoice_sample(random.Random(5), date.today(), None, Noise(blur=0.3, rotate=0.0, jpeg_quality=85))
    return sample.data


@pytest.fixture(scope="module")
def wechat_api(invoice_jpeg: bytes) -> Iterator[Recorder]:
    def respond(method: str, path: str, query: dict, body: bytes) -> tuple[int, str, bytes]:
        if path == "/cgi-bin/token":
            ok = query.get("appid") == APPID and query.get("secret") == "wx-secret"
            return json_answer({"access_token": "ACCESS-1", "expires_in": 7200} if ok else
                               {"errcode": 40013, "errmsg": "invalid appid"})
        if query.get("access_token") != "ACCESS-1":
            return json_answer({"errcode": 40001, "errmsg": "invalid credential"})
        if path == "/cgi-bin/message/custom/send":
            return json_answer({"errcode": 0, "errmsg": "ok"})
        if path == "/cgi-bin/media/get" and query.get("media_id") == "MEDIA-INVOICE":
            return 200, "image/jpeg", invoice_jpeg
        return json_answer({"errcode": 40007, "errmsg": "invalid media_id"})

    recorder = Recorder(respond).start()
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def slow() -> SlowAnswerer:
    return SlowAnswerer(None, 6.0)


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory, wechat_api: Recorder,
           slow: SlowAnswerer) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("wechat"), wechat_token=TOKEN,
                             wechat_aes_key=AES_KEY, wechat_appid=APPID, wechat_secret="wx-secret",
                             wechat_api_base=wechat_api.url)
    slow.inner = build_answerer(settings)
    running = start_server(settings, answerer=slow, with_widget=False)
    yield running
    stop_server(running)


class Platform:
    """What WeChat does: sign, optionally encrypt, POST, and read the reply back."""

    def __init__(self, url: str, safe: bool = True) -> None:
        # With an AES key configured every message is encrypted (plaintext is refused as a downgrade).
        self.url, self.crypto, self.msg_id, self.safe = url, WeChatCrypto(TOKEN, AES_KEY, APPID), 5000, safe

    def xml(self, kind: str, msg_id: int | None = None, **fields: str) -> str:
        extra = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
        if msg_id is None and kind != "event":
            self.msg_id += 1
            msg_id = self.msg_id
        ident = f"<MsgId>{msg_id}</MsgId>" if msg_id is not None else ""
        return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{OPENID}]]>"
                f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>"
                f"{extra}{ident}</xml>")

    def post(self, xml: str, *, safe: bool | None = None, timestamp: int | None = None, token: str = TOKEN,
             nonce: str | None = None) -> tuple[httpx.Response, float]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or uuid.uuid4().hex[:10]  # WeChat sends a fresh nonce with every request
        safe = self.safe if safe is None else safe
        signer = WeChatSigner()
        signer.add_data(token, ts, nonce)
        params = {"signature": signer.signature, "timestamp": ts, "nonce": nonce}
        body = xml
        if safe:
            body = self.crypto.encrypt_message(xml, nonce, ts)
            params |= {"encrypt_type": "aes", "msg_signature": _tag(body, "MsgSignature")}
        started = time.monotonic()
        response = httpx.post(self.url + "/wechat", params=params, content=body.encode(), timeout=30)
        return response, time.monotonic() - started

    def read(self, response: httpx.Response, safe: bool | None = None) -> Any:
        text = response.text
        safe = self.safe if safe is None else safe
        if safe:
            text = self.crypto.decrypt_message(text, _tag(text, "MsgSignature"), _tag(text, "TimeStamp"),
                                               _tag(text, "Nonce"))
        return parse_message(text)


def _tag(xml: str, name: str) -> str:
    start = xml.index(f"<{name}>") + len(name) + 2
    value = xml[start: xml.index(f"</{name}>")]
    return value.removeprefix("<![CDATA[").removesuffix("]]>")


@pytest.fixture(scope="module")
def platform(server: Server) -> Platform:
    return Platform(server.url)


def test_url_verification_echoes_only_for_a_valid_signature(platform: Platform) -> None:
    ts, nonce = str(int(time.time())), "n1"
    signer = WeChatSigner()
    signer.add_data(TOKEN, ts, nonce)
    ok = httpx.get(platform.url + "/wechat", params={"signature": signer.signature, "timestamp": ts, "nonce": nonce,
                                                      "echostr": "echo-42"})
    assert ok.status_code == 200 and ok.text == "echo-42"
    forged = httpx.get(platform.url + "/wechat", params={"signature": "0" * 40, "timestamp": ts, "nonce": nonce,
                                                          "echostr": "echo-42"})
    assert forged.status_code == 403 and "echo-42" not in forged.text


def test_text_question_in_plaintext_mode(platform: Platform) -> None:
    response, took = platform.post(platform.xml("text", Content="科技贷最多能贷多少？"))
    reply = platform.read(response)
    assert reply.type == "text" and reply.target == OPENID and reply.source == ACCOUNT
    assert "1000万元" in reply.content and "来源" in reply.content
    assert took < WECHAT_LIMIT_S


def test_safe_mode_round_trip_and_numbered_quick_replies(platform: Platform) -> None:
    reply = platform.read(platform.post(platform.xml("text", Content="你好"), safe=True)[0], safe=True)
    assert "回复数字选择" in reply.content and "2. 我要申请融资" in reply.content
    picked = platform.read(platform.post(platform.xml("text", Content="2"), safe=True)[0], safe=True)
    assert "企业全称" in picked.content or "公司" in picked.content  # the lead flow's first question
    cancel = platform.read(platform.post(platform.xml("text", Content="取消"), safe=True)[0], safe=True)
    assert "已取消" in cancel.content


def test_subscribe_gets_a_welcome(platform: Platform) -> None:
    reply = platform.read(platform.post(platform.xml("event", Event="subscribe"))[0])
    assert reply.content.startswith("欢迎关注锦程银行")


@pytest.mark.parametrize("case", ["forged", "old", "future", "bad_aes"])
def test_forged_and_replayed_requests_are_refused(platform: Platform, case: str) -> None:
    xml = platform.xml("text", Content="你好")
    if case == "forged":
        response, _ = platform.post(xml, token="not-the-token")
    elif case == "old":
        response, _ = platform.post(xml, timestamp=int(time.time()) - 3600)
    elif case == "future":
        response, _ = platform.post(xml, timestamp=int(time.time()) + 3600)
    else:
        other = WeChatCrypto(TOKEN, base64.b64encode(bytes(32)).decode()[:-1], APPID)
        ts, nonce = str(int(time.time())), "n"
        body = other.encrypt_message(xml, nonce, ts)
        signer = WeChatSigner()
        signer.add_data(TOKEN, ts, nonce)
        response = httpx.post(platform.url + "/wechat", content=body.encode(), params={
            "signature": signer.signature, "timestamp": ts, "nonce": nonce, "encrypt_type": "aes",
            "msg_signature": "f" * 40})
    assert response.status_code == 403 and response.json()["error"]


def test_entity_expansion_is_refused(platform: Platform) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{OPENID}</FromUserName>"
            "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&b;</Content><MsgId>1</MsgId></xml>")
    response, _ = platform.post(bomb)
    assert response.status_code == 400 and response.json()["error"] == "消息格式不正确"
    assert httpx.get(platform.url + "/healthz").status_code == 200


def test_a_retried_msgid_is_answered_once(platform: Platform, server: Server) -> None:
    xml = platform.xml("text", msg_id=777001, Content="发票贷的额度是多少？")
    first, _ = platform.post(xml)
    second, _ = platform.post(xml, nonce="retry")
    assert first.status_code == second.status_code == 200
    assert platform.read(first).content == platform.read(second).content
    engine = make_engine(server.settings.sqlalchemy_url)
    with session_factory(engine)() as db:
        count = db.scalar(select(func.count()).where(Message.text == "发票贷的额度是多少？", Message.role == "user"))
    engine.dispose()
    assert count == 1


def test_slow_answer_is_acknowledged_in_time_and_delivered_later(platform: Platform, slow: SlowAnswerer,
                                                                 wechat_api: Recorder) -> None:
    slow.slow.set()
    try:
        response, took = platform.post(platform.xml("text", Content="税金贷的利率是多少？"), safe=True)
    finally:
        slow.slow.clear()
    assert took < WECHAT_LIMIT_S, f"passive reply took {took:.2f}s"
    assert "正在为您处理" in platform.read(response, safe=True).content
    sent = wechat_api.wait_for(lambda r: r["path"] == "/cgi-bin/message/custom/send" and "税金贷" in r["body"].decode())
    payload = json.loads(sent["body"])
    assert payload["touser"] == OPENID and payload["msgtype"] == "text"
    assert "税金贷" in payload["text"]["content"] and "\\u" not in sent["body"].decode()


def test_invoice_photo_is_fetched_checked_and_answered_within_the_limit(platform: Platform,
                                                                        wechat_api: Recorder) -> None:
    response, took = platform.post(platform.xml("image", MediaId="MEDIA-INVOICE", PicUrl="http://unused/x.jpg"))
    assert took < WECHAT_LIMIT_S, f"passive reply took {took:.2f}s"
    passive = platform.read(response).content
    if "初步核验结论" not in passive:  # OCR took longer than the window: the verdict follows by API
        assert "正在核验" in passive
        sent = wechat_api.wait_for(lambda r: "初步核验结论" in r["body"].decode(), timeout=90)
        passive = json.loads(sent["body"])["text"]["content"]
    assert "发票" in passive and "初步核验结论" in passive
    tokens = [r for r in wechat_api.requests if r["path"] == "/cgi-bin/token"]
    assert len(tokens) == 1, "the access token is cached across media download and messages"


def test_other_message_types_get_a_clear_line(platform: Platform) -> None:
    reply = platform.read(platform.post(platform.xml("voice", MediaId="v1", Format="amr"))[0])
    assert "文字和图片" in reply.content


