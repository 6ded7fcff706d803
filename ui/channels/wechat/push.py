"""Staff replies to WeChat clients: pushed through the customer-service message API.

A background thread sweeps the ``staff_delivery`` outbox every few seconds (and at once when a
staff member sends), so a message a worker could not send — it died, WeChat was down — goes out
from any worker later. WeChat's refusals become outbox states the console shows
(``assistant.handover.delivery``); an expired access token is refreshed by ``WeChatApi``.
"""

from __future__ import annotations

import logging
import threading

from assistant.handover.delivery import PushRefused, push_pending
from ui.channels.wechat.api import WeChatApi, WeChatApiError
from ui.services import Services

log = logging.getLogger(__name__)


class WeChatPusher:
    def __init__(self, svc: Services, api: WeChatApi, interval_s: float = 3.0) -> None:
        self.svc, self.api, self.interval_s = svc, api, interval_s
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._loop, name="wechat-push", daemon=True)

    def start(self) -> WeChatPusher:
        self._thread.start()
        return self

    def send(self, openid: str, text: str) -> None:
        try:
            self.api.send_text(openid, text)
        except WeChatApiError as exc:
            if exc.errcode is not None:
                raise PushRefused(exc.errcode, str(exc)) from exc
            raise

    def kick(self) -> None:
        self._wake.set()

    def sweep(self) -> None:
        policy = self.svc.manager.handover
        if policy is not None:
            push_pending(self.svc.sessions, self.send, self.svc.clock, policy)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.sweep()
            except Exception:  # the database is away for a moment: the next sweep tries again
                log.exception("wechat push sweep failed")

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        self.api.close()
