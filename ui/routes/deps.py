"""Request helpers shared by the routers."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from ui.errors import ApiError
from ui.services import Services
from ui.texts import request_language


def services(request: Request) -> Services:
    return request.app.state.services


async def read_limited(request: Request, limit: int) -> bytes:
    """The body, refused past ``limit`` bytes even when the client sends no Content-Length."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "body_too_large", kb=str(limit // 1024))
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, "body_too_large", kb=str(limit // 1024))
    return bytes(body)


async def read_json_object(request: Request, limit: int) -> dict[str, Any]:
    raw = await read_limited(request, limit)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "not_utf8") from exc
    try:
        data = json.loads(text) if text.strip() else None
    except (json.JSONDecodeError, RecursionError) as exc:  # RecursionError: "[[[[…" nested thousands deep
        raise ApiError(400, "bad_json", request_language(request)) from exc
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json")
    try:  # JSON may escape lone surrogates ("\ud800"): not text, and neither the store nor a reply can hold them
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, RecursionError) as exc:
        raise ApiError(400, "not_utf8") from exc
    return data
