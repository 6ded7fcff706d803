"""What staff and clients read from the inbox: the list, one item with its transcript, new messages.

An agent sees waiting conversations (to claim them) and their own; supervisors and admins see all.
Mobiles and credit codes are masked unless the viewer holds the conversation or sees all, as in
the lead and complaint queues; every staff view is audited (PIPL).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.dialogue.repository import aware
from assistant.handover.availability import Policy, local_text
from assistant.handover.inbox import ENDED, OPEN, ahead_of, open_callback
from assistant.privacy import mask_text
from assistant.review import Forbidden, NotFound, ReviewError
from assistant.staff_accounts import StaffIdentity
from assistant.store.models import AuditLog, Conversation, Handover, Message, StaffUser

STATUS_FILTERS = {"waiting": ("waiting",), "held": ("held",), "closed": ENDED, "open": OPEN}
ROLE_OUT = {"user": "client", "bot": "bot", "staff": "staff"}


def _mask_deep(value: Any) -> Any:
    """Every string inside the collected facts masked (mobiles, credit codes, ID numbers)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _mask_deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_deep(v) for v in value]
    return value


def _iso(moment: datetime | None) -> str | None:
    return aware(moment).isoformat() if moment else None


def visible(handover: Handover, staff: StaffIdentity) -> bool:
    return staff.sees_all or handover.status == "waiting" or handover.assignee_id == staff.id


def unmasked(handover: Handover, staff: StaffIdentity) -> bool:
    return staff.sees_all or (handover.assignee_id == staff.id and handover.status == "held")


def message_json(message: Message, full: bool = True) -> dict[str, Any]:
    meta = message.meta or {}
    return {"id": message.id, "role": ROLE_OUT.get(message.role, message.role),
            "text": message.text if full else mask_text(message.text), "at": _iso(message.created_at),
            "staff_name": meta.get("staff_name") if message.role == "staff" else None,
            "notice": meta.get("notice")}


def wechat_window(db: Session, conversation_id: int, now: datetime, policy: Policy) -> dict[str, Any]:
    """WeChat accepts customer-service messages for 48 hours after the client's last message."""
    last = db.scalar(select(Message.created_at).where(Message.conversation_id == conversation_id,
                                                      Message.role == "user").order_by(Message.id.desc()).limit(1))
    if last is None:
        return {"open": False, "closes_at": None}
    closes = aware(last) + policy.wechat_window
    return {"open": closes > now, "closes_at": closes.isoformat(), "closes_local": local_text(closes, policy.timezone)}


def item_json(db: Session, handover: Handover, staff: StaffIdentity, now: datetime, policy: Policy,
              names: dict[int, tuple[str, str]]) -> dict[str, Any]:
    full = unmasked(handover, staff)
    recent = list(db.scalars(select(Message).where(Message.conversation_id == handover.conversation_id,
                                                   Message.role == "user").order_by(Message.id.desc()).limit(3)))
    task = open_callback(db, handover.id)
    assignee = names.get(handover.assignee_id) if handover.assignee_id else None
    item: dict[str, Any] = {
        "id": handover.id, "conversation_id": handover.conversation_id, "channel": handover.channel,
        "status": handover.status, "reason": handover.reason, "urgent": handover.urgent,
        "waiting_since": _iso(handover.requested_at), "waiting_since_local": local_text(handover.requested_at,
                                                                                         policy.timezone),
        "claimed_at": _iso(handover.claimed_at), "ended_at": _iso(handover.ended_at), "note": handover.note,
        "assignee": assignee[0] if assignee else None, "assignee_name": assignee[1] if assignee else None,
        "queue_position": ahead_of(db, handover) + 1 if handover.status == "waiting" else None,
        "last_messages": [message_json(m, full) for m in reversed(recent)],
        "facts": handover.facts if full else _mask_deep(handover.facts or {}),
        "lead_id": handover.lead_id, "ticket_number": handover.ticket_number, "masked": not full,
        "callback": {"id": task.id, "reason": task.reason, "due_at": _iso(task.due_at),
                     "due_local": local_text(task.due_at, policy.timezone)} if task is not None else None,
        "updated_at": _iso(handover.updated_at),
    }
    if handover.channel == "wechat":
        item["wechat_window"] = wechat_window(db, handover.conversation_id, now, policy)
    return item


def _names(db: Session, ids: set[int | None]) -> dict[int, tuple[str, str]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.execute(select(StaffUser.id, StaffUser.username, StaffUser.display_name).where(StaffUser.id.in_(wanted)))
    return {row[0]: (row[1], row[2]) for row in rows}


def list_handovers(db: Session, staff: StaffIdentity, now: datetime, policy: Policy, status: str | None = None,
                   channel: str | None = None, mine: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    """The inbox, urgent and longest-waiting first; ended ones (``status=closed``) newest first."""
    if status and status not in STATUS_FILTERS:
        raise ReviewError(f"未知的会话状态筛选：{status}（可用 waiting、held、closed、open）")
    query = select(Handover)
    if status:
        query = query.where(Handover.status.in_(STATUS_FILTERS[status]))
    else:
        query = query.where(Handover.status.in_(OPEN) | (Handover.updated_at >= now - timedelta(days=1)))
    if channel:
        query = query.where(Handover.channel == channel[:32])
    if mine:
        query = query.where(Handover.assignee_id == staff.id)
    elif not staff.sees_all:
        query = query.where((Handover.status == "waiting") | (Handover.assignee_id == staff.id))
    if status == "closed":
        query = query.order_by(Handover.updated_at.desc())
    else:
        query = query.order_by((Handover.status != "waiting"), Handover.urgent.desc(), Handover.id)
    items = list(db.scalars(query.limit(max(1, min(limit, 500)))))
    names = _names(db, {h.assignee_id for h in items})
    db.add(AuditLog(at=now, actor=staff.actor, action="handovers_listed", entity_type="handover", entity_id="*",
                    detail={"ids": [h.id for h in items], "status": status, "channel": channel}))
    return [item_json(db, h, staff, now, policy, names) for h in items]


def detail(db: Session, handover_id: int, staff: StaffIdentity, now: datetime, policy: Policy) -> dict[str, Any]:
    """One item with the whole transcript of its conversation."""
    handover = db.get(Handover, handover_id)
    if handover is None:
        raise NotFound(f"没有编号为 {handover_id} 的人工会话")
    if not visible(handover, staff):
        raise Forbidden("该会话由其他工作人员接待")
    item = item_json(db, handover, staff, now, policy, _names(db, {handover.assignee_id}))
    full = unmasked(handover, staff)
    messages = db.scalars(select(Message).where(Message.conversation_id == handover.conversation_id)
                          .order_by(Message.id))
    item["transcript"] = [message_json(m, full) for m in messages]
    db.add(AuditLog(at=now, actor=staff.actor, action="handover_viewed", entity_type="handover",
                    entity_id=str(handover.id), detail={"masked": not full}))
    return item


def client_messages(db: Session, conversation: Conversation, after: int = 0, limit: int = 200) -> list[dict[str, Any]]:
    """Every message of the session after ``after`` (its id), oldest first, as the client may read them."""
    rows = db.scalars(select(Message).where(Message.conversation_id == conversation.id, Message.id > after)
                      .order_by(Message.id).limit(max(1, min(limit, 500))))
    return [message_json(m) for m in rows]
