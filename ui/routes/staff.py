"""The staff API: log in and out, lead and complaint queues, their detail views and actions, dashboard.

Every call but login needs ``Authorization: Bearer <token>``. Each route takes the database
session (``SessionDep``, one transaction) and the staff member (``CurrentStaff``) as dependencies
and answers with a typed view; what an agent may see unmasked is decided by ``assistant.masking``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from assistant import review
from assistant import review_complaints as complaints_review
from assistant.staff_accounts import revoke_tokens
from assistant.staff_views import (
    Dashboard,
    LeadAction,
    LeadDetail,
    LeadRow,
    LoginResult,
    TicketAction,
    TicketDetail,
    TicketRow,
)
from ui.routes.deps import CurrentStaff, SessionDep, client_address, read_json_object, services
from ui.staff_login import check_login, with_links

router = APIRouter(prefix="/api/staff", tags=["staff"])


def _now() -> datetime:
    return datetime.now(UTC)


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class Assign(BaseModel):
    assignee: str = Field(min_length=1, max_length=64)


class Extension(BaseModel):
    days: int = Field(ge=0, le=366)
    reason: str = Field(min_length=1, max_length=1000)


class CallOutcome(BaseModel):
    outcome: str = Field(max_length=32, description="connected_interested | connected_not_interested | no_answer "
                         "| wrong_number")
    note: str = Field(default="", max_length=1000)


class StatusChange(BaseModel):
    status: str = Field(max_length=32)
    note: str = Field(default="", max_length=500)


@router.post("/login", summary="Exchange username and password for a bearer token", response_model=LoginResult,
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["username", "password"],
                 "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}}})
async def login(request: Request) -> LoginResult:
    svc = services(request)
    body = await read_json_object(request, 8 * 1024)
    username, password = body.get("username"), body.get("password")
    staff = await run_in_threadpool(check_login, svc, str(username) if isinstance(username, str) else "",
                                    password if isinstance(password, str) else None, client_address(request))
    return LoginResult(token=svc.signer.staff_token(staff.id, staff.username, staff.token_version),
                       expires_in=svc.signer.token_ttl_s, username=staff.username, role=staff.role)


@router.post("/logout", summary="End this login: the token (and every other of this account) stops working",
             status_code=204)
def logout(staff: CurrentStaff, db: SessionDep) -> None:
    revoke_tokens(db, staff.id)
    review.audit(db, staff, "logout", "staff_user", staff.username, _now())


@router.get("/leads", summary="The lead review queue; reference= finds a lead by its XS-… number",
            response_model=list[LeadRow])
def leads(staff: CurrentStaff, db: SessionDep, tier: str | None = None, status: str | None = None,
          sla: str | None = None, reference: str | None = None) -> list[LeadRow]:
    return review.list_leads(db, staff, _now(), tier=tier, status=status, sla=sla,
                             reference=reference[:32] if reference else None)


@router.get("/leads/{lead_id}", summary="One lead: transcript, facts, score breakdown, documents",
            response_model=LeadDetail)
def lead(request: Request, staff: CurrentStaff, db: SessionDep, lead_id: int) -> LeadDetail:
    return with_links(services(request), review.lead_detail(db, staff, lead_id, _now()), staff)


@router.post("/leads/{lead_id}/claim", response_model=LeadAction)
def claim(staff: CurrentStaff, db: SessionDep, lead_id: int) -> LeadAction:
    return review.claim_lead(db, staff, lead_id, _now())


@router.post("/leads/{lead_id}/assign", response_model=LeadAction)
def assign(staff: CurrentStaff, db: SessionDep, lead_id: int, body: Assign) -> LeadAction:
    return review.assign_lead(db, staff, lead_id, body.assignee, _now())


@router.post("/leads/{lead_id}/contacted", response_model=LeadAction)
def contacted(staff: CurrentStaff, db: SessionDep, lead_id: int) -> LeadAction:
    return review.mark_contacted(db, staff, lead_id, _now())


@router.post("/leads/{lead_id}/call", response_model=LeadAction, summary="Record the outcome of a call to the client")
def call(staff: CurrentStaff, db: SessionDep, lead_id: int, body: CallOutcome) -> LeadAction:
    return review.record_call(db, staff, lead_id, body.outcome, body.note, _now())


@router.post("/leads/{lead_id}/qualify", response_model=LeadAction)
def qualify(staff: CurrentStaff, db: SessionDep, lead_id: int, body: Reason) -> LeadAction:
    return review.decide_lead(db, staff, lead_id, "qualified", body.reason, _now())


@router.post("/leads/{lead_id}/reject", response_model=LeadAction)
def reject(staff: CurrentStaff, db: SessionDep, lead_id: int, body: Reason) -> LeadAction:
    return review.decide_lead(db, staff, lead_id, "rejected", body.reason, _now())


@router.get("/complaints", summary="The complaint queue, overdue and urgent first", response_model=list[TicketRow])
def complaints(staff: CurrentStaff, db: SessionDep, status: str | None = None, overdue: bool | None = None,
               urgent: bool | None = None) -> list[TicketRow]:
    return complaints_review.list_complaints(db, staff, _now(), status=status, overdue=overdue, urgent=urgent)


@router.get("/complaints/{number}", response_model=TicketDetail)
def complaint(request: Request, staff: CurrentStaff, db: SessionDep, number: str) -> TicketDetail:
    return with_links(services(request), complaints_review.complaint_detail(db, staff, number, _now()), staff)


@router.post("/complaints/{number}/claim", response_model=TicketAction)
def claim_complaint(staff: CurrentStaff, db: SessionDep, number: str) -> TicketAction:
    return complaints_review.claim_complaint(db, staff, number, _now())


@router.post("/complaints/{number}/status", response_model=TicketAction)
def complaint_status(staff: CurrentStaff, db: SessionDep, number: str, body: StatusChange) -> TicketAction:
    return complaints_review.set_complaint_status(db, staff, number, body.status, _now(), body.note)


@router.post("/complaints/{number}/extend", response_model=TicketAction,
             summary="Extend the deadline: an agent's request waits for a supervisor, a supervisor's applies")
def extend(request: Request, staff: CurrentStaff, db: SessionDep, number: str, body: Extension) -> TicketAction:
    return complaints_review.extend_complaint(db, staff, number, body.days, body.reason, _now(),
                                              services(request).timezone)


@router.get("/dashboard", summary="Leads per tier per day, complaints per category, SLA breaches",
            response_model=Dashboard)
def dashboard(request: Request, staff: CurrentStaff, db: SessionDep) -> Dashboard:
    return complaints_review.dashboard(db, staff, _now(), services(request).timezone)
