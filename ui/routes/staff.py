"""The staff API: log in, lead and complaint queues, their detail views and actions, dashboard figures.

Every call needs ``Authorization: Bearer <token>``; every view and action is audited by
``assistant.review``, which also decides what an agent may see unmasked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from assistant import review
from assistant.staff_accounts import StaffIdentity, authenticate, identity
from ui.errors import ApiError
from ui.routes.deps import read_json_object, services

router = APIRouter(prefix="/api/staff", tags=["staff"])


def staff_from_token(request: Request, token: str | None) -> StaffIdentity | None:
    svc = services(request)
    claims = svc.signer.read_staff_token(token) if token else None
    if claims is None:
        return None
    with svc.sessions() as db:
        return identity(db, claims.user_id)


def current_staff(request: Request) -> StaffIdentity:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    staff = staff_from_token(request, token.strip()) if scheme.lower() == "bearer" else None
    if staff is None:
        raise ApiError(401, "unauthorised")
    return staff


Staff = Annotated[StaffIdentity, Depends(current_staff)]


def _now() -> datetime:
    return datetime.now(UTC)


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class Assign(BaseModel):
    assignee: str = Field(min_length=1, max_length=64)


class Extension(BaseModel):
    days: int
    reason: str = Field(min_length=1, max_length=1000)


class StatusChange(BaseModel):
    status: str
    note: str = Field(default="", max_length=500)


@router.post("/login", summary="Exchange username and password for a bearer token",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["username", "password"],
                 "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}}})
async def login(request: Request) -> dict[str, Any]:
    svc = services(request)
    body = await read_json_object(request, 8 * 1024)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ApiError(401, "bad_login")
    with svc.sessions.begin() as db:
        staff = authenticate(db, username, password)
    if staff is None:
        raise ApiError(401, "bad_login")
    return {"token": svc.signer.staff_token(staff.id, staff.username), "token_type": "bearer",
            "expires_in": svc.signer.token_ttl_s, "username": staff.username, "role": staff.role}


@router.get("/leads", summary="The lead review queue")
def leads(request: Request, staff: Staff, tier: str | None = None, status: str | None = None,
          sla: str | None = None) -> list[dict[str, Any]]:
    with services(request).sessions.begin() as db:
        return review.list_leads(db, staff, _now(), tier=tier, status=status, sla=sla)


@router.get("/leads/{lead_id}", summary="One lead: transcript, facts, score breakdown, documents")
def lead(request: Request, staff: Staff, lead_id: int) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.lead_detail(db, staff, lead_id, _now())


@router.post("/leads/{lead_id}/claim")
def claim(request: Request, staff: Staff, lead_id: int) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.claim_lead(db, staff, lead_id, _now())


@router.post("/leads/{lead_id}/assign")
def assign(request: Request, staff: Staff, lead_id: int, body: Assign) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.assign_lead(db, staff, lead_id, body.assignee, _now())


@router.post("/leads/{lead_id}/contacted")
def contacted(request: Request, staff: Staff, lead_id: int) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.mark_contacted(db, staff, lead_id, _now())


@router.post("/leads/{lead_id}/qualify")
def qualify(request: Request, staff: Staff, lead_id: int, body: Reason) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.decide_lead(db, staff, lead_id, "qualified", body.reason, _now())


@router.post("/leads/{lead_id}/reject")
def reject(request: Request, staff: Staff, lead_id: int, body: Reason) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.decide_lead(db, staff, lead_id, "rejected", body.reason, _now())


@router.get("/complaints", summary="The complaint queue, overdue and urgent first")
def complaints(request: Request, staff: Staff, status: str | None = None, overdue: bool | None = None,
               urgent: bool | None = None) -> list[dict[str, Any]]:
    with services(request).sessions.begin() as db:
        return review.list_complaints(db, staff, _now(), status=status, overdue=overdue, urgent=urgent)


@router.get("/complaints/{number}")
def complaint(request: Request, staff: Staff, number: str) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.complaint_detail(db, staff, number, _now())


@router.post("/complaints/{number}/claim")
def claim_complaint(request: Request, staff: Staff, number: str) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.claim_complaint(db, staff, number, _now())


@router.post("/complaints/{number}/status")
def complaint_status(request: Request, staff: Staff, number: str, body: StatusChange) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.set_complaint_status(db, staff, number, body.status, _now(), body.note)


@router.post("/complaints/{number}/extend")
def extend(request: Request, staff: Staff, number: str, body: Extension) -> dict[str, Any]:
    with services(request).sessions.begin() as db:
        return review.extend_complaint(db, staff, number, body.days, body.reason, _now())


@router.get("/dashboard", summary="Leads per tier per day, complaints per category, SLA breaches")
def dashboard(request: Request, staff: Staff) -> dict[str, Any]:
    svc = services(request)
    with svc.sessions() as db:
        return review.dashboard(db, _now(), svc.timezone)
