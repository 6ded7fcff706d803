"""The staff side of leads and complaints: queues, detail views, actions, dashboard figures.

Rules that protect clients live here, not in the console: an agent sees masked mobiles and credit
codes until the lead (or ticket) is theirs, supervisors and admins see everything, and every view
and every action is written to the audit log (PIPL: who looked at whose data, and when).
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
from assistant.dialogue.repository import aware, transcript
from assistant.errors import UserError
from assistant.privacy import mask_credit_code, mask_mobile, mask_text
from assistant.staff_accounts import StaffIdentity
from assistant.store.models import AuditLog, ComplaintTicket, Document, Lead, StaffUser

TIERS = ("hot", "warm", "nurture", "self_service")
LEAD_STATUSES = ("new", "assigned", "contacted", "qualified", "rejected")
OPEN_LEAD = ("new", "assigned")  # the SLA is about the first call, so contacted leads are no longer due
CLOSED_TICKET = ("resolved", "closed", "withdrawn")
TICKET_NEXT = ALLOWED  # issue 12: no skipping the decision (assistant/complaints/transitions.py)
DUE_SOON = timedelta(hours=2)


class ReviewError(UserError):
    status = 400


class NotFound(ReviewError):
    status = 404


class Forbidden(ReviewError):
    status = 403


class Conflict(ReviewError):
    status = 409


def _audit(db: Session, staff: StaffIdentity, action: str, entity_type: str, entity_id: str, now: datetime,
           **detail: Any) -> None:
    db.add(AuditLog(at=now, actor=staff.actor, action=action, entity_type=entity_type, entity_id=entity_id,
                    detail=detail))


def _iso(moment: datetime | None) -> str | None:
    return aware(moment).isoformat() if moment else None


def _mask_deep(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _mask_deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_deep(v) for v in value]
    return value


def _usernames(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(wanted))).all())


# leads ------------------------------------------------------------------------------------------
def lead_visible(lead: Lead, staff: StaffIdentity) -> bool:
    return staff.sees_all or lead.assignee_id == staff.id


def _lead_row(lead: Lead, staff: StaffIdentity, names: dict[int, str], now: datetime) -> dict[str, Any]:
    full = lead_visible(lead, staff)
    due = aware(lead.sla_due_at) if lead.sla_due_at else None
    return {
        "id": lead.id, "company": lead.company, "contact_name": lead.contact_name,
        "mobile": lead.mobile if full else mask_mobile(lead.mobile),
        "credit_code": (lead.credit_code if full else mask_credit_code(lead.credit_code)) if lead.credit_code else None,
        "masked": not full, "amount": f"{lead.amount:.2f}" if lead.amount is not None else None,
        "tier": lead.tier, "score": lead.score, "status": lead.status, "channel": lead.channel,
        "assignee": names.get(lead.assignee_id) if lead.assignee_id else None,
        "sla_due_at": due.isoformat() if due else None,
        "overdue": bool(due and due < now and lead.status in OPEN_LEAD),
        "created_at": _iso(lead.created_at),
    }


def list_leads(db: Session, staff: StaffIdentity, now: datetime, tier: str | None = None,
               status: str | None = None, sla: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The review queue, most urgent first; ``sla`` is ``overdue``, ``due_soon`` or ``ok``."""
    if tier and tier not in TIERS:
        raise ReviewError(f"未知的线索等级：{tier}")
    if status and status not in LEAD_STATUSES:
        raise ReviewError(f"未知的线索状态：{status}")
    if sla and sla not in ("overdue", "due_soon", "ok"):
        raise ReviewError(f"未知的时限筛选：{sla}")
    query = select(Lead)
    if tier:
        query = query.where(Lead.tier == tier)
    if status:
        query = query.where(Lead.status == status)
    if sla:
        query = query.where(Lead.status.in_(OPEN_LEAD), Lead.sla_due_at.is_not(None))
        # Compared as UTC without offset too: SQLite keeps naive values, PostgreSQL aware ones.
        if sla == "overdue":
            query = query.where(Lead.sla_due_at < now)
        elif sla == "due_soon":
            query = query.where(Lead.sla_due_at >= now, Lead.sla_due_at < now + DUE_SOON)
        else:
            query = query.where(Lead.sla_due_at >= now + DUE_SOON)
    leads = list(db.scalars(query.order_by(Lead.sla_due_at.is_(None), Lead.sla_due_at, Lead.id.desc()).limit(limit)))
    names = _usernames(db, {lead.assignee_id for lead in leads})
    _audit(db, staff, "leads_listed", "lead", "*", now, ids=[lead.id for lead in leads],
           filters={"tier": tier, "status": status, "sla": sla})
    return [_lead_row(lead, staff, names, now) for lead in leads]


