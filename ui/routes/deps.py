"""Request helpers and the dependencies shared by the routers (``SessionDep``, ``CurrentStaff``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from assistant.audit import record
from assistant.errors import UserError
from assistant.staff_accounts import StaffIdentity, identity
from ui.errors import ApiError
from ui.services import Services
from ui.texts import request_language

MAX_JSON_DIGITS = 40  # a longer number literal is no amount, id or count, only work for the parser


def services(request: Request) -> Services:
    return request.app.state.services


def staff_from_token(request: Request, token: str | None) -> StaffIdentity | None:
    """The staff member a bearer token or console cookie stands for, if the token is still valid."""
    svc = services(request)
    claims = svc.signer.read_staff_token(token) if token else None
    if claims is None:
        return None
    with svc.sessions() as db:
        return identity(db, claims.user_id, claims.version)


def current_staff(request: Request) -> StaffIdentity:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    staff = staff_from_token(request, token.strip()) if scheme.lower() == "bearer" else None
    if staff is None:
        raise ApiError(401, "unauthorised")
    request.state.staff = staff  # for the refusal audit in get_db
    return staff


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back when it raises.

    A refusal (a ``UserError``: not found, forbidden, conflict) is then audited in a transaction of
    its own, since the rollback took any audit row written inside with it.
    """
    svc = services(request)
    try:
        with svc.sessions.begin() as db:
            yield db
    except UserError as exc:
        staff: StaffIdentity | None = getattr(request.state, "staff", None)
        route = request.scope.get("route")
        params = request.path_params
        record(svc.sessions, staff.actor if staff else "anonymous", "refused",
               "lead" if "lead_id" in params else "complaint_ticket" if "number" in params else "staff_api",
               str(params.get("lead_id") or params.get("number") or "*"), datetime.now(UTC),
               attempted=f"{request.method} {getattr(route, 'path', request.url.path)}",
               code=exc.code, reason=str(exc)[:500])
        raise


# "function" scope: the transaction ends before the response is sent, so a failed commit is the
# client's error response rather than a silent loss after a 200.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]
CurrentStaff = Annotated[StaffIdentity, Depends(current_staff)]


def client_address(request: Request) -> str:
    """The peer address (uvicorn replaces it from X-Forwarded-For only for trusted proxies)."""
    return request.client.host if request.client else "unknown"


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


def safe_filename(name: str | None, default: str = "upload") -> str:
    """A client's file name for display and storage: no NUL or other control characters (PostgreSQL
    refuses NUL in text, and a control character in a log line can forge another line), no path."""
    cleaned = "".join(ch for ch in (name or "") if ch.isprintable()).replace("/", "_").replace("\\", "_")
    return cleaned.strip()[:200] or default


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _number(text: str) -> Any:
    if len(text.lstrip("-").replace(".", "").split("e")[0].split("E")[0]) > MAX_JSON_DIGITS:
        raise ValueError("number literal too long")
    return float(text) if any(c in text for c in ".eE") else int(text)


async def read_json_object(request: Request, limit: int) -> dict[str, Any]:
    raw = await read_limited(request, limit)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "not_utf8") from exc
    try:
        # parse_int/parse_float: a 5000-digit number is refused as malformed (Python's int() of it
        # raises ValueError past its digit limit, which json.loads would let through as a 500).
        data = json.loads(text, parse_int=_number, parse_float=_number) if text.strip() else None
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:  # RecursionError: "[[[[…" nested thousands deep
        raise ApiError(400, "bad_json", request_language(request)) from exc
    if not isinstance(data, dict) or _has_nul(data):  # "\u0000": no text field may hold it (PostgreSQL refuses it)
        raise ApiError(400, "bad_json")
    try:  # JSON may escape lone surrogates ("\ud800"): not text, and neither the store nor a reply can hold them
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, RecursionError) as exc:
        raise ApiError(400, "not_utf8") from exc
    return data
