"""Registering and withdrawing complaint tickets with the deadlines of 《银行业保险业消费投诉处理管理办法》.

The bank must decide within 15 days of receipt; it may extend to 30 days, and to 60 for complex
cases, and must record why. Deadlines are computed here, by code, never by generated text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.store.models import AuditLog, ComplaintTicket

DECISION_DAYS = 15
EXTENSION_DAYS = (30, 60)
REPEAT_WINDOW = timedelta(days=180)
_TICKET_LOCK = 7_241_002  # advisory-lock namespace for ticket numbering (db.py uses 7_241_001)


@dataclass(frozen=True)
class Complainant:
    channel: str
    user_id: str
    conversation_id: int | None


def ticket_prefix(received_at: datetime) -> str:
    return f"TS-{received_at:%Y%m%d}-"


def register_ticket(db: Session, who: Complainant, slots: dict[str, Any], urgent_reasons: list[str],
                    received_at: datetime, local_received_at: datetime) -> ComplaintTicket:
    """Create the ticket with its number and due date; a repeat complaint is urgent too.

    ``local_received_at`` is the same moment in the bank's time zone: the number carries the local date.
    """
    reasons = list(dict.fromkeys(urgent_reasons))
    if _is_repeat(db, who, slots, received_at):
        reasons.append("repeat")
    prefix = ticket_prefix(local_received_at)
    if db.get_bind().dialect.name == "postgresql":
        # Numbers are counted per day: with several workers, registrations of the same day take
        # turns (the lock is held until this turn commits), so each counts the others' tickets.
        day = int(re.sub(r"\D", "", prefix) or 0)
        db.execute(text("SELECT pg_advisory_xact_lock(:namespace, :day)"), {"namespace": _TICKET_LOCK, "day": day})
    for _attempt in range(5):  # a backstop: the unique index decides if two ever pick the same number
        count = db.scalar(select(func.count()).where(ComplaintTicket.number.like(prefix + "%"))) or 0
        ticket = ComplaintTicket(
            number=f"{prefix}{count + 1:04d}", conversation_id=who.conversation_id, channel=who.channel,
            user_id=who.user_id, company=slots.get("company") or "", credit_code=slots.get("credit_code"),
            contact_name=slots["contact_name"], mobile=slots["mobile"],
            business_type=slots.get("business_type") or "other",
            business_channel=slots.get("business_channel") or "other", category=slots.get("category") or "other",
            description=slots["description"],
            occurred_on=datetime.fromisoformat(slots["occurred_on"]).date() if slots.get("occurred_on") else None,
            amount=Decimal(slots["amount"]) if slots.get("amount") else None, request=slots.get("request") or "",
            status="registered", urgent=bool(reasons), urgent_reasons=reasons, received_at=received_at,
            due_at=received_at + timedelta(days=DECISION_DAYS),
            # what the client said that has no column of its own (the fee) stays with the ticket
            history=[{"at": received_at.isoformat(), "event": "registered", "by": "bot",
                      **({"fee_type": slots["fee_type"]} if slots.get("fee_type") else {})}],
        )
        try:
            with db.begin_nested():
                db.add(ticket)
                db.flush()
        except IntegrityError:
            continue
        db.add(AuditLog(at=received_at, actor="bot", action="complaint_registered", entity_type="complaint_ticket",
                        entity_id=ticket.number, detail={"urgent": ticket.urgent, "reasons": reasons}))
        return ticket
    raise RuntimeError("could not allocate a complaint ticket number")


def _is_repeat(db: Session, who: Complainant, slots: dict[str, Any], now: datetime) -> bool:
    same_client = [ComplaintTicket.user_id == who.user_id, ComplaintTicket.mobile == slots["mobile"]]
    if slots.get("credit_code"):
        same_client.append(ComplaintTicket.credit_code == slots["credit_code"])
    earlier = select(ComplaintTicket.id).where(or_(*same_client), ComplaintTicket.received_at >= now - REPEAT_WINDOW)
    return db.scalar(earlier.limit(1)) is not None


def extend_ticket(db: Session, ticket: ComplaintTicket, days: int, reason: str, by: str, now: datetime) -> None:
    """Extend the decision deadline to 30, then 60 days from receipt; the reason is mandatory.

    The steps go one way (15 → 30 → 60): a deadline is never shortened, skipped ahead or pushed
    past 60 days, and a withdrawn or closed ticket is not extended.
    """
    if days not in EXTENSION_DAYS:
        raise ValueError(f"延期只能是30日或60日 (extension must be one of {EXTENSION_DAYS} days)")
    if not reason.strip():
        raise ValueError("延期必须填写原因 (an extension needs a reason)")
    if ticket.status in ("withdrawn", "closed"):
        raise ValueError(
            f"工单 {ticket.number} 已撤回或已结束，不能延期 (ticket is {ticket.status}; it cannot be extended)")
    current = (ticket.extended_due_at - ticket.received_at).days if ticket.extended_due_at else DECISION_DAYS
    allowed = next((d for d in EXTENSION_DAYS if d > current), None)
    if allowed is None:
        raise ValueError(
            f"工单 {ticket.number} 已延期至{current}日，不能再延期 "
            f"(already extended to {current} days, the most allowed)")
    if days != allowed:
        raise ValueError(f"工单 {ticket.number} 目前为{current}日，下一次只能延期至{allowed}日 "
                         f"(at {current} days; the next extension is to {allowed} days)")
    ticket.extended_due_at = ticket.received_at + timedelta(days=days)
    ticket.extension_reason = reason
    ticket.history = [*ticket.history, {"at": now.isoformat(), "event": f"extended_{days}d", "by": by,
                                        "reason": reason}]
    db.add(AuditLog(at=now, actor=by, action="complaint_extended", entity_type="complaint_ticket",
                    entity_id=ticket.number, detail={"days": days, "reason": reason}))


def withdraw_ticket(db: Session, number: str, who: Complainant, reason: str, now: datetime,
                    mobile: str | None = None) -> ComplaintTicket | None:
    """Withdraw the client's own open ticket; ``None`` when there is no such ticket for this client.

    Theirs means lodged by this client on this channel, or carrying the ``mobile`` they give (a
    complaint lodged by phone or from another device).
    """
    ticket = db.scalar(select(ComplaintTicket).where(ComplaintTicket.number == number))
    digits = re.sub(r"\D", "", mobile or "")[-11:]
    theirs = ticket is not None and (ticket.user_id == who.user_id
                                     or (digits and re.sub(r"\D", "", ticket.mobile)[-11:] == digits))
    if ticket is None or not theirs or ticket.status in ("withdrawn", "closed"):
        return None
    ticket.status = "withdrawn"
    ticket.history = [*ticket.history, {"at": now.isoformat(), "event": "withdrawn", "by": "client", "reason": reason}]
    db.add(AuditLog(at=now, actor="bot", action="complaint_withdrawn", entity_type="complaint_ticket",
                    entity_id=number, detail={"reason": reason}))
    return ticket
