"""Request bodies are limited before they are read: by Content-Length at once, and while streaming.

The staff API read a 30 MB body whole before it answered 401; Gradio's upload route stored
whatever arrived. This middleware sits in front of every route: a declared length over the
limit is refused with 413 before a byte is read, and a body that turns out longer than declared
(or has no length) is cut off at the limit. Uploads get the upload limit, everything else the
JSON limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ui.texts import message as ui_text


class BodyLimits:
    def __init__(self, app: ASGIApp, *, limit_for: Callable[[str], int], upload_paths: tuple[str, ...] = (),
                 upload_mb: int = 0) -> None:
        self.app, self.limit_for, self.upload_paths, self.upload_mb = app, limit_for, upload_paths, upload_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(send, limit, scope)
            return
        seen = 0
        started = refused = False

        async def counted_receive() -> Message:
            # Past the limit the 413 goes out at once and the app is told the client left: whatever
            # it answers after that is dropped, and no further byte of the body is read.
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    if not started:
                        await self._refuse(send, limit, scope)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, tracking_send)

    async def _refuse(self, send: Send, limit: int, scope: Scope) -> None:
        lang = "en" if any(n == b"accept-language" and v.lower().startswith(b"en")
                           for n, v in scope.get("headers", [])) else "zh"
        if scope.get("path", "").startswith(self.upload_paths) and self.upload_paths:
            text = ui_text("file_too_large", lang, mb=str(self.upload_mb))
        else:
            text = ui_text("body_too_large", lang, kb=str(limit // 1024))
        await refuse(send, text)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() and len(text) < 19 else 1 << 62
    return None


async def refuse(send: Send, text: str) -> None:
    body = json.dumps({"error": text}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
