"""The console's complaint pages and the dashboard: queue, one ticket with the facts the client gave,
the status changes its transitions allow (``assistant/complaints/transitions.py``), extensions, charts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from assistant import review
from assistant import review_complaints as complaints_review
from assistant.audit import attempt
from ui.charts import render_chart
from ui.routes.console_page import _back, _detail, _form, _guard, _now, _page, _staff
from ui.routes.deps import services

router = APIRouter(prefix="/console", include_in_schema=False)


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
    return await _detail(request, audit=("complaint_viewed", "complaint_ticket", number), back="/console/complaints",
                         fetch=lambda db, staff, now: complaints_review.complaint_detail(db, staff, number, now),
                         template="complaint.html", name="t")


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
