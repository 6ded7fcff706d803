"""The staff console: server-rendered HTML (Jinja2, autoescaped) over the same rules as the staff API.

Logged-in staff hold the signed token in an HttpOnly, SameSite=Strict cookie; every form also
carries a CSRF value derived from it. Client text (transcripts, company names) is only ever
rendered through autoescaping, so a message with HTML or script shows as text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from assistant import review
from assistant.staff_accounts import StaffIdentity, authenticate
from ui.charts import render_chart
from ui.routes.deps import services
from ui.routes.staff import staff_from_token

router = APIRouter(prefix="/console", include_in_schema=False)
COOKIE = "sme_staff"
templates = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))
TIER_CN = {"hot": "高意向", "warm": "中意向", "nurture": "培育", "self_service": "自助"}
STATUS_CN = {"new": "待认领", "assigned": "已认领", "contacted": "已联系", "qualified": "合格", "rejected": "已拒绝",
             "registered": "已登记", "in_progress": "处理中", "resolved": "已解决", "closed": "已关闭",
             "withdrawn": "已撤销"}


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def _page(request: Request, name: str, staff: StaffIdentity | None, **context: Any) -> HTMLResponse:
    svc = services(request)
    token = request.cookies.get(COOKIE, "")
    html = templates.get_template(name).render(
        staff=staff, csrf=svc.signer.csrf_for(token) if token else "", bank=svc.settings.bank_name,
        tier_cn=TIER_CN, status_cn=STATUS_CN, local=lambda iso: _local(iso, svc), request=request,
        msg=request.query_params.get("msg"), error=request.query_params.get("error"), **context)
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                                       "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                       "style-src 'self'; script-src 'none'; frame-ancestors 'none'"})


def _local(iso: str | None, svc: Any) -> str:
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).astimezone(svc.timezone).strftime("%Y-%m-%d %H:%M")


def _staff(request: Request) -> StaffIdentity:
    staff = staff_from_token(request, request.cookies.get(COOKIE))
    if staff is None:
        raise _Redirect("/console/login")
    return staff


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=10)
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    token = request.cookies.get(COOKIE, "")
    if not token or data.get("csrf") != services(request).signer.csrf_for(token):
        raise _Redirect("/console/login")
    return data


def _back(url: str, *, msg: str = "", error: str = "") -> RedirectResponse:
    query = f"?msg={quote(msg)}" if msg else f"?error={quote(error)}" if error else ""
    return RedirectResponse(url + query, status_code=303)


def _guard(handler: Any) -> Any:
    """Not logged in → the login page; a refused action → back with its message."""
    from functools import wraps

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
    return _page(request, "login.html", None)


@router.post("/login")
async def login(request: Request) -> Response:
    svc = services(request)
    form = await request.form(max_files=0, max_fields=5)
    username, password = str(form.get("username", "")), str(form.get("password", ""))

    def check() -> StaffIdentity | None:
        with svc.sessions.begin() as db:
            return authenticate(db, username, password)

    staff = await run_in_threadpool(check)
    if staff is None:
        return _back("/console/login", error="用户名或密码错误")
    response = RedirectResponse("/console/leads", status_code=303)
    response.set_cookie(COOKIE, svc.signer.staff_token(staff.id, staff.username), httponly=True, samesite="strict",
                        max_age=svc.signer.token_ttl_s, path="/", secure=request.url.scheme == "https")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/leads")
@_guard
async def leads(request: Request) -> Response:
    staff, svc, q = _staff(request), services(request), request.query_params
    filters = {k: q.get(k) or None for k in ("tier", "status", "sla")}

    def load() -> list[dict[str, Any]]:
        with svc.sessions.begin() as db:
            return review.list_leads(db, staff, _now(), **filters)

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

    def load() -> dict[str, Any]:
        with svc.sessions.begin() as db:
            return review.lead_detail(db, staff, lead_id, _now())

    try:
        detail = await run_in_threadpool(load)
    except review.NotFound as exc:
        return _back("/console/leads", error=str(exc))
    for document in detail["documents"]:
        document["links"] = [svc.file_link(p) for p in document["annotated"]]
    return _page(request, "lead.html", staff, lead=detail)


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
        with svc.sessions.begin() as db:
            actions[action](db)

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

    def load() -> list[dict[str, Any]]:
        with svc.sessions.begin() as db:
            return review.list_complaints(db, staff, _now(), status=status, overdue=overdue)

    rows = await run_in_threadpool(load)
    return _page(request, "complaints.html", staff, rows=rows, status=status, overdue=q.get("overdue", ""))


@router.get("/complaints/{number}")
@_guard
async def complaint(request: Request, number: str) -> Response:
    staff, svc = _staff(request), services(request)

    def load() -> dict[str, Any]:
        with svc.sessions.begin() as db:
            return review.complaint_detail(db, staff, number, _now())

    try:
        detail = await run_in_threadpool(load)
    except review.NotFound as exc:
        return _back("/console/complaints", error=str(exc))
    return _page(request, "complaint.html", staff, t=detail)


@router.post("/complaints/{number}/{action}")
@_guard
async def complaint_action(request: Request, number: str, action: str) -> Response:
    staff, svc = _staff(request), services(request)
    form = await _form(request)
    url = f"/console/complaints/{quote(number)}"

    def run() -> None:
        with svc.sessions.begin() as db:
            if action == "claim":
                review.claim_complaint(db, staff, number, _now())
            elif action == "status":
                review.set_complaint_status(db, staff, number, form.get("status", ""), _now(), form.get("note", ""))
            elif action == "extend":
                days = int(form["days"]) if form.get("days", "").isdigit() else 0
                review.extend_complaint(db, staff, number, days, form.get("reason", ""), _now())
            else:
                raise review.ReviewError("未知操作")

    try:
        await run_in_threadpool(run)
    except review.ReviewError as exc:
        return _back(url, error=str(exc))
    return _back(url, msg="已保存")


@router.get("/dashboard")
@_guard
async def dashboard(request: Request) -> Response:
    staff, svc = _staff(request), services(request)

    def load() -> dict[str, Any]:
        with svc.sessions() as db:
            return review.dashboard(db, _now(), svc.timezone)

    return _page(request, "dashboard.html", staff, stats=await run_in_threadpool(load))


@router.get("/charts/{name}.png")
@_guard
async def chart(request: Request, name: str) -> Response:
    _staff(request)
    svc = services(request)

    def draw() -> bytes | None:
        with svc.sessions() as db:
            return render_chart(name, review.dashboard(db, _now(), svc.timezone))

    png = await run_in_threadpool(draw)
    if png is None:
        return Response(status_code=404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
