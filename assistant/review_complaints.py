"""The staff side of complaints and the dashboard: queue, detail view, actions, figures.

Extensions follow the regulation's "senior approval": an agent asks, a supervisor (or admin)
grants; a supervisor's own extension is granted at once. Closed and withdrawn tickets cannot be
claimed, so nobody gains sight of their data by claiming them.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.complaints.tickets import extend_ticket
from assistant.complaints.transitions import ALLOWED
from assistant.dialogue.repository import aware
from assistant.labels import TICKET_STATUSES
from assistant.masking import mask, sees_unmasked
from assistant.review import (
    OPEN_LEAD,
    TIERS,
    Conflict,
    Forbidden,
    NotFound,
    ReviewError,
    audit,
    conversation_of,
    documents,
    iso,
    usernames,
)
from assistant.staff_accounts import StaffIdentity
from assistant.staff_views import Dashboard, TicketAction, TicketDetail, TicketRow
from assistant.store.models import ComplaintTicket, Lead

BANK_ZONE = ZoneInfo("Asia/Shanghai")  # callers pass SME_TIMEZONE; this is the demo bank's
CLOSED_TICKET = ("resolved", "closed", "withdrawn")
UNCLAIMABLE = ("closed", "withdrawn")
TICKET_NEXT = ALLOWED  # issue 12: no skipping the decision (assistant/complaints/transitions.py)


def effective_due(ticket: ComplaintTicket) -> datetime:
    return aware(ticket.extended_due_at or ticket.due_at)


def ticket_claimed(t: ComplaintTicket, staff: StaffIdentity) -> bool:
    return t.assignee_id == staff.id


def _ticket_row(t: ComplaintTicket, names: dict[int, str], now: datetime) -> dict[str, Any]:
    due = effective_due(t)
    return {
        "number": t.number, "company": t.company, "contact_name": t.contact_name, "mobile": t.mobile,
        "credit_code": t.credit_code, "category": t.category, "business_type": t.business_type,
        "status": t.status, "urgent": t.urgent, "urgent_reasons": list(t.urgent_reasons or []),
        "received_at": iso(t.received_at), "due_at": due.isoformat(), "extended": t.extended_due_at is not None,
        "overdue": due < now and t.status not in CLOSED_TICKET,
        "assignee": names.get(t.assignee_id) if t.assignee_id else None,
    }


def list_complaints(db: Session, staff: StaffIdentity, now: datetime, status: str | None = None,
                    overdue: bool | None = None, urgent: bool | None = None, limit: int = 200) -> list[TicketRow]:
    query = select(ComplaintTicket)
    if status:
        query = query.where(ComplaintTicket.status == status)
    if urgent is not None:
        query = query.where(ComplaintTicket.urgent.is_(urgent))
    tickets = list(db.scalars(query.order_by(ComplaintTicket.due_at, ComplaintTicket.id).limit(limit)))
    names = usernames(db, {t.assignee_id for t in tickets})
    rows = [mask(TicketRow(**_ticket_row(t, names, now)), staff.role, ticket_claimed(t, staff)) for t in tickets]
    if overdue is not None:
        rows = [r for r in rows if r.overdue is overdue]
    rows.sort(key=lambda r: (not r.overdue, not r.urgent, r.due_at))
    audit(db, staff, "complaints_listed", "complaint_ticket", "*", now, numbers=[r.number for r in rows],
          unmasked=[r.number for r in rows if not r.masked])
    return rows


def _get_ticket(db: Session, number: str) -> ComplaintTicket:
    ticket = db.scalar(select(ComplaintTicket).where(ComplaintTicket.number == number))
    if ticket is None:
        raise NotFound(f"工单 {number} 不存在")
    return ticket


def pending_extension(t: ComplaintTicket) -> dict[str, Any] | None:
    """The agent's request still waiting for a supervisor, if any."""
    for event in reversed(t.history or []):
        if str(event.get("event", "")).startswith("extended_"):
            return None
        if event.get("event") == "extension_requested":
            return {"days": event.get("days"), "reason": event.get("reason"), "by": event.get("by"),
                    "at": event.get("at")}
    return None


def _fee_type(t: ComplaintTicket) -> str | None:
    """The fee the client named is kept with the registration event (it has no column of its own)."""
    return next((e["fee_type"] for e in t.history or [] if e.get("event") == "registered" and e.get("fee_type")),
                None)


def complaint_detail(db: Session, staff: StaffIdentity, number: str, now: datetime) -> TicketDetail:
    t = _get_ticket(db, number)
    claimed = ticket_claimed(t, staff)
    view = TicketDetail(
        **_ticket_row(t, usernames(db, {t.assignee_id}), now), description=t.description, request=t.request,
        occurred_on=t.occurred_on.isoformat() if t.occurred_on else None,
        amount=f"{t.amount:.2f}" if t.amount is not None else None, extension_reason=t.extension_reason,
        business_channel=t.business_channel, fee_type=_fee_type(t),
        extension_pending=pending_extension(t), history=list(t.history or []),
        next_statuses=list(TICKET_NEXT.get(t.status, ())), transcript=conversation_of(db, t.conversation_id),
        documents=documents(db, t.conversation_id))
    audit(db, staff, "complaint_viewed", "complaint_ticket", t.number, now, unmasked=sees_unmasked(staff.role, claimed))
    return mask(view, staff.role, claimed)


