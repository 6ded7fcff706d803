"""The REST channel's routes: sessions, chat, streaming chat (SSE) and document upload.

``build_router(on_message, svc)`` is the whole channel: it turns requests into ``IncomingMessage``s,
hands each to ``on_message`` (the dialogue pipeline) and renders the turn's events as JSON or SSE.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from starlette.datastructures import UploadFile as StarletteUpload

from assistant.dialogue import IncomingMessage, Reply, TurnEvent, final_reply
from ui.channels.rest.render import RestChannel
from ui.channels.rest.schemas import ChatReply, NewSession
from ui.errors import ApiError
from ui.middleware.ratelimit import limit_session
from ui.routes.deps import read_json_object, safe_filename
from ui.services import Services
from ui.texts import request_language

OnMessage = Callable[[IncomingMessage], Iterator[TurnEvent]]
CHAT_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["message"],
    "properties": {"session_id": {"type": "string", "description": "From an earlier reply; omit to start one."},
                   "message": {"type": "string", "maxLength": 20000}}}}}}}
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}, "session_id": {"type": "string"},
                   "message": {"type": "string"}}}}}}}


def _session(svc: Services, body: dict[str, Any], lang: str) -> str:
    session_id = body.get("session_id")
    if session_id in (None, ""):
        return svc.signer.new_session_id()
    if not isinstance(session_id, str) or not svc.signer.session_ok(session_id):
        raise ApiError(404, "unknown_session", lang)
    return session_id


def build_router(on_message: OnMessage, svc: Services) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["chat"])
    channel = RestChannel()

    def reply_to(message: IncomingMessage) -> Reply:
        return final_reply(on_message(message))

    @router.post("/sessions", summary="Start a chat session", response_model=NewSession)
    def new_session() -> dict[str, str]:
        return {"session_id": svc.signer.new_session_id()}

    @router.post("/chat", summary="Send a message, get the reply", openapi_extra=CHAT_BODY,
                 response_model=ChatReply, response_model_exclude_unset=True)
    async def chat(request: Request) -> dict[str, Any]:
        body = await read_json_object(request, svc.settings.max_request_kb * 1024)
        lang = request_language(request, body.get("message") if isinstance(body.get("message"), str) else None)
        session_id = _session(svc, body, lang)
        limit_session(request, session_id, svc.settings.rate_chat_per_min_session, lang)
        message = channel.to_incoming(session_id, body)
        reply = await run_in_threadpool(reply_to, message)
        return channel.render(reply, session_id)

    @router.post("/chat/stream", summary="Send a message, get the reply as server-sent events",
                 openapi_extra=CHAT_BODY, response_class=StreamingResponse)
    async def chat_stream(request: Request) -> StreamingResponse:
        body = await read_json_object(request, svc.settings.max_request_kb * 1024)
        lang = request_language(request, body.get("message") if isinstance(body.get("message"), str) else None)
        session_id = _session(svc, body, lang)
        limit_session(request, session_id, svc.settings.rate_chat_per_min_session, lang)
        message = channel.to_incoming(session_id, body)

        def events() -> Iterator[str]:
            yield _sse("session", {"session_id": session_id})
            for event in on_message(message):
                if isinstance(event, Reply):
                    yield _sse("reply", channel.render(event, session_id))
                else:
                    yield _sse("delta", {"text": event.text})
            yield _sse("done", {})

        # A sync generator: Starlette iterates it in a worker thread, so the dialogue turn never blocks the loop.
        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.post("/chat/upload", summary="Upload an invoice, contract or licence (image or PDF) for checking",
                 openapi_extra=UPLOAD_BODY, response_model=ChatReply, response_model_exclude_unset=True)
    async def upload(request: Request) -> dict[str, Any]:
        limit = svc.settings.upload_max_mb * 1024 * 1024
        lang = request_language(request)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:  # refuse before spooling the file
            raise ApiError(413, "file_too_large", lang, mb=str(svc.settings.upload_max_mb))
        try:
            form = await request.form(max_files=1, max_fields=5)
        except Exception as exc:  # malformed multipart
            raise ApiError(400, "file_missing", lang) from exc
        upload = form.get("file")
        if not isinstance(upload, StarletteUpload | UploadFile):
            raise ApiError(400, "file_missing", lang)
        text = form.get("message") if isinstance(form.get("message"), str) else ""
        session_field = form.get("session_id")
        session_id = _session(svc, {"session_id": session_field if isinstance(session_field, str) else None}, lang)
        limit_session(request, session_id, svc.settings.rate_chat_per_min_session, lang)
        data = await upload.read(limit + 1)
        await form.close()
        if len(data) > limit:
            raise ApiError(413, "file_too_large", lang, mb=str(svc.settings.upload_max_mb))
        if not data:
            raise ApiError(400, "file_empty", lang)
        if not _known_type(data):
            raise ApiError(415, "file_type", lang)
        if "\x00" in (upload.filename or ""):
            raise ApiError(400, "bad_field", lang, field="filename")
        name = safe_filename(upload.filename)
        message = channel.upload(session_id, name, safe_filename(upload.content_type or "", ""), data, str(text))
        reply = await run_in_threadpool(reply_to, message)
        document = await run_in_threadpool(svc.document, reply.document_id)
        return channel.render(reply, session_id, document)

    return router


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _known_type(data: bytes) -> bool:
    """Decided by the bytes, as the OCR package does, never by the file name."""
    from ocr.errors import DocumentRejected
    from ocr.inputs import sniff

    try:
        sniff(data)
    except DocumentRejected:
        return False
    return True
