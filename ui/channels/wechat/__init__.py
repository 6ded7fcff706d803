"""The WeChat Official Account channel at /wechat: URL verification and messages in, text XML out.

``build_router(on_message, svc)`` is the whole channel. WeChat drops a passive reply that takes
longer than 5 s (and retries the message), so each turn runs in the background pool and the route
waits up to ``SME_WECHAT_REPLY_DEADLINE_S`` (4 s): a reply ready by then goes back passively;
otherwise the client gets a short "working on it" at once and the real answer follows through
the customer-service message API (``bridge.WeChatBridge``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from assistant.dialogue import IncomingMessage, Reply, TurnEvent, final_reply
from ui.channels.wechat.bridge import WeChatBridge
from ui.channels.wechat.envelope import WeChatRefused
from ui.routes.deps import read_limited
from ui.services import Services
from ui.texts import message as ui_text

OnMessage = Callable[[IncomingMessage], Iterator[TurnEvent]]


def _refusal(status: int, key: str) -> JSONResponse:
    return JSONResponse({"error": ui_text(key)}, status_code=status)


def build_router(on_message: OnMessage, svc: Services) -> APIRouter:
    router = APIRouter(tags=["wechat"])

    def reply_to(message: IncomingMessage) -> Reply:
        return final_reply(on_message(message))

    # Built on the first request, so an app without SME_WECHAT_TOKEN never touches WeChat state.
    bridges: list[WeChatBridge] = []

    def bridge() -> WeChatBridge | None:
        if not svc.settings.wechat_token:
            return None
        if not bridges:
            bridges.append(WeChatBridge(svc, reply_to))
        return bridges[0]

    @router.get("/wechat", summary="WeChat server URL verification")
    def verify(signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = "") -> Response:
        wechat = bridge()
        if wechat is None:
            return _refusal(404, "wechat_disabled")
        try:
            wechat.channel.verify(signature, timestamp, nonce)
        except WeChatRefused as exc:
            return _refusal(exc.status, exc.key)
        return PlainTextResponse(echostr)

    @router.post("/wechat", summary="WeChat messages (plaintext or safe mode)")
    async def receive(request: Request) -> Response:
        started = time.monotonic()
        wechat = bridge()
        if wechat is None:
            return _refusal(404, "wechat_disabled")
        body = await read_limited(request, svc.settings.max_request_kb * 1024)
        try:
            envelope = wechat.channel.open(body, dict(request.query_params))
        except WeChatRefused as exc:
            return _refusal(exc.status, exc.key)
        xml = await run_in_threadpool(wechat.answer, envelope, started)
        return Response(xml, media_type="application/xml" if xml != "success" else "text/plain")

    return router
