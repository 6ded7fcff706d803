"""The staff console: server-rendered HTML (Jinja2, autoescaped) over the same rules as the staff API.

Logged-in staff hold the signed token in an HttpOnly, SameSite=Strict cookie; every form also
carries a CSRF value derived from it, the login form a signed double-submit value (there is no
token yet). Logout revokes the token. Refused actions are audited after their rollback. Client
text (transcripts, company names) is only ever rendered through autoescaping, so a message with
HTML or script shows as text.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from assistant import review
from assistant import review_complaints as complaints_review
from assistant.audit import attempt
from assistant.staff_accounts import StaffIdentity
from ui.charts import render_chart
from ui.errors import ApiError
from ui.routes.deps import client_address, services, staff_from_token
from ui.staff_login import check_login, sign_out, with_links

router = APIRouter(prefix="/console", include_in_schema=False)
COOKIE = "sme_staff"
LOGIN_CSRF = "sme_login_csrf"
templates = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))
TIER_CN = {"hot": "高意向", "warm": "中意向", "nurture": "培育", "self_service": "自助"}
STATUS_CN = {"new": "待认领", "assigned": "已认领", "contacted": "已联系", "qualified": "合格", "rejected": "已拒绝",
             "registered": "已登记", "in_progress": "处理中", "resolved": "已解决", "closed": "已关闭",
             "withdrawn": "已撤销"}


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def _page(request: Request, name: str, staff: StaffIdentity | None, csrf: str | None = None,
          **context: Any) -> HTMLResponse:
    svc = services(request)
    token = request.cookies.get(COOKIE, "")
    csrf = csrf if csrf is not None else svc.signer.csrf_for(token) if token else ""
    html = templates.get_template(name).render(
        staff=staff, csrf=csrf, bank=svc.settings.bank_name,
        tier_cn=TIER_CN, status_cn=STATUS_CN, local=lambda iso: _local(iso, svc), request=request,
        msg=request.query_params.get("msg"), error=request.query_params.get("error"), **context)
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                                       "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                       "style-src 'self'; script-src 'none'; frame-ancestors 'none'"})


def _local(iso: str | None, svc: Any) -> str:
    return datetime.fromisoformat(iso).astimezone(svc.timezone).strftime("%Y-%m-%d %H:%M") if iso else "—"


def _staff(request: Request) -> StaffIdentity:
    staff = staff_from_token(request, request.cookies.get(COOKIE))
    if staff is None:
        raise _Redirect("/console/login")
    return staff


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=10)
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    token = request.cookies.get(COOKIE, "")
    expected = services(request).signer.csrf_for(token).encode() if token else b""
    if not token or not hmac.compare_digest(data.get("csrf", "").encode("utf-8", "surrogatepass"), expected):
        raise _Redirect("/console/login")
    return data


def _back(url: str, *, msg: str = "", error: str = "") -> RedirectResponse:
    query = f"?msg={quote(msg)}" if msg else f"?error={quote(error)}" if error else ""
    return RedirectResponse(url + query, status_code=303)


def _guard(handler: Any) -> Any:
    """Not logged in → the login page; a refused action → back with its message."""
    @wraps(handler)
    async def wrapped(request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return await handler(request, *args, **kwargs)
        except _Redirect as exc:
            return RedirectResponse(exc.url, status_code=303)
    return wrapped


def _now() -> datetime:
    return datetime.now(UTC)


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
    staff, svc = _staff(request), services(request)

    def load() -> Any:
        return attempt(svc.sessions, staff.actor, "lead_viewed", "lead", str(lead_id), _now(),
                       lambda db: review.lead_detail(db, staff, lead_id, _now()))

    try:
        detail = await run_in_threadpool(load)
    except review.NotFound as exc:
        return _back("/console/leads", error=str(exc))
    return _page(request, "lead.html", staff, lead=with_links(svc, detail, staff))


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


@router.get("/complaints")
@_guard
async def complaints(request: Request) -> Response:
    staff, svc, q = _staff(request), services(request), request.query_params
    status = q.get("status") or None
    overdue = {"1": True, "0": False}.get(q.get("overdue", ""))

    def load() -> list[Any]:
        with svc.sessions.begin() as db:
            return complaints_review.list_complaints(db, staff, _now(), status=status, overdue=overdue)

    rows = await run_in_threadpool(load)
    return _page(request, "complaints.html", staff, rows=rows, status=status, overdue=q.get("overdue", ""))


@router.get("/complaints/{number}")
@_guard
async def complaint(request: Request, number: str) -> Response:
    staff, svc = _staff(request), services(request)

    def load() -> Any:
        return attempt(svc.sessions, staff.actor, "complaint_viewed", "complaint_ticket", number, _now(),
                       lambda db: complaints_review.complaint_detail(db, staff, number, _now()))

    try:
        detail = await run_in_threadpool(load)
    except review.NotFound as exc:
        return _back("/console/complaints", error=str(exc))
    return _page(request, "complaint.html", staff, t=with_links(svc, detail, staff))


@router.post("/complaints/{number}/{action}")
@_guard
async def complaint_action(request: Request, number: str, action: str) -> Response:
    staff, svc = _staff(request), services(request)
    form = await _form(request)
    url = f"/console/complaints/{quote(number)}"

    def work(db: Any) -> None:
        if action == "claim":
            complaints_review.claim_complaint(db, staff, number, _now())
        elif action == "status":
            complaints_review.set_complaint_status(db, staff, number, form.get("status", ""), _now(),
                                                   form.get("note", ""))
        elif action == "extend":
            days = int(form["days"]) if form.get("days", "").isdigit() and len(form["days"]) < 4 else 0
            complaints_review.extend_complaint(db, staff, number, days, form.get("reason", ""), _now(),
                                               svc.timezone)
        else:
            raise review.ReviewError("未知操作")

    def run() -> None:
        attempt(svc.sessions, staff.actor, f"complaint_{action}", "complaint_ticket", number, _now(), work)

    try:
        await run_in_threadpool(run)
    except review.ReviewError as exc:
        return _back(url, error=str(exc))
    pending = action == "extend" and not staff.sees_all
    return _back(url, msg="延期申请已提交，待主管审批" if pending else "已保存")


@router.get("/dashboard")
@_guard
async def dashboard(request: Request) -> Response:
    staff, svc = _staff(request), services(request)

    def load() -> Any:
        with svc.sessions.begin() as db:
            return complaints_review.dashboard(db, staff, _now(), svc.timezone)

    return _page(request, "dashboard.html", staff, stats=await run_in_threadpool(load))


@router.get("/charts/{name}.png")
@_guard
async def chart(request: Request, name: str) -> Response:
    staff, svc = _staff(request), services(request)

    def draw() -> bytes | None:
        with svc.sessions() as db:
            stats = complaints_review.dashboard(db, staff, _now(), svc.timezone, audited=False)
            return render_chart(name, stats.model_dump())

    png = await run_in_threadpool(draw)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"}) if png else \
        Response(status_code=404)
