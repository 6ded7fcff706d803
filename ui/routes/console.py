"""The staff console: server-rendered HTML (Jinja2, autoescaped) over the same rules as the staff API.

Logged-in staff hold the signed token in an HttpOnly, SameSite=Strict cookie; every form also
carries a CSRF value derived from it, the login form a signed double-submit value (there is no
token yet). Logout revokes the token. Refused actions are audited after their rollback. Client
text (transcripts, company names) is only ever rendered through autoescaping, so a message with
HTML or script shows as text. This module holds login and the lead pages; complaints and the
dashboard are in ``console_complaints``, the inbox in ``console_inbox``, the shared page helpers
and the business-language filters in ``console_page``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from assistant import review
from assistant.audit import attempt
from ui.errors import ApiError
from ui.routes.console_page import COOKIE, LOGIN_CSRF, _back, _detail, _form, _guard, _now, _page, _staff
from ui.routes.deps import client_address, services, staff_from_token
from ui.staff_login import check_login, sign_out

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("")
@router.get("/")
async def home(request: Request) -> Response:
    staff = staff_from_token(request, request.cookies.get(COOKIE))
    return RedirectResponse("/console/leads" if staff else "/console/login", status_code=303)


@router.get("/login")
async def login_page(request: Request) -> Response:
    value = services(request).signer.login_csrf()
    response = _page(request, "login.html", None, csrf=value)
    response.set_cookie(LOGIN_CSRF, value, httponly=True, samesite="strict", max_age=3600, path="/console",
                        secure=request.url.scheme == "https")
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    svc = services(request)
    form = await request.form(max_files=0, max_fields=5)
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    if not svc.signer.login_csrf_ok(request.cookies.get(LOGIN_CSRF, ""), str(form.get("csrf", ""))):
        return _back("/console/login", error="页面已过期，请重新登录")
    try:
        staff = await run_in_threadpool(check_login, svc, username, password, client_address(request))
    except ApiError as exc:
        error = "登录失败次数过多，请稍后再试" if exc.status == 429 else "用户名或密码错误"
        response = _back("/console/login", error=error)
        response.headers.update(exc.headers)  # a browser follows only redirects; the wait is in Retry-After
        return response
    response = RedirectResponse("/console/leads", status_code=303)
    response.set_cookie(COOKIE, svc.signer.staff_token(staff.id, staff.username, staff.token_version),
                        httponly=True, samesite="strict", max_age=svc.signer.token_ttl_s, path="/",
                        secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF, path="/console")
    return response


@router.post("/logout")
@_guard
async def logout(request: Request) -> Response:
    staff, svc = _staff(request), services(request)
    await _form(request)  # the CSRF value: another site cannot log staff out
    await run_in_threadpool(sign_out, svc, staff)
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/leads")
@_guard
async def leads(request: Request) -> Response:
    staff, svc, q = _staff(request), services(request), request.query_params
    filters = {k: q.get(k) or None for k in ("tier", "status", "sla")}
    filters["reference"] = (q.get("reference") or "").strip()[:32] or None

    def load() -> list[Any]:
        return attempt(svc.sessions, staff.actor, "leads_listed", "lead", "*", _now(),
                       lambda db: review.list_leads(db, staff, _now(), **filters))

    try:
        rows = await run_in_threadpool(load)
    except review.ReviewError as exc:
        return _back("/console/leads", error=str(exc))
    return _page(request, "leads.html", staff, rows=rows, filters=filters, tiers=review.TIERS,
                 statuses=review.LEAD_STATUSES)


@router.get("/leads/{lead_id}")
@_guard
async def lead(request: Request, lead_id: int) -> Response:
    return await _detail(request, audit=("lead_viewed", "lead", str(lead_id)), back="/console/leads",
                         fetch=lambda db, staff, now: review.lead_detail(db, staff, lead_id, now),
                         template="lead.html", name="lead")


@router.post("/leads/{lead_id}/{action}")
@_guard
async def lead_action(request: Request, lead_id: int, action: str) -> Response:
    staff, svc = _staff(request), services(request)
    form = await _form(request)
    actions = {
        "claim": lambda db: review.claim_lead(db, staff, lead_id, _now()),
        "contacted": lambda db: review.mark_contacted(db, staff, lead_id, _now()),
        "qualify": lambda db: review.decide_lead(db, staff, lead_id, "qualified", form.get("reason", ""), _now()),
        "reject": lambda db: review.decide_lead(db, staff, lead_id, "rejected", form.get("reason", ""), _now()),
        "assign": lambda db: review.assign_lead(db, staff, lead_id, form.get("assignee", ""), _now()),
        "call": lambda db: review.record_call(db, staff, lead_id, form.get("outcome", ""), form.get("note", ""),
                                              _now()),
    }
    if action not in actions:
        return _back(f"/console/leads/{lead_id}", error="未知操作")

    def run() -> None:
        attempt(svc.sessions, staff.actor, f"lead_{action}", "lead", str(lead_id), _now(), actions[action])

    try:
        await run_in_threadpool(run)
    except review.ReviewError as exc:
        return _back(f"/console/leads/{lead_id}", error=str(exc))
    return _back(f"/console/leads/{lead_id}", msg="已保存")
