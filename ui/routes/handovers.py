"""The staff inbox API: conversations waiting for a person, claiming, replying, handing back, closing.

``GET /api/staff/handovers`` (filters: status waiting|held|closed|open, channel, mine),
``GET /api/staff/handovers/{id}`` (with the whole transcript), ``POST …/claim``, ``…/reply {"text"}``,
``…/release`` (back to the bot), ``…/close {"note"}``, ``…/assign {"assignee"}`` (supervisors).
The rules are in ``assistant.handover``; every call also marks the staff member as online.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from assistant.clock import utc_now
from assistant.handover import inbox, views
from assistant.handover.availability import Policy, touch
from assistant.handover.delivery import delivery_states
from assistant.staff_accounts import StaffIdentity
from ui.errors import ApiError
from ui.routes.deps import CurrentStaff as Staff
from ui.routes.deps import read_json_object, services

router = APIRouter(prefix="/api/staff/handovers", tags=["staff inbox"])
BODY_LIMIT = 64 * 1024  # a 20 KB reply reaches the length check and gets its clear message


def policy_of(request: Request) -> Policy:
    policy = services(request).manager.handover
    if policy is None:
        raise ApiError(404, "not_found")
    return policy


def _kick(request: Request) -> None:
    """A staff message for WeChat is pushed now, not at the next sweep."""
    pusher: Callable[[], None] | None = getattr(request.app.state, "kick_pushes", None)
    if pusher is not None:
        pusher()


def _run(request: Request, staff: StaffIdentity, action: Callable[..., Any]) -> Any:
    svc = services(request)
    policy = policy_of(request)
    with svc.sessions.begin() as db:
        now = utc_now(svc.clock)
        touch(db, staff.id, now)
        return action(db, now, policy)


async def _text_field(request: Request, name: str, required: bool) -> str:
    body = await read_json_object(request, BODY_LIMIT)
    value = body.get(name, "" if not required else None)
    if not isinstance(value, str):
        raise ApiError(400, "bad_field", field=name)
    return value


@router.get("", summary="The inbox: waiting, held and recently ended conversations")
def list_items(request: Request, staff: Staff, status: str | None = None, channel: str | None = None,
               mine: bool = False) -> list[dict[str, Any]]:
    return _run(request, staff, lambda db, now, policy: views.list_handovers(
        db, staff, now, policy, status=status, channel=channel, mine=mine))


@router.get("/{handover_id}", summary="One conversation waiting for or held by a person, with its transcript")
def item(request: Request, staff: Staff, handover_id: int) -> dict[str, Any]:
    def load(db, now, policy):  # type: ignore[no-untyped-def]
        found = views.detail(db, handover_id, staff, now, policy)
        states = delivery_states(db, [m["id"] for m in found["transcript"]])
        for message in found["transcript"]:
            message["delivery"] = states.get(message["id"])
        return found

    return _run(request, staff, load)


@router.post("/{handover_id}/claim")
def claim(request: Request, staff: Staff, handover_id: int) -> dict[str, Any]:
    _run(request, staff, lambda db, now, policy: inbox.claim(db, handover_id, staff, now))
    _kick(request)
    return item(request, staff, handover_id)


@router.post("/{handover_id}/reply", openapi_extra={"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
        "text": {"type": "string", "maxLength": inbox.MAX_REPLY_CHARS}}}}}}})
async def reply(request: Request, staff: Staff, handover_id: int) -> dict[str, Any]:
    text = await _text_field(request, "text", required=True)

    def send() -> dict[str, Any]:
        message = _run(request, staff, lambda db, now, policy: inbox.reply(db, handover_id, staff, text, now))
        return views.message_json(message)

    sent = await run_in_threadpool(send)
    _kick(request)
    return sent


@router.post("/{handover_id}/release", summary="Hand the conversation back to the bot")
def release(request: Request, staff: Staff, handover_id: int) -> dict[str, Any]:
    _run(request, staff, lambda db, now, policy: inbox.release(db, handover_id, staff, now))
    _kick(request)
    return item(request, staff, handover_id)


@router.post("/{handover_id}/close", openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
    "type": "object", "properties": {"note": {"type": "string", "maxLength": inbox.MAX_NOTE_CHARS}}}}}}})
async def close(request: Request, staff: Staff, handover_id: int) -> dict[str, Any]:
    note = await _text_field(request, "note", required=False)
    await run_in_threadpool(_run, request, staff, lambda db, now, policy: inbox.close(db, handover_id, staff, note,
                                                                                      now))
    _kick(request)
    return await run_in_threadpool(item, request, staff, handover_id)


@router.post("/{handover_id}/assign", summary="Give the conversation to a staff member (supervisors)")
async def assign(request: Request, staff: Staff, handover_id: int) -> dict[str, Any]:
    assignee = await _text_field(request, "assignee", required=True)
    await run_in_threadpool(_run, request, staff, lambda db, now, policy: inbox.assign(db, handover_id, staff,
                                                                                       assignee, now))
    _kick(request)
    return await run_in_threadpool(item, request, staff, handover_id)
