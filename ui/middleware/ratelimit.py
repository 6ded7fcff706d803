"""Rate limits for the public API and the staff API: per address in middleware, per session in the route.

Counts are kept in this worker's memory (a sliding window of one minute per key): with N
workers an address gets at most N times the limit, which is what a per-worker limit can promise
(the login throttle, which must hold across workers, is in the database instead). A refusal is a
429 with Retry-After and a message in the client's language.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from ui.texts import message as ui_text

WINDOW_S = 60.0
MAX_KEYS = 20_000  # beyond this many tracked keys the oldest are forgotten (memory stays bounded)


@dataclass
class RateLimiter:
    clock: Callable[[], float] = time.monotonic
    _hits: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, key: str, per_minute: int) -> float:
        """Count one request; 0 when allowed, else the seconds until the next would be."""
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= MAX_KEYS:
                    self._hits.pop(next(iter(self._hits)))
                hits = self._hits[key] = deque()
            while hits and now - hits[0] >= WINDOW_S:
                hits.popleft()
            if len(hits) >= per_minute:
                return max(0.1, WINDOW_S - (now - hits[0]))
            hits.append(now)
            return 0.0


@dataclass(frozen=True)
class Rule:
    prefix: str
    per_minute: int
    name: str
    methods: tuple[str, ...] = ("POST",)


class AddressRateLimits:
    """The first rule whose prefix matches the path counts the request against the peer address."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, rules: list[Rule]) -> None:
        self.app, self.limiter, self.rules = app, limiter, rules

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, method = scope.get("path", ""), scope.get("method", "GET")
            rule = next((r for r in self.rules if path.startswith(r.prefix) and method in r.methods), None)
            if rule is not None:
                client = scope.get("client")
                address = client[0] if client else "unknown"
                wait = self.limiter.hit(f"{rule.name}:{address}", rule.per_minute)
                if wait:
                    await too_many(send, scope, wait)
                    return
        await self.app(scope, receive, send)


def language_of(scope: Scope) -> str:
    accept = next((v for n, v in scope.get("headers", []) if n == b"accept-language"), b"")
    return "en" if accept.lower().startswith(b"en") else "zh"


async def too_many(send: Send, scope: Scope, wait: float) -> None:
    seconds = str(math.ceil(wait))
    body = json.dumps({"error": ui_text("rate_limited", language_of(scope), seconds=seconds)},
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", seconds.encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def limit_session(request: Any, session_id: str, per_minute: int, lang: str) -> None:
    """Count one message of a chat session (the per-address limit is the middleware's); 429 past it."""
    from ui.errors import ApiError

    limiter: RateLimiter | None = getattr(request.app.state, "limiter", None)
    wait = limiter.hit(f"session:{session_id}", per_minute) if limiter is not None else 0.0
    if wait:
        seconds = str(math.ceil(wait))
        raise ApiError(429, "rate_limited", lang, headers={"Retry-After": seconds}, seconds=seconds)
