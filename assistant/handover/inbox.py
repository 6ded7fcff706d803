"""The staff inbox: a conversation enters it, a staff member claims it, replies, releases or closes it.

Every change is one database transaction that first locks the conversation row (the same lock a
client's turn takes), so a staff reply and a client message of one conversation never interleave,
message ids grow in commit order within a conversation (``?after=ID`` never skips one), and any
worker can serve any step. Every action is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.dialogue.repository import add_message
from assistant.handover import texts
from assistant.handover.availability import Availability, Policy, availability, callback_due
from assistant.review import Conflict, Forbidden, NotFound, ReviewError
from assistant.staff_accounts import StaffIdentity
from assistant.store.models import AuditLog, CallbackTask, Conversation, Handover, Message, StaffDelivery, StaffUser

OPEN = ("waiting", "held")
ENDED = ("released", "closed")
REASONS = ("client_asked", "flow_gave_up", "unanswered", "urgent_complaint")
MAX_REPLY_CHARS = 2000  # WeChat's customer-service text is limited too; longer replies are refused, not cut
MAX_NOTE_CHARS = 2000
PUSHED_CHANNELS = ("wechat",)  # channels without a page that polls: staff messages are pushed to them
CANCEL = re.compile(r"^\s*(取消|不用了|算了|不转了|取消人工|返回机器人|cancel|never\s?mind)[吧了啦。.!！\s]*$", re.I)


@dataclass(frozen=True)
class Entered:
    handover: Handover
    new: bool
    availability: Availability
    callback: CallbackTask | None
    ahead: int  # clients waiting before this one


def _audit(db: Session, actor: str, action: str, handover_id: int, now: datetime, **detail: Any) -> None:
    db.add(AuditLog(at=now, actor=actor, action=action, entity_type="handover", entity_id=str(handover_id),
                    detail=detail))


def open_handover(db: Session, conversation_id: int) -> Handover | None:
    return db.scalar(select(Handover).where(Handover.conversation_id == conversation_id, Handover.status.in_(OPEN))
                     .order_by(Handover.id.desc()).limit(1))


def ahead_of(db: Session, handover: Handover) -> int:
    """Clients waiting before this one: urgent ones go first, then first come first served."""
    if handover.status != "waiting":
        return 0
    query = select(func.count()).select_from(Handover).where(Handover.status == "waiting", Handover.id != handover.id)
    if handover.urgent:
        query = query.where(Handover.urgent.is_(True), Handover.id < handover.id)
    else:
        query = query.where((Handover.urgent.is_(True)) | (Handover.id < handover.id))
    return db.scalar(query) or 0


def open_callback(db: Session, handover_id: int) -> CallbackTask | None:
    return db.scalar(select(CallbackTask).where(CallbackTask.handover_id == handover_id,
                                                CallbackTask.status == "open").limit(1))


def book_callback(db: Session, handover: Handover, reason: str, policy: Policy, now: datetime) -> CallbackTask:
    task = open_callback(db, handover.id)
    if task is None:
        task = CallbackTask(handover_id=handover.id, reason=reason, status="open", urgent=handover.urgent,
                            due_at=callback_due(policy, now), created_at=now)
        db.add(task)
        db.flush()
        _audit(db, "system", "callback_booked", handover.id, now, reason=reason, due_at=task.due_at.isoformat())
    return task


def enter(db: Session, conversation: Conversation, now: datetime, policy: Policy, reason: str = "client_asked",
          urgent: bool = False, facts: dict[str, Any] | None = None, lead_id: int | None = None,
          ticket_number: str | None = None) -> Entered:
    """Put the conversation in the inbox (once: asking again keeps the client's place in the queue).

    The caller holds the conversation row (the client's turn locked it)."""
    if reason not in REASONS:
        raise ValueError(f"unknown hand-over reason {reason!r}")
    conversation.status, conversation.handover_at = "handover", now
    existing = open_handover(db, conversation.id)
    handover, new = existing, existing is None
    if handover is None:
        handover = Handover(conversation_id=conversation.id, channel=conversation.channel, status="waiting",
                            reason=reason, urgent=urgent, facts=facts or {}, lead_id=lead_id,
                            ticket_number=ticket_number, requested_at=now, updated_at=now)
        db.add(handover)
        db.flush()
        _audit(db, "bot", "handover_requested", handover.id, now, reason=reason, urgent=urgent)
    else:
        handover.urgent = handover.urgent or urgent
        handover.facts = {**(handover.facts or {}), **(facts or {})}
        handover.lead_id = handover.lead_id or lead_id
        handover.ticket_number = handover.ticket_number or ticket_number
        handover.updated_at = now
    avail = availability(db, policy, now)
    callback = None
    if not avail.live and handover.status == "waiting":
        callback = book_callback(db, handover, "after_hours" if not avail.open_now else "no_staff", policy, now)
    return Entered(handover, new, avail, callback, ahead_of(db, handover))


# staff actions ----------------------------------------------------------------------------------
def locked(db: Session, handover_id: int) -> Handover:
    """The hand-over with its conversation row locked first (the order every writer uses)."""
    handover = db.get(Handover, handover_id)
    if handover is None:
        raise NotFound(f"没有编号为 {handover_id} 的人工会话")
    db.scalar(select(Conversation).where(Conversation.id == handover.conversation_id).with_for_update())
    handover = db.scalar(select(Handover).where(Handover.id == handover_id).with_for_update()
                         .execution_options(populate_existing=True))
    assert handover is not None
    return handover


def display_name(db: Session, staff_id: int | None) -> str:
    user = db.get(StaffUser, staff_id) if staff_id is not None else None
    return user.display_name if user is not None else ""


def _notice(db: Session, handover: Handover, key: str, now: datetime, **values: object) -> Message:
    """A line the client reads about the hand-over itself (joined, handed back, ended)."""
    conversation = db.get(Conversation, handover.conversation_id)
    assert conversation is not None
    message = add_message(db, conversation, "bot", texts.text(key, conversation.language, **values), now,
                          route="handover", meta={"notice": key, "handover_id": handover.id})
    db.flush()
    _push_if_needed(db, handover, message, now)
    return message


def tell_client(db: Session, conversation_id: int, text: str, now: datetime, notice: str) -> Message:
    """A message the bank owes the client outside any turn (a complaint extended, say): stored in
    their conversation, so the widget and REST clients read it, and pushed on channels without a
    page that polls (WeChat), through the same outbox as staff replies."""
    conversation = db.get(Conversation, conversation_id)
    assert conversation is not None
    message = add_message(db, conversation, "bot", text, now, route="notice", meta={"notice": notice})
    db.flush()
    if conversation.channel in PUSHED_CHANNELS:
        db.add(StaffDelivery(message_id=message.id, channel=conversation.channel, status="pending", attempts=0,
                             updated_at=now))
    return message


def _push_if_needed(db: Session, handover: Handover, message: Message, now: datetime) -> None:
    if handover.channel in PUSHED_CHANNELS:
        db.add(StaffDelivery(message_id=message.id, channel=handover.channel, status="pending", attempts=0,
                             updated_at=now))


def _holder_name(db: Session, handover: Handover) -> str:
    user = db.get(StaffUser, handover.assignee_id) if handover.assignee_id else None
    return user.username if user is not None else "?"


def claim(db: Session, handover_id: int, staff: StaffIdentity, now: datetime) -> Handover:
    handover = locked(db, handover_id)
    if handover.status in ENDED:
        raise Conflict("该会话已结束，不能认领")
    if handover.status == "held":
        if handover.assignee_id == staff.id:
            return handover  # a double click claims once
        raise Conflict(f"该会话已由 {_holder_name(db, handover)} 接待")
    handover.status, handover.assignee_id, handover.claimed_at, handover.updated_at = "held", staff.id, now, now
    _audit(db, staff.actor, "handover_claimed", handover.id, now)
    _notice(db, handover, "claimed", now, name=display_name(db, staff.id))
    return handover


def _check_holder(db: Session, handover: Handover, staff: StaffIdentity) -> None:
    if handover.status in ENDED:
        raise Conflict("该会话已结束（已转回机器人或已关闭），消息未发送")
    if handover.status == "waiting":
        raise Conflict("请先认领该会话再回复")
    if handover.assignee_id != staff.id:
        raise Forbidden(f"该会话由 {_holder_name(db, handover)} 接待，您不能代为回复（主管可以改派）")


def clean_reply(text: str) -> str:
    body = (text or "").replace("\x00", "").strip()
    if not body:
        raise ReviewError("回复内容不能为空")
    if len(body) > MAX_REPLY_CHARS:
        raise ReviewError(f"回复过长：{len(body)} 字，最多 {MAX_REPLY_CHARS} 字，请分几条发送")
    return body


def reply(db: Session, handover_id: int, staff: StaffIdentity, text: str, now: datetime) -> Message:
    """A staff message to the client; HTML in it is kept as text (every channel shows it escaped)."""
    body = clean_reply(text)
    handover = locked(db, handover_id)
    _check_holder(db, handover, staff)
    conversation = db.get(Conversation, handover.conversation_id)
    assert conversation is not None
    name = display_name(db, staff.id)
    message = add_message(db, conversation, "staff", body, now, route="handover",
                          meta={"staff_id": staff.id, "staff_name": name, "handover_id": handover.id})
    db.flush()
    handover.updated_at = now
    _push_if_needed(db, handover, message, now)
    _audit(db, staff.actor, "handover_replied", handover.id, now, message_id=message.id, chars=len(body))
    return message


def _end(db: Session, handover_id: int, staff: StaffIdentity, now: datetime, status: str, note: str | None) -> Handover:
    handover = locked(db, handover_id)
    if handover.status in ENDED:
        raise Conflict("该会话已结束")
    if handover.status == "held" and handover.assignee_id != staff.id and not staff.sees_all:
        raise Forbidden(f"该会话由 {_holder_name(db, handover)} 接待")
    handover.status, handover.ended_at, handover.updated_at = status, now, now
    if note is not None:
        handover.note = note
    conversation = db.get(Conversation, handover.conversation_id)
    assert conversation is not None
    conversation.status = "active"  # the bot answers the client's next message
    for task in db.scalars(select(CallbackTask).where(CallbackTask.handover_id == handover.id,
                                                      CallbackTask.status == "open")):
        task.status, task.done_at = "done", now
    _audit(db, staff.actor, f"handover_{status}", handover.id, now, **({"note": note} if note else {}))
    _notice(db, handover, status, now)
    return handover


def release(db: Session, handover_id: int, staff: StaffIdentity, now: datetime) -> Handover:
    """Back to the bot."""
    return _end(db, handover_id, staff, now, "released", None)


def close(db: Session, handover_id: int, staff: StaffIdentity, note: str, now: datetime) -> Handover:
    note = (note or "").replace("\x00", "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise ReviewError(f"备注最多 {MAX_NOTE_CHARS} 字")
    return _end(db, handover_id, staff, now, "closed", note)


def assign(db: Session, handover_id: int, staff: StaffIdentity, assignee: str, now: datetime) -> Handover:
    """Supervisors give a conversation to someone (themselves included)."""
    if not staff.sees_all:
        raise Forbidden("只有主管或管理员可以改派会话")
    user = db.scalar(select(StaffUser).where(StaffUser.username == assignee.strip()[:64]))
    if user is None or not user.active:
        raise ReviewError(f"没有在职的工作人员 {assignee}")
    handover = locked(db, handover_id)
    if handover.status in ENDED:
        raise Conflict("该会话已结束，不能改派")
    if handover.status == "held" and handover.assignee_id == user.id:
        return handover
    previous = _holder_name(db, handover) if handover.assignee_id else None
    handover.status, handover.assignee_id, handover.updated_at = "held", user.id, now
    handover.claimed_at = handover.claimed_at or now
    _audit(db, staff.actor, "handover_assigned", handover.id, now, to=user.username, previous=previous)
    _notice(db, handover, "claimed", now, name=user.display_name)
    return handover


# the client's side ------------------------------------------------------------------------------
def cancel_by_client(db: Session, handover: Handover, now: datetime) -> bool:
    """A client still waiting may take the request back ("取消"); once a person has them it goes to staff."""
    if handover.status != "waiting":
        return False
    handover.status, handover.ended_at, handover.updated_at, handover.note = "released", now, now, "客户取消"
    conversation = db.get(Conversation, handover.conversation_id)
    assert conversation is not None
    conversation.status = "active"
    for task in db.scalars(select(CallbackTask).where(CallbackTask.handover_id == handover.id,
                                                      CallbackTask.status == "open")):
        task.status, task.done_at = "done", now
    _audit(db, "client", "handover_cancelled", handover.id, now)
    return True
