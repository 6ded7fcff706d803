"""The WeChat Official Account API calls the bridge needs: access token, customer-service text
messages (the way to answer after the 5-second passive-reply window) and media download.

The access token is cached until shortly before it expires and refreshed once when WeChat says it
is invalid (another server may have refreshed it). The base URL is a setting so a test or a
proxy can stand in for api.weixin.qq.com.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

TOKEN_ERRORS = {40001, 40014, 42001}  # invalid / malformed / expired access token
REFRESH_MARGIN_S = 300


class WeChatApiError(Exception):
    def __init__(self, message: str, errcode: int | None = None) -> None:
        super().__init__(message)
        self.errcode = errcode  # WeChat's code when it refused (45015: outside the 48 hours, …)


class WeChatApi:
    def __init__(self, base_url: str, appid: str, secret: str, timeout_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base = base_url.rstrip("/")
        self.appid, self._secret = appid, secret
        self._http = httpx.Client(timeout=timeout_s)
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.token_fetches = 0  # how often a token was fetched: the cache is observable

    def access_token(self, refresh: bool = False) -> str:
        with self._lock:
            if refresh or self._token is None or self._clock() >= self._expires_at:
                response = self._http.get(f"{self.base}/cgi-bin/token", params={
                    "grant_type": "client_credential", "appid": self.appid, "secret": self._secret})
                data = _json(response)
                if "access_token" not in data:
                    raise WeChatApiError(f"access token refused: {data.get('errcode')} {data.get('errmsg')}")
                self.token_fetches += 1
                self._token = str(data["access_token"])
                self._expires_at = self._clock() + max(60, int(data.get("expires_in", 7200)) - REFRESH_MARGIN_S)
            return self._token

    def _with_token(self, call: Callable[[str], httpx.Response]) -> httpx.Response:
        response = call(self.access_token())
        if _is_token_error(response):
            response = call(self.access_token(refresh=True))
        return response

    def send_text(self, openid: str, content: str) -> None:
        # WeChat shows \\u escapes literally, so the JSON is sent as UTF-8 text, not ASCII-escaped.
        body = json.dumps({"touser": openid, "msgtype": "text", "text": {"content": content}}, ensure_ascii=False)
        response = self._with_token(lambda token: self._http.post(
            f"{self.base}/cgi-bin/message/custom/send", params={"access_token": token},
            content=body.encode("utf-8"), headers={"Content-Type": "application/json; charset=utf-8"}))
        data = _json(response)
        if data.get("errcode", 0) != 0:
            raise WeChatApiError(f"customer-service message refused: {data.get('errcode')} {data.get('errmsg')}",
                                 _code(data.get("errcode")))

    def download_media(self, media_id: str, max_bytes: int) -> bytes:
        response = self._with_token(lambda token: self._http.get(
            f"{self.base}/cgi-bin/media/get", params={"access_token": token, "media_id": media_id}))
        if response.headers.get("content-type", "").startswith(("application/json", "text/plain")):
            data = _json(response)
            raise WeChatApiError(f"media download refused: {data.get('errcode')} {data.get('errmsg')}")
        if len(response.content) > max_bytes:
            raise WeChatApiError("media too large")
        response.raise_for_status()
        return response.content

    def close(self) -> None:
        self._http.close()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        raise WeChatApiError(f"unexpected answer: HTTP {response.status_code}") from exc
    return data if isinstance(data, dict) else {}


def _code(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _is_token_error(response: httpx.Response) -> bool:
    if not response.headers.get("content-type", "").startswith(("application/json", "text/plain")):
        return False
    try:
        return response.json().get("errcode") in TOKEN_ERRORS
    except ValueError:
        return False
