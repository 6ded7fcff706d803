"""Reading and writing conversation state. Every turn runs in one transaction, so a crash between
turns loses nothing and a crash inside one loses only that turn."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.store.models import Conversation, FlowState, Message

MAX_STORED_CHARS = 10_000  # a pasted 20 KB message is kept from its beginning; its length is noted


def aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; everything is stored in UTC, so read them back as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def conversation_for(db: Session, channel: str, user_id: str, session_id: str, now: datetime) -> Conversation:
    query = select(Conversation).where(Conversation.channel == channel, Conversation.user_id == user_id,
                                       Conversation.session_id == session_id)
    # Lock the conversation row (PostgreSQL) so two workers never interleave turns of one session.
    conversation = db.scalar(query.with_for_update())
    if conversation is None:
        conversation = Conversation(channel=channel, user_id=user_id, session_id=session_id, status="active",
                                    language="zh", started_at=now, last_active_at=now)
        db.add(conversation)
        db.flush()
    conversation.last_active_at = now
    return conversation


def safe_text(text: str) -> tuple[str, dict[str, Any]]:
    """Text as stored: NUL bytes removed (PostgreSQL rejects them), long text cut with a note."""
    cleaned = text.replace("\x00", "")
    meta: dict[str, Any] = {}
    if len(cleaned) > MAX_STORED_CHARS:
        meta = {"truncated": True, "length": len(cleaned)}
        cleaned = cleaned[:MAX_STORED_CHARS]
    return cleaned, meta


def add_message(db: Session, conversation: Conversation, role: str, text: str, now: datetime,
                route: str | None = None, meta: dict[str, Any] | None = None) -> Message:
    stored, notes = safe_text(text)
    message = Message(conversation_id=conversation.id, role=role, text=stored, route=route,
                      meta={**(meta or {}), **notes}, created_at=now)
    db.add(message)
    return message


def recent_user_texts(db: Session, conversation_id: int, limit: int = 4) -> list[str]:
    rows = db.scalars(select(Message.text).where(Message.conversation_id == conversation_id, Message.role == "user")
                      .order_by(Message.id.desc()).limit(limit))
    return list(reversed(list(rows)))


def active_flow(db: Session, channel: str, user_id: str) -> FlowState | None:
    return db.scalar(select(FlowState).where(FlowState.channel == channel, FlowState.user_id == user_id,
                                             FlowState.status == "active").order_by(FlowState.id.desc()).limit(1))


def known_company(db: Session, channel: str, user_id: str) -> str | None:
    """The company this client is applying or complaining for, when the conversation has told us:
    the active flow's company slot, else the company of their latest lead."""
    from assistant.store.models import Lead

    flow = active_flow(db, channel, user_id)
    company = ((flow.state or {}).get("slots") or {}).get("company") if flow is not None else None
    if company:
        return str(company)
    lead = db.scalar(select(Lead.company).where(Lead.channel == channel, Lead.user_id == user_id)
                     .order_by(Lead.id.desc()).limit(1))
    return lead or None


def transcript(db: Session, conversation_id: int) -> list[dict[str, Any]]:
    rows = db.scalars(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id))
    return [{"role": m.role, "text": m.text, "at": aware(m.created_at).isoformat(), "route": m.route} for m in rows]
