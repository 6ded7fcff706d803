"""The staff side of leads: queue, detail view, actions (complaints are in ``review_complaints``).

Rules that protect clients live here, not in the console: what a role sees is decided by the one
``assistant.masking.mask`` (agents see masked data until the lead is theirs), and every view and
every action is written to the audit log (PIPL: who looked at whose data, and when).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.dialogue.repository import aware, transcript
from assistant.errors import UserError
from assistant.labels import CALL_OUTCOMES
from assistant.labels import LEAD_STATUSES as LEAD_STATUS_CN
from assistant.masking import mask, sees_unmasked
from assistant.staff_accounts import StaffIdentity
from assistant.staff_views import AuditEntry, DocumentView, LeadAction, LeadDetail, LeadRow, TranscriptLine
from assistant.store.models import AuditLog, Document, Lead, StaffUser

TIERS = ("hot", "warm", "nurture", "self_service")
LEAD_STATUSES = ("new", "assigned", "contacted", "qualified", "rejected")
OPEN_LEAD = ("new", "assigned")  # the SLA is about the first call, so contacted leads are no longer due
CONNECTED = ("connected_interested", "connected_not_interested")  # a call that reached the client
DUE_SOON = timedelta(hours=2)


class ReviewError(UserError):
    code = "bad_input"


class NotFound(ReviewError):
    code = "not_found"


class Forbidden(ReviewError):
    code = "forbidden"


class Conflict(ReviewError):
    code = "conflict"


def audit(db: Session, staff: StaffIdentity, action: str, entity_type: str, entity_id: str, now: datetime,
          **detail: Any) -> None:
    db.add(AuditLog(at=now, actor=staff.actor, action=action, entity_type=entity_type, entity_id=entity_id,
                    detail=detail))


def iso(moment: datetime | None) -> str | None:
    return aware(moment).isoformat() if moment else None


def usernames(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(wanted))).all())


def documents(db: Session, conversation_id: int | None) -> list[DocumentView]:
    if conversation_id is None:
        return []
    rows = db.scalars(select(Document).where(Document.conversation_id == conversation_id).order_by(Document.id))
    return [DocumentView(id=d.id, filename=d.filename, doc_type=d.doc_type, verdict=d.verdict,
                         fields=(d.result or {}).get("fields", {}), checks=(d.result or {}).get("checks", []),
                         images=[str(p) for p in (d.result or {}).get("annotated", [])], created_at=iso(d.created_at))
            for d in rows]


def conversation_of(db: Session, conversation_id: int | None) -> list[TranscriptLine]:
    return [TranscriptLine(**line) for line in transcript(db, conversation_id)] if conversation_id else []


# leads ------------------------------------------------------------------------------------------
def lead_claimed(lead: Lead, staff: StaffIdentity) -> bool:
    return lead.assignee_id == staff.id


def _lead_row(lead: Lead, names: dict[int, str], now: datetime) -> dict[str, Any]:
    due = aware(lead.sla_due_at) if lead.sla_due_at else None
    return {
        "id": lead.id, "reference": lead.reference, "company": lead.company, "contact_name": lead.contact_name,
        "mobile": lead.mobile,
        "credit_code": lead.credit_code, "amount": f"{lead.amount:.2f}" if lead.amount is not None else None,
        "tier": lead.tier, "score": lead.score, "status": lead.status, "channel": lead.channel,
        "assignee": names.get(lead.assignee_id) if lead.assignee_id else None,
        "sla_due_at": due.isoformat() if due else None,
        "overdue": bool(due and due < now and lead.status in OPEN_LEAD), "created_at": iso(lead.created_at),
    }


def list_leads(db: Session, staff: StaffIdentity, now: datetime, tier: str | None = None,
               status: str | None = None, sla: str | None = None, reference: str | None = None,
               limit: int = 200) -> list[LeadRow]:
    """The review queue, most urgent first; ``sla`` is ``overdue``, ``due_soon`` or ``ok``;
    ``reference`` finds the lead whose number contains it (the whole XS-… or its last digits)."""
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
    if reference and reference.strip():
        wanted = reference.strip().upper().replace("%", "").replace("_", "")[:32]
        query = query.where(Lead.reference.like(f"%{wanted}%"))
    if sla:
        query = query.where(Lead.status.in_(OPEN_LEAD), Lead.sla_due_at.is_not(None))
        if sla == "overdue":
            query = query.where(Lead.sla_due_at < now)
        elif sla == "due_soon":
            query = query.where(Lead.sla_due_at >= now, Lead.sla_due_at < now + DUE_SOON)
        else:
            query = query.where(Lead.sla_due_at >= now + DUE_SOON)
    leads = list(db.scalars(query.order_by(Lead.sla_due_at.is_(None), Lead.sla_due_at, Lead.id.desc()).limit(limit)))
    names = usernames(db, {lead.assignee_id for lead in leads})
    rows = [mask(LeadRow(**_lead_row(lead, names, now)), staff.role, lead_claimed(lead, staff)) for lead in leads]
    audit(db, staff, "leads_listed", "lead", "*", now, ids=[lead.id for lead in leads],
          unmasked=[r.id for r in rows if not r.masked], filters={"tier": tier, "status": status, "sla": sla,
                                                             "reference": reference})
    return rows


def _get_lead(db: Session, lead_id: int) -> Lead:
    lead = db.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"线索 {lead_id} 不存在")
    return lead


def _history(db: Session, entity_type: str, entity_id: str) -> list[AuditEntry]:
    rows = db.scalars(select(AuditLog).where(AuditLog.entity_type == entity_type, AuditLog.entity_id == entity_id,
                                             AuditLog.action.not_like("%_viewed")).order_by(AuditLog.id))
    return [AuditEntry(at=iso(r.at), actor=r.actor, action=r.action, detail=r.detail or {}) for r in rows]


def lead_detail(db: Session, staff: StaffIdentity, lead_id: int, now: datetime) -> LeadDetail:
    lead = _get_lead(db, lead_id)
    claimed = lead_claimed(lead, staff)
    view = LeadDetail(**_lead_row(lead, usernames(db, {lead.assignee_id}), now), slots=dict(lead.slots or {}),
                      score_breakdown=dict(lead.score_breakdown or {}), knocked_out=lead.knocked_out,
                      products=list(lead.products or []), consent_at=iso(lead.consent_at),
                      call_outcome=lead.call_outcome, call_note=lead.call_note, called_at=iso(lead.called_at),
                      transcript=conversation_of(db, lead.conversation_id),
                      documents=documents(db, lead.conversation_id), history=_history(db, "lead", str(lead.id)))
    audit(db, staff, "lead_viewed", "lead", str(lead.id), now, unmasked=sees_unmasked(staff.role, claimed))
    return mask(view, staff.role, claimed)


def _cn(status: str) -> str:
    return LEAD_STATUS_CN.get(status, status)


def _may_work(lead: Lead, staff: StaffIdentity) -> None:
    if lead.assignee_id is None:
        raise Conflict("请先认领这条线索")
    if lead.assignee_id != staff.id and not staff.sees_all:
        raise Forbidden("这条线索已分配给其他客户经理")


def claim_lead(db: Session, staff: StaffIdentity, lead_id: int, now: datetime) -> LeadAction:
    lead = _get_lead(db, lead_id)
    if lead.assignee_id == staff.id:
        return LeadAction(id=lead.id, status=lead.status, assignee=staff.username)
    if lead.assignee_id is not None:
        owner = usernames(db, {lead.assignee_id}).get(lead.assignee_id, "?")
        raise Conflict(f"这条线索已由 {owner} 认领")
    if lead.status != "new":
        raise Conflict(f"线索状态为{_cn(lead.status)}，不能认领")
    lead.assignee_id, lead.status = staff.id, "assigned"
    audit(db, staff, "lead_claimed", "lead", str(lead.id), now)
    return LeadAction(id=lead.id, status=lead.status, assignee=staff.username)


def assign_lead(db: Session, staff: StaffIdentity, lead_id: int, assignee: str, now: datetime) -> LeadAction:
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
    audit(db, staff, "lead_assigned", "lead", str(lead.id), now, assignee=assignee)
    return LeadAction(id=lead.id, status=lead.status, assignee=assignee)


def mark_contacted(db: Session, staff: StaffIdentity, lead_id: int, now: datetime, note: str = "") -> LeadAction:
    lead = _get_lead(db, lead_id)
    _may_work(lead, staff)
    if lead.status != "assigned":
        raise Conflict(f"线索状态为{_cn(lead.status)}，不能标记为已联系")
    lead.status = "contacted"
    overdue = bool(lead.sla_due_at and aware(lead.sla_due_at) < now)
    audit(db, staff, "lead_contacted", "lead", str(lead.id), now, note=note[:500], after_sla=overdue)
    return LeadAction(id=lead.id, status=lead.status)


def decide_lead(db: Session, staff: StaffIdentity, lead_id: int, decision: str, reason: str,
                now: datetime) -> LeadAction:
    """Qualify or reject; a reason is mandatory either way, since it is what the next person reads."""
    if decision not in ("qualified", "rejected"):
        raise ReviewError("结论只能是合格或拒绝")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("请填写原因")
    lead = _get_lead(db, lead_id)
    _may_work(lead, staff)
    if lead.status not in ("assigned", "contacted"):
        raise Conflict(f"线索状态为{_cn(lead.status)}，不能再下结论")
    lead.status = decision
    audit(db, staff, f"lead_{decision}", "lead", str(lead.id), now, reason=reason[:1000])
    return LeadAction(id=lead.id, status=lead.status, reason=reason[:1000])


def record_call(db: Session, staff: StaffIdentity, lead_id: int, outcome: str, note: str,
                now: datetime) -> LeadAction:
    """The outcome of a call to the client, with a note; audited like every staff action. A call that
    reached the client is the first contact, so an assigned lead becomes contacted (the SLA is met)."""
    if outcome not in CALL_OUTCOMES:
        raise ReviewError("请选择通话结果：" + " / ".join(CALL_OUTCOMES.values()))
    lead = _get_lead(db, lead_id)
    _may_work(lead, staff)
    if lead.status in ("qualified", "rejected"):
        raise Conflict(f"线索状态为{_cn(lead.status)}，不能再登记通话结果")
    note = (note or "").strip()[:1000]
    lead.call_outcome, lead.call_note, lead.called_at = outcome, note or None, now
    before = lead.status
    if outcome in CONNECTED and lead.status == "assigned":
        lead.status = "contacted"
    overdue = bool(lead.sla_due_at and aware(lead.sla_due_at) < now)
    audit(db, staff, "lead_call_logged", "lead", str(lead.id), now, outcome=outcome, note=note,
          status_before=before, status_after=lead.status, after_sla=overdue)
    return LeadAction(id=lead.id, status=lead.status, call_outcome=outcome)