def _get_lead(db: Session, lead_id: int) -> Lead:
    lead = db.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"线索 {lead_id} 不存在")
    return lead


def _documents(db: Session, conversation_id: int | None) -> list[dict[str, Any]]:
    if conversation_id is None:
        return []
    rows = db.scalars(select(Document).where(Document.conversation_id == conversation_id).order_by(Document.id))
    return [{"id": d.id, "filename": d.filename, "doc_type": d.doc_type, "verdict": d.verdict,
             "fields": (d.result or {}).get("fields", {}), "checks": (d.result or {}).get("checks", []),
             "annotated": (d.result or {}).get("annotated", []), "created_at": _iso(d.created_at)} for d in rows]


def _history(db: Session, entity_type: str, entity_id: str) -> list[dict[str, Any]]:
    rows = db.scalars(select(AuditLog).where(AuditLog.entity_type == entity_type, AuditLog.entity_id == entity_id,
                                             AuditLog.action.not_like("%_viewed")).order_by(AuditLog.id))
    return [{"at": _iso(r.at), "actor": r.actor, "action": r.action, "detail": r.detail} for r in rows]


def lead_detail(db: Session, staff: StaffIdentity, lead_id: int, now: datetime) -> dict[str, Any]:
    lead = _get_lead(db, lead_id)
    full = lead_visible(lead, staff)
    names = _usernames(db, {lead.assignee_id})
    conversation = transcript(db, lead.conversation_id) if lead.conversation_id else []
    documents = _documents(db, lead.conversation_id)
    slots = dict(lead.slots or {})
    if not full:
        conversation, documents, slots = _mask_deep(conversation), _mask_deep(documents), _mask_deep(slots)
        for key, masker in (("mobile", mask_mobile), ("credit_code", mask_credit_code)):
            if isinstance(slots.get(key), str):
                slots[key] = masker(slots[key])
    _audit(db, staff, "lead_viewed", "lead", str(lead.id), now, unmasked=full)
    return {**_lead_row(lead, staff, names, now), "slots": slots, "score_breakdown": lead.score_breakdown,
            "knocked_out": lead.knocked_out, "products": lead.products, "consent_at": _iso(lead.consent_at),
            "transcript": conversation, "documents": documents, "history": _history(db, "lead", str(lead.id))}


def _may_work(lead: Lead, staff: StaffIdentity) -> None:
    if lead.assignee_id is None:
        raise Conflict("请先认领这条线索")
    if lead.assignee_id != staff.id and not staff.sees_all:
        raise Forbidden("这条线索已分配给其他客户经理")


def claim_lead(db: Session, staff: StaffIdentity, lead_id: int, now: datetime) -> dict[str, Any]:
    lead = _get_lead(db, lead_id)
    if lead.assignee_id == staff.id:
        return {"id": lead.id, "status": lead.status, "assignee": staff.username}
    if lead.assignee_id is not None:
        owner = _usernames(db, {lead.assignee_id}).get(lead.assignee_id, "?")
        raise Conflict(f"这条线索已由 {owner} 认领")
    if lead.status != "new":
        raise Conflict(f"线索状态为 {lead.status}，不能认领")
    lead.assignee_id, lead.status = staff.id, "assigned"
    _audit(db, staff, "lead_claimed", "lead", str(lead.id), now)
    return {"id": lead.id, "status": lead.status, "assignee": staff.username}