def claim_complaint(db: Session, staff: StaffIdentity, number: str, now: datetime) -> TicketAction:
    t = _get_ticket(db, number)
    if t.status in UNCLAIMABLE:
        raise Conflict(f"工单已{'撤回' if t.status == 'withdrawn' else '关闭'}，不能认领")
    if t.assignee_id not in (None, staff.id):
        raise Conflict("这张工单已由他人处理")
    t.assignee_id = staff.id
    t.history = [*t.history, {"at": now.isoformat(), "event": "claimed", "by": staff.actor}]
    audit(db, staff, "complaint_claimed", "complaint_ticket", t.number, now)
    return TicketAction(number=t.number, assignee=staff.username, status=t.status)


def _may_handle(t: ComplaintTicket, staff: StaffIdentity) -> None:
    if not staff.sees_all and t.assignee_id != staff.id:
        raise Forbidden("请先认领这张工单")


def set_complaint_status(db: Session, staff: StaffIdentity, number: str, status: str, now: datetime,
                         note: str = "") -> TicketAction:
    t = _get_ticket(db, number)
    _may_handle(t, staff)
    allowed = TICKET_NEXT.get(t.status, ())
    if status not in allowed:
        now_cn, wanted = TICKET_STATUSES.get(t.status, t.status), TICKET_STATUSES.get(status, status)
        then = "、".join(TICKET_STATUSES.get(s, s) for s in allowed)
        hint = f"（下一步只能改为：{then}）" if then else "（工单已结束）"
        raise Conflict(f"工单当前为{now_cn}，不能改为{wanted}{hint}")
    before, t.status = t.status, status
    t.history = [*t.history, {"at": now.isoformat(), "event": status, "by": staff.actor, "note": note[:500]}]
    audit(db, staff, "complaint_status", "complaint_ticket", t.number, now, before=before, after=status)
    return TicketAction(number=t.number, status=t.status)


def extend_complaint(db: Session, staff: StaffIdentity, number: str, days: int, reason: str,
                     now: datetime, timezone: ZoneInfo = BANK_ZONE) -> TicketAction:
    """An agent's extension is a request; a supervisor's grants it (or extends directly). A granted
    extension is told to the client in their conversation (pushed on WeChat), as the reply at
    registration promised."""
    t = _get_ticket(db, number)
    _may_handle(t, staff)
    if t.status in CLOSED_TICKET:
        raise Conflict("已结束的工单不能延期")
    reason = (reason or "").strip()
    if not staff.sees_all:
        if days not in (30, 60) or not reason:
            raise ReviewError("延期只能是30日或60日，并须填写原因")
        t.history = [*t.history, {"at": now.isoformat(), "event": "extension_requested", "by": staff.actor,
                                  "days": days, "reason": reason[:1000]}]
        audit(db, staff, "complaint_extension_requested", "complaint_ticket", t.number, now, days=days,
              reason=reason[:1000])
        return TicketAction(number=t.number, status=t.status, due_at=effective_due(t).isoformat(), pending=True)
    requested = pending_extension(t)
    try:
        extend_ticket(db, t, days, reason, staff.actor, now)
    except ValueError as exc:
        # The rule's own message says what is allowed next (30 or 60 days, a reason, not closed).
        raise ReviewError(str(exc)) from exc
    if requested:
        audit(db, staff, "complaint_extension_approved", "complaint_ticket", t.number, now,
              requested_by=requested["by"], days=days)
    if t.conversation_id is not None:
        from assistant.complaints.status import extension_notice
        from assistant.handover.inbox import tell_client
        from assistant.store.models import Conversation

        conversation = db.get(Conversation, t.conversation_id)
        lang = conversation.language if conversation is not None else "zh"
        tell_client(db, t.conversation_id, extension_notice(t, lang, timezone), now, "complaint_extended")
    return TicketAction(number=t.number, status=t.status, due_at=effective_due(t).isoformat(), extension_reason=reason)


# dashboard --------------------------------------------------------------------------------------
def dashboard(db: Session, staff: StaffIdentity, now: datetime, timezone: ZoneInfo, days: int = 14,
              audited: bool = True) -> Dashboard:
    """Leads per tier per day, complaints per category, open SLA breaches; computed here, drawn by ui/."""
    since = now - timedelta(days=days)
    per_day: dict[str, Counter[str]] = {}
    for day in range(days, -1, -1):
        per_day[(now - timedelta(days=day)).astimezone(timezone).date().isoformat()] = Counter()
    for created, tier in db.execute(select(Lead.created_at, Lead.tier).where(Lead.created_at >= since)):
        key = aware(created).astimezone(timezone).date().isoformat()
        per_day.setdefault(key, Counter())[tier] += 1
    categories = Counter(db.scalars(select(ComplaintTicket.category)))
    lead_breaches = db.scalars(select(Lead.id).where(Lead.status.in_(OPEN_LEAD), Lead.sla_due_at < now)).all()
    tickets = db.scalars(select(ComplaintTicket).where(ComplaintTicket.status.not_in(CLOSED_TICKET))).all()
    ticket_breaches = [t.number for t in tickets if effective_due(t) < now]
    if audited:  # the page is audited once, not once more per chart drawn on it
        audit(db, staff, "dashboard_viewed", "dashboard", "*", now, days=days)
    return Dashboard(
        leads_per_day={day: {tier: counts.get(tier, 0) for tier in TIERS} for day, counts in sorted(per_day.items())},
        complaints_per_category=dict(categories.most_common()),
        sla_breaches={"leads": len(lead_breaches), "complaints": len(ticket_breaches)},
        generated_at=now.astimezone(UTC).isoformat())
