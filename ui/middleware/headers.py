"""Security headers on every response (pure ASGI, so streamed and Gradio responses get them too).

- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy`` everywhere;
- ``Strict-Transport-Security`` only on requests that came over TLS (directly, or as reported by
  a proxy uvicorn trusts), since HSTS over plain HTTP is ignored and would mislead;
- the widget may be framed only by this service and the sites in ``SME_FRAME_ANCESTORS``;
  everything else may not be framed at all. A route's own CSP (the console's) is kept.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Gradio's front end runs inline scripts and styles and builds workers from blobs; it fetches
# nothing from other sites, so connect/img/font stay on this origin.
WIDGET_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
              "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
              "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
              "base-uri 'self'; frame-ancestors {ancestors}")
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, widget_path: str, frame_ancestors: list[str], hsts_max_age_s: int) -> None:
        self.app, self.widget_path, self.hsts_max_age_s = app, widget_path.rstrip("/"), hsts_max_age_s
        ancestors = " ".join(["'self'", *[a for a in frame_ancestors if _safe_source(a)]])
        self.widget_csp = WIDGET_CSP.format(ancestors=ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        widget = path == self.widget_path or path.startswith(self.widget_path + "/")
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                if widget:
                    headers.setdefault("Content-Security-Policy", self.widget_csp)
                else:
                    headers.setdefault("Content-Security-Policy", API_CSP if not path.startswith("/docs")
                                       else "frame-ancestors 'none'")
                    headers.setdefault("X-Frame-Options", "DENY")
                if tls and self.hsts_max_age_s:
                    headers.setdefault("Strict-Transport-Security", f"max-age={self.hsts_max_age_s}; includeSubDomains")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _safe_source(source: str) -> bool:
    """A CSP source as a setting may give it: a scheme and host, no spaces or policy separators."""
    return source.startswith(("https://", "http://")) and not any(c in source for c in " ;,'\"")