def assign_lead(db: Session, staff: StaffIdentity, lead_id: int, assignee: str, now: datetime) -> dict[str, Any]:
    if not staff.sees_all:
        raise Forbidden("只有主管可以分配线索")
    lead = _get_lead(db, lead_id)
    target = db.scalar(select(StaffUser).where(StaffUser.username == assignee, StaffUser.active.is_(True)))
    if target is None:
        raise NotFound(f"员工 {assignee} 不存在")
    if lead.status in ("qualified", "rejected"):
        raise Conflict(f"线索已{'合格' if lead.status == 'qualified' else '拒绝'}，不能再分配")
    lead.assignee_id = target.id
    lead.status = "assigned" if lead.status == "new" else lead.status
    _audit(db, staff, "lead_assigned", "lead", str(lead.id), now, assignee=assignee)
    return {"id": lead.id, "status": lead.status, "assignee": assignee}


def mark_contacted(db: Session, staff: StaffIdentity, lead_id: int, now: datetime, note: str = "") -> dict[str, Any]:
    lead = _get_lead(db, lead_id)
    _may_work(lead, staff)
    if lead.status != "assigned":
        raise Conflict(f"线索状态为 {lead.status}，不能标记为已联系")
    lead.status = "contacted"
    overdue = bool(lead.sla_due_at and aware(lead.sla_due_at) < now)
    _audit(db, staff, "lead_contacted", "lead", str(lead.id), now, note=note[:500], after_sla=overdue)
    return {"id": lead.id, "status": lead.status}


def decide_lead(db: Session, staff: StaffIdentity, lead_id: int, decision: str, reason: str,
                now: datetime) -> dict[str, Any]:
    """Qualify or reject; a reason is mandatory either way, since it is what the next person reads."""
    if decision not in ("qualified", "rejected"):
        raise ReviewError("结论必须是 qualified 或 rejected")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("请填写原因")
    lead = _get_lead(db, lead_id)
    _may_work(lead, staff)
    if lead.status not in ("assigned", "contacted"):
        raise Conflict(f"线索状态为 {lead.status}，不能再下结论")
    lead.status = decision
    _audit(db, staff, f"lead_{decision}", "lead", str(lead.id), now, reason=reason[:1000])
    return {"id": lead.id, "status": lead.status, "reason": reason[:1000]}


# complaints -------------------------------------------------------------------------------------
def effective_due(ticket: ComplaintTicket) -> datetime:
    return aware(ticket.extended_due_at or ticket.due_at)


def _ticket_row(t: ComplaintTicket, staff: StaffIdentity, names: dict[int, str], now: datetime) -> dict[str, Any]:
    full = staff.sees_all or t.assignee_id == staff.id
    due = effective_due(t)
    return {
        "number": t.number, "company": t.company, "contact_name": t.contact_name,
        "mobile": t.mobile if full else mask_mobile(t.mobile),
        "credit_code": (t.credit_code if full else mask_credit_code(t.credit_code)) if t.credit_code else None,
        "masked": not full, "category": t.category, "business_type": t.business_type, "status": t.status,
        "urgent": t.urgent, "urgent_reasons": t.urgent_reasons, "received_at": _iso(t.received_at),
        "due_at": due.isoformat(), "extended": t.extended_due_at is not None,
        "overdue": due < now and t.status not in CLOSED_TICKET,
        "assignee": names.get(t.assignee_id) if t.assignee_id else None,
    }


def list_complaints(db: Session, staff: StaffIdentity, now: datetime, status: str | None = None,
                    overdue: bool | None = None, urgent: bool | None = None, limit: int = 200) -> list[dict[str, Any]]:
    query = select(ComplaintTicket)
    if status:
        query = query.where(ComplaintTicket.status == status)
    if urgent is not None:
        query = query.where(ComplaintTicket.urgent.is_(urgent))
    tickets = list(db.scalars(query.order_by(ComplaintTicket.due_at, ComplaintTicket.id).limit(limit)))
    names = _usernames(db, {t.assignee_id for t in tickets})
    rows = [_ticket_row(t, staff, names, now) for t in tickets]
    if overdue is not None:
        rows = [r for r in rows if r["overdue"] is overdue]
    rows.sort(key=lambda r: (not r["overdue"], not r["urgent"], r["due_at"]))
    _audit(db, staff, "complaints_listed", "complaint_ticket", "*", now, numbers=[r["number"] for r in rows])
    return rows


