"""The WeChat bridge at /wechat: URL verification, messages in, replies within WeChat's 5 seconds.

WeChat drops a passive reply that takes longer than 5 s (and retries the message). So each turn
runs in the background pool and the route waits up to ``SME_WECHAT_REPLY_DEADLINE_S`` (4 s): a
reply ready by then goes back passively; otherwise the client gets a short "working on it" at
once and the real answer follows through the customer-service message API.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from assistant.dialogue import Attachment, Reply
from assistant.dialogue.texts import text as dialogue_text
from ui.channels.wechat import Envelope, WeChatChannel, WeChatRefused
from ui.channels.wechat_memory import StoredChoices, StoredDeduplicator
from ui.routes.deps import read_limited, services
from ui.services import Services
from ui.texts import message as ui_text
from ui.wechat_api import WeChatApi, WeChatApiError

log = logging.getLogger(__name__)
router = APIRouter(tags=["wechat"])


class WeChatBridge:
    def __init__(self, svc: Services) -> None:
        s = svc.settings
        # Both memories are in the database, so a retry or a numbered answer may reach any worker.
        self.svc, self.dedupe = svc, StoredDeduplicator(svc.sessions)
        self.channel = WeChatChannel(s, choices=StoredChoices(svc.sessions))
        self.api = WeChatApi(s.wechat_api_base, s.wechat_appid, s.wechat_secret) if (
            s.wechat_appid and s.wechat_secret) else None

    def answer(self, envelope: Envelope, started: float) -> str:
        m = envelope.message
        if m.type == "event":
            if getattr(m, "event", "") == "subscribe":
                welcome = ui_text("welcome", "zh", bank=self.svc.settings.bank_name)
                welcome += "\n" + dialogue_text("menu", "zh")
                return self.channel.passive(envelope, welcome)
            return "success"  # other events (unsubscribe, menu views) need no answer
        if m.type not in ("text", "image"):
            return self.channel.passive(envelope, ui_text("unsupported_wechat"))
        key = self.channel.dedupe_key(envelope)
        first = self.dedupe.claim(key)
        remaining = max(0.1, self.svc.settings.wechat_reply_deadline_s - (time.monotonic() - started))
        if not first:
            return self.dedupe.wait(key, remaining) or "success"
        future: Future[Reply] = self.svc.background.submit(self._turn, envelope)
        try:
            reply = future.result(timeout=remaining)
        except FutureTimeout:
            future.add_done_callback(lambda done: self._deliver_later(envelope, done))
            holding = ui_text("working_document" if m.type == "image" else "working")
            # A retry must not show the holding line twice. Settled off this request: on SQLite the
            # slow turn holds the write lock until it ends, and the passive reply cannot wait for that.
            threading.Thread(target=self.dedupe.settle, args=(key, None), daemon=True).start()
            return self.channel.passive(envelope, holding)
        except Exception:
            log.exception("wechat turn failed")
            self.dedupe.settle(key, None)
            return self.channel.passive(envelope, ui_text("internal", hotline=self.svc.settings.service_hotline))
        xml = self.channel.passive(envelope, self.channel.text_of(reply, m.source))
        self.dedupe.settle(key, xml)
        return xml

    def _turn(self, envelope: Envelope) -> Reply:
        m = envelope.message
        if m.type == "image":
            attachment = Attachment(f"wechat-{m.media_id[:40]}.jpg", "image/jpeg", data=self._image(m))
            return self.svc.handle(self.channel.to_incoming(envelope, text="", attachment=attachment))
        return self.svc.handle(self.channel.to_incoming(envelope))

    def _image(self, m: Any) -> bytes:
        limit = self.svc.settings.upload_max_mb * 1024 * 1024
        if self.api is None:
            raise WeChatApiError("SME_WECHAT_APPID/SME_WECHAT_SECRET are not set: cannot fetch images")
        return self.api.download_media(m.media_id, limit)

    def _deliver_later(self, envelope: Envelope, done: Future[Reply]) -> None:
        openid = envelope.message.source
        try:
            content = self.channel.text_of(done.result(), openid)
        except Exception:
            log.exception("wechat turn failed after the passive reply")
            content = ui_text("internal", hotline=self.svc.settings.service_hotline)
        if self.api is None:
            log.error("SME_WECHAT_APPID/SME_WECHAT_SECRET are not set: a late answer to a WeChat client is lost")
            return
        try:
            self.api.send_text(openid, content)
        except (WeChatApiError, OSError) as exc:
            log.error("customer-service message to a WeChat client failed: %s", exc)


def _bridge(request: Request) -> WeChatBridge | None:
    svc = services(request)
    if not svc.settings.wechat_token:
        return None
    bridge = svc.extras.get("wechat")
    if bridge is None:
        bridge = svc.extras["wechat"] = WeChatBridge(svc)
    return bridge


def _refusal(status: int, key: str) -> JSONResponse:
    return JSONResponse({"error": ui_text(key)}, status_code=status)


@router.get("/wechat", summary="WeChat server URL verification")
def verify(request: Request, signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = "") -> Response:
    bridge = _bridge(request)
    if bridge is None:
        return _refusal(404, "wechat_disabled")
    try:
        bridge.channel.verify(signature, timestamp, nonce)
    except WeChatRefused as exc:
        return _refusal(exc.status, exc.key)
    return PlainTextResponse(echostr)


@router.post("/wechat", summary="WeChat messages (plaintext or safe mode)")
async def receive(request: Request) -> Response:
    started = time.monotonic()
    bridge = _bridge(request)
    if bridge is None:
        return _refusal(404, "wechat_disabled")
    body = await read_limited(request, services(request).settings.max_request_kb * 1024)
    try:
        envelope = bridge.channel.open(body, dict(request.query_params))
    except WeChatRefused as exc:
        return _refusal(exc.status, exc.key)
    from fastapi.concurrency import run_in_threadpool

    xml = await run_in_threadpool(bridge.answer, envelope, started)
    return Response(xml, media_type="application/xml" if xml != "success" else "text/plain")
