"""The widget's upload guard: a file reaches the dialogue only if this browser uploaded it here.

Gradio hands the widget's upload handler whatever ``FileData.path`` the browser sends in the
event; mounted (not launched) Gradio skips its own "was it uploaded?" check, so a forged path
made the server read any file on its disk. Three layers stop that:

1. ``WidgetUploadGuard`` (ASGI, in front of the mounted widget) gives each browser a signed
   ``sme_widget`` cookie with the widget page, refuses Gradio's upload route without one (403),
   and records which cache paths the route returned to which cookie;
2. ``checked_upload`` accepts a path only when it is inside Gradio's upload folder, is a regular
   file (no link out), and was returned to the same cookie; anything else is refused and never
   opened;
3. ``mount_widget`` sets Gradio's ``blocked_paths`` to the data dir and turns its own upload-folder
   check on.

The registry is this worker's memory: Gradio's queue is per process too, so the upload and the
event that uses it are served by the same worker.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ui.security import Signer

log = logging.getLogger(__name__)
COOKIE = "sme_widget"
TTL_S = 3600.0
MAX_ENTRIES = 50_000


class UploadRefused(Exception):
    """The path was not uploaded by this browser through this widget."""


class UploadRegistry:
    def __init__(self) -> None:
        self._owner: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, browser: str, paths: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for path in paths:
                self._owner[os.path.realpath(path)] = (browser, now)
                self._owner.move_to_end(os.path.realpath(path))
            while len(self._owner) > MAX_ENTRIES:
                self._owner.popitem(last=False)

    def owner(self, path: str) -> str | None:
        with self._lock:
            entry = self._owner.get(os.path.realpath(path))
        if entry is None or time.monotonic() - entry[1] > TTL_S:
            return None
        return entry[0]

    def forget(self, path: str) -> None:
        with self._lock:
            self._owner.pop(os.path.realpath(path), None)


def upload_folder() -> Path:
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder()).resolve()


def browser_of(cookie_header: str | None, signer: Signer) -> str | None:
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header or "")
    except Exception:  # a malformed Cookie header is simply no cookie
        return None
    value = jar[COOKIE].value if COOKIE in jar else ""
    return value if value and signer.session_ok(value) else None


def checked_upload(path: str, browser: str | None, registry: UploadRegistry, folder: Path | None = None) -> Path:
    """The upload as a safe path, or ``UploadRefused``; nothing outside the upload folder is touched."""
    folder = folder or upload_folder()
    candidate = Path(os.path.abspath(path))  # no filesystem access yet: only the text of the path
    if "\x00" in path or not candidate.is_relative_to(folder):
        raise UploadRefused(f"path outside the upload folder: {path[:80]!r}")
    if browser is None or registry.owner(str(candidate)) != browser:
        raise UploadRefused("not uploaded by this browser")
    resolved = candidate.resolve()
    if not resolved.is_relative_to(folder) or candidate.is_symlink() or not resolved.is_file():
        raise UploadRefused("not a regular file in the upload folder")
    return resolved


def discard(path: Path, registry: UploadRegistry) -> None:
    """A refused or processed upload leaves Gradio's cache (the stored copy is the upload store's)."""
    registry.forget(str(path))
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not delete a widget upload: %s", exc)


class WidgetUploadGuard:
    def __init__(self, app: ASGIApp, *, widget_path: str, signer: Signer, registry: UploadRegistry,
                 secure_cookie: bool = False) -> None:
        self.app, self.prefix, self.signer, self.registry = app, widget_path.rstrip("/"), signer, registry
        self.upload_route = f"{self.prefix}/gradio_api/upload"
        self.secure_cookie = secure_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            await self.app(scope, receive, send)
            return
        cookie = next((v.decode("latin-1") for n, v in scope.get("headers", []) if n == b"cookie"), None)
        browser = browser_of(cookie, self.signer)
        if path.startswith(self.upload_route):
            if browser is None:
                await _forbidden(send)
                return
            returned: list[str] = []
            await self.app(scope, receive, self._recording(send, browser, returned))
            # Anything that is no image or PDF is deleted instead of waiting in Gradio's cache. Gradio
            # moves spooled uploads there in a background task, which may still be running: look
            # now, and once more shortly after.
            for stored in returned:
                _drop_unless_document(Path(stored), self.registry)
                later = threading.Timer(2.0, _drop_unless_document, (Path(stored), self.registry))
                later.daemon = True
                later.start()
            return
        if browser is None and scope.get("method") == "GET":
            await self.app(scope, receive, self._with_cookie(send, scope))
            return
        await self.app(scope, receive, send)

    def _with_cookie(self, send: Send, scope: Scope) -> Send:
        value = self.signer.new_session_id()
        secure = "; Secure" if scope.get("scheme") == "https" or self.secure_cookie else ""

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{COOKIE}={value}; Path={self.prefix}; HttpOnly; SameSite=Lax{secure}")
            await send(message)
        return wrapped

    def _recording(self, send: Send, browser: str, returned: list[str]) -> Send:
        """Gradio answers the upload with the JSON list of cache paths: remember them as this browser's."""
        status, body = 0, bytearray()

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body") and status == 200:
                    try:
                        paths = json.loads(bytes(body))
                    except ValueError:
                        paths = []
                    kept = [p for p in paths if isinstance(p, str)] if isinstance(paths, list) else []
                    self.registry.record(browser, kept)
                    returned.extend(kept)
            await send(message)
        return wrapped


def _drop_unless_document(path: Path, registry: UploadRegistry) -> None:
    from ocr.errors import DocumentRejected
    from ocr.inputs import sniff

    try:
        with open(path, "rb") as handle:
            sniff(handle.read(1024))
    except DocumentRejected:
        discard(path, registry)
    except OSError:
        pass  # not moved into the cache yet (the second look decides), or already used and gone


async def _forbidden(send: Send) -> None:
    body = json.dumps({"error": "请从对话窗口上传文件 (upload through the chat widget)"}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