def _get_ticket(db: Session, number: str) -> ComplaintTicket:
    ticket = db.scalar(select(ComplaintTicket).where(ComplaintTicket.number == number))
    if ticket is None:
        raise NotFound(f"工单 {number} 不存在")
    return ticket


def complaint_detail(db: Session, staff: StaffIdentity, number: str, now: datetime) -> dict[str, Any]:
    t = _get_ticket(db, number)
    full = staff.sees_all or t.assignee_id == staff.id
    conversation = transcript(db, t.conversation_id) if t.conversation_id else []
    documents = _documents(db, t.conversation_id)
    if not full:
        conversation, documents = _mask_deep(conversation), _mask_deep(documents)
    _audit(db, staff, "complaint_viewed", "complaint_ticket", t.number, now, unmasked=full)
    row = _ticket_row(t, staff, _usernames(db, {t.assignee_id}), now)
    return {**row, "description": t.description, "request": t.request,
            "occurred_on": t.occurred_on.isoformat() if t.occurred_on else None,
            "amount": f"{t.amount:.2f}" if t.amount is not None else None, "extension_reason": t.extension_reason,
            "history": t.history, "next_statuses": list(TICKET_NEXT.get(t.status, ())),
            "transcript": conversation, "documents": documents}


def claim_complaint(db: Session, staff: StaffIdentity, number: str, now: datetime) -> dict[str, Any]:
    t = _get_ticket(db, number)
    if t.assignee_id not in (None, staff.id):
        raise Conflict("这张工单已由他人处理")
    t.assignee_id = staff.id
    t.history = [*t.history, {"at": now.isoformat(), "event": "claimed", "by": staff.actor}]
    _audit(db, staff, "complaint_claimed", "complaint_ticket", t.number, now)
    return {"number": t.number, "assignee": staff.username, "status": t.status}


def _may_handle(t: ComplaintTicket, staff: StaffIdentity) -> None:
    if not staff.sees_all and t.assignee_id != staff.id:
        raise Forbidden("请先认领这张工单")


def set_complaint_status(db: Session, staff: StaffIdentity, number: str, status: str, now: datetime,
                         note: str = "") -> dict[str, Any]:
    t = _get_ticket(db, number)
    _may_handle(t, staff)
    if status not in TICKET_NEXT.get(t.status, ()):
        raise Conflict(f"工单状态不能从 {t.status} 改为 {status}")
    before, t.status = t.status, status
    t.history = [*t.history, {"at": now.isoformat(), "event": status, "by": staff.actor, "note": note[:500]}]
    _audit(db, staff, "complaint_status", "complaint_ticket", t.number, now, before=before, after=status)
    return {"number": t.number, "status": t.status}


def extend_complaint(db: Session, staff: StaffIdentity, number: str, days: int, reason: str,
                     now: datetime) -> dict[str, Any]:
    t = _get_ticket(db, number)
    _may_handle(t, staff)
    if t.status in CLOSED_TICKET:
        raise Conflict("已结束的工单不能延期")
    try:
        extend_ticket(db, t, days, reason, staff.actor, now)
    except ValueError as exc:
        # The rule's own message says what is allowed next (30 or 60 days, a reason, not closed).
        raise ReviewError(str(exc)) from exc
    return {"number": t.number, "due_at": effective_due(t).isoformat(), "extension_reason": reason}


# dashboard --------------------------------------------------------------------------------------
def dashboard(db: Session, now: datetime, timezone: ZoneInfo, days: int = 14) -> dict[str, Any]:
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
    return {
        "leads_per_day": {day: {tier: counts.get(tier, 0) for tier in TIERS}
                          for day, counts in sorted(per_day.items())},
        "complaints_per_category": dict(categories.most_common()),
        "sla_breaches": {"leads": len(lead_breaches), "complaints": len(ticket_breaches)},
        "generated_at": now.astimezone(UTC).isoformat(),
    }
