"""Messages the client did not ask for: a staff member's replies reach REST clients and the widget.

``GET /api/chat/{session_id}/messages?after=ID`` lists every message of the session after ``ID``
(role client/bot/staff, text, time, staff display name) with the hand-over state;
``GET /api/chat/{session_id}/events`` streams new ones as server-sent events (``id:`` is the message
id, so a reconnecting ``EventSource`` resumes with ``Last-Event-ID`` and misses nothing). Both read
the database, so any worker serves them.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from assistant.handover.client import state_json
from assistant.handover.inbox import open_handover
from assistant.handover.views import client_messages
from assistant.store.models import Conversation
from ui.errors import ApiError
from ui.services import Services
from ui.texts import request_language

CLIENT_CHANNELS = ("api", "web")  # the session ids the signer issues serve both
POLL_S = 0.5  # how often a stream looks for new messages: well inside the 2-second promise
STREAM_S = 300.0  # a stream ends after this; EventSource reconnects by itself
HEARTBEAT_S = 15.0


def session_snapshot(svc: Services, session_id: str, after: int) -> dict[str, Any]:
    """The messages after ``after`` and the hand-over state of one client session."""
    policy = svc.manager.handover
    with svc.sessions() as db:
        conversation = db.scalar(select(Conversation).where(Conversation.session_id == session_id,
                                                            Conversation.channel.in_(CLIENT_CHANNELS))
                                 .order_by(Conversation.id.desc()).limit(1))
        if conversation is None:
            return {"messages": [], "handover": {"status": "none"}}
        handover = open_handover(db, conversation.id)
        state = state_json(db, handover, policy) if policy is not None else {"status": "none"}
        return {"messages": client_messages(db, conversation, after), "handover": state}


def _after(value: str | None) -> int:
    if value in (None, ""):
        return 0
    if not value.isdigit() or len(value) > 18:
        raise ApiError(400, "bad_field", field="after")
    return int(value)


def build_messages_router(svc: Services) -> APIRouter:
    router = APIRouter(prefix="/api/chat", tags=["chat"])

    def checked(request: Request, session_id: str) -> None:
        if not svc.signer.session_ok(session_id):
            raise ApiError(404, "unknown_session", request_language(request))

    @router.get("/{session_id}/messages", summary="Every message of the session after ?after=ID, staff replies "
                                                  "included")
    def messages(request: Request, session_id: str, after: str | None = None) -> dict[str, Any]:
        checked(request, session_id)
        return {"session_id": session_id, **session_snapshot(svc, session_id, _after(after))}

    @router.get("/{session_id}/events", summary="New messages of the session as server-sent events",
                response_class=StreamingResponse)
    async def events(request: Request, session_id: str, after: str | None = None) -> StreamingResponse:
        checked(request, session_id)
        start = _after(request.headers.get("last-event-id") or after)

        async def stream() -> AsyncIterator[str]:
            last, state, started, beat = start, None, time.monotonic(), time.monotonic()
            yield "retry: 1000\n\n"
            while time.monotonic() - started < STREAM_S and not await request.is_disconnected():
                snapshot = await run_in_threadpool(session_snapshot, svc, session_id, last)
                if snapshot["handover"] != state:
                    state = snapshot["handover"]
                    yield f"event: handover\ndata: {json.dumps(state, ensure_ascii=False)}\n\n"
                for message in snapshot["messages"]:
                    last = message["id"]
                    yield f"id: {last}\nevent: message\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"
                if time.monotonic() - beat > HEARTBEAT_S:
                    beat = time.monotonic()
                    yield ": keep-alive\n\n"
                await asyncio.sleep(POLL_S)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return router
