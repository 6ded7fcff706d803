"""The WeChat bridge: messages in, replies within WeChat's 5 seconds (routes in ``__init__``).

WeChat drops a passive reply that takes longer than 5 s (and retries the message). So each turn
runs in the background pool and the route waits up to ``SME_WECHAT_REPLY_DEADLINE_S`` (4 s): a
reply ready by then goes back passively; otherwise the client gets a short "working on it" at
once and the real answer follows through the customer-service message API.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from assistant.dialogue import Attachment, IncomingMessage, Reply
from assistant.dialogue.texts import text as dialogue_text
from ui.channels.wechat.api import WeChatApi, WeChatApiError
from ui.channels.wechat.envelope import Envelope, WeChatChannel
from ui.channels.wechat.memory import StoredChoices, StoredDeduplicator
from ui.channels.wechat.nonces import StoredNonces
from ui.services import Services
from ui.texts import message as ui_text

log = logging.getLogger(__name__)


class WeChatBridge:
    def __init__(self, svc: Services, reply_to: Callable[[IncomingMessage], Reply]) -> None:
        s = svc.settings
        self.reply_to = reply_to  # the dialogue pipeline, final reply only: WeChat shows no partial text
        # Both memories are in the database, so a retry or a numbered answer may reach any worker.
        self.svc, self.dedupe = svc, StoredDeduplicator(svc.sessions, clock=svc.clock)
        self.channel = WeChatChannel(s, clock=lambda: svc.clock().timestamp(),
                                     choices=StoredChoices(svc.sessions, clock=svc.clock),
                                     nonces=StoredNonces(svc.sessions, s.wechat_max_clock_skew_s, clock=svc.clock))
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
        if not reply.text:  # a person has the client (staff inbox): the bot says nothing
            self.dedupe.settle(key, "success")
            return "success"
        xml = self.channel.passive(envelope, self.channel.text_of(reply, m.source))
        self.dedupe.settle(key, xml)
        return xml

    def _turn(self, envelope: Envelope) -> Reply:
        m = envelope.message
        if m.type == "image":
            attachment = Attachment(f"wechat-{m.media_id[:40]}.jpg", "image/jpeg", data=self._image(m))
            return self.reply_to(self.channel.to_incoming(envelope, text="", attachment=attachment))
        return self.reply_to(self.channel.to_incoming(envelope))

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
        if not content:
            return  # a person has the client: the bot stays silent
        if self.api is None:
            log.error("SME_WECHAT_APPID/SME_WECHAT_SECRET are not set: a late answer to a WeChat client is lost")
            return
        try:
            self.api.send_text(openid, content)
        except (WeChatApiError, OSError) as exc:
            log.error("customer-service message to a WeChat client failed: %s", exc)
