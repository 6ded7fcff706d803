"""The console's 会话/人工 tab: the inbox list and one conversation, updating live, with the staff actions.

Pages are server-rendered like the rest of the console (and work without script); a small
same-origin script (``/static/inbox.js``) polls the two ``live.json`` views every 1.5 s to add new
rows and messages, writing client text with ``textContent`` only. Actions are CSRF-checked forms.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from assistant.clock import utc_now
from assistant.handover import inbox, views
from assistant.handover.availability import local_text, touch
from assistant.handover.delivery import delivery_states
from assistant.review import ReviewError
from assistant.staff_accounts import StaffIdentity
from assistant.store.models import StaffUser
from ui.errors import STATUS_BY_CODE
from ui.routes.console_page import _back, _form, _guard, _page, _Redirect, _staff
from ui.routes.deps import services

router = APIRouter(prefix="/console/handovers", include_in_schema=False)
STATUS_CN = {"waiting": "等待接入", "held": "人工服务中", "released": "已转回机器人", "closed": "已关闭"}
REASON_CN = {"client_asked": "客户要求", "flow_gave_up": "多次填写失败", "unanswered": "机器人无法回答",
             "urgent_complaint": "加急投诉"}
CHANNEL_CN = {"web": "网页", "api": "接口", "wechat": "微信", "cli": "终端"}
DELIVERY_CN = {"pending": "发送中", "sent": "已送达微信", "failed": "发送失败", "window_closed": "超过48小时未送达"}
SCRIPT_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
              "frame-ancestors 'none'")


def _with_script(response: Response) -> Response:
    """The inbox pages run the one same-origin script; nothing inline, as everywhere in the console."""
    response.headers["Content-Security-Policy"] = SCRIPT_CSP
    return response


def _labels() -> dict[str, Any]:
    return {"hstatus_cn": STATUS_CN, "reason_cn": REASON_CN, "channel_cn": CHANNEL_CN, "delivery_cn": DELIVERY_CN}


def _in_db(request: Request, staff: StaffIdentity, work: Any) -> Any:
    svc = services(request)
    policy = svc.manager.handover
    if policy is None:
        raise _Redirect("/console/leads")
    with svc.sessions.begin() as db:
        now = utc_now(svc.clock)
        touch(db, staff.id, now)  # the console open = this person is online
        return work(db, now, policy)


def _detail(db: Any, handover_id: int, staff: StaffIdentity, now: Any, policy: Any) -> dict[str, Any]:
    item = views.detail(db, handover_id, staff, now, policy)
    states = delivery_states(db, [m["id"] for m in item["transcript"]])
    for message in item["transcript"]:
        message["delivery"] = states.get(message["id"])
        message["at_local"] = local_text(datetime.fromisoformat(message["at"]), policy.timezone)
    return item


@router.get("")
@_guard
async def inbox_page(request: Request) -> Response:
    staff = _staff(request)
    status = request.query_params.get("status") or None
    status = status if status in views.STATUS_FILTERS else None
    rows = await run_in_threadpool(_in_db, request, staff, lambda db, now, policy: views.list_handovers(
        db, staff, now, policy, status=status))
    return _with_script(_page(request, "handovers.html", staff, rows=rows, status=status or "", **_labels()))


@router.get("/live.json")
async def inbox_live(request: Request) -> Response:
    staff = _staff_or_none(request)
    if staff is None:
        return JSONResponse({"error": "请重新登录"}, status_code=401)
    status = request.query_params.get("status") or None
    status = status if status in views.STATUS_FILTERS else None
    rows = await run_in_threadpool(_in_db, request, staff, lambda db, now, policy: views.list_handovers(
        db, staff, now, policy, status=status))
    return JSONResponse({"rows": rows, "labels": _labels()}, headers={"Cache-Control": "no-store"})


def _staff_or_none(request: Request) -> StaffIdentity | None:
    try:
        return _staff(request)
    except _Redirect:
        return None


@router.get("/{handover_id}")
@_guard
async def conversation_page(request: Request, handover_id: int) -> Response:
    staff = _staff(request)

    def load(db: Any, now: Any, policy: Any) -> tuple[dict[str, Any], list[str]]:
        item = _detail(db, handover_id, staff, now, policy)
        people = [u.username for u in db.query(StaffUser).filter(StaffUser.active.is_(True)).order_by(StaffUser.id)]
        return item, people

    try:
        item, people = await run_in_threadpool(_in_db, request, staff, load)
    except ReviewError as exc:
        return _back("/console/handovers", error=str(exc))
    return _with_script(_page(request, "handover.html", staff, h=item, people=people, **_labels()))


@router.get("/{handover_id}/live.json")
async def conversation_live(request: Request, handover_id: int) -> Response:
    staff = _staff_or_none(request)
    if staff is None:
        return JSONResponse({"error": "请重新登录"}, status_code=401)
    try:
        item = await run_in_threadpool(_in_db, request, staff, lambda db, now, policy: _detail(
            db, handover_id, staff, now, policy))
    except ReviewError as exc:
        return JSONResponse({"error": str(exc)}, status_code=STATUS_BY_CODE.get(exc.code, 400))
    return JSONResponse({"item": item, "labels": _labels()}, headers={"Cache-Control": "no-store"})


@router.post("/{handover_id}/{action}")
@_guard
async def conversation_action(request: Request, handover_id: int, action: str) -> Response:
    staff = _staff(request)
    form = await _form(request)
    url = f"/console/handovers/{handover_id}"

    def run(db: Any, now: Any, policy: Any) -> str:
        if action == "claim":
            inbox.claim(db, handover_id, staff, now)
            return "已认领，客户会看到您已接入"
        if action == "reply":
            inbox.reply(db, handover_id, staff, form.get("text", ""), now)
            return "已发送"
        if action == "release":
            inbox.release(db, handover_id, staff, now)
            return "已转回机器人"
        if action == "close":
            inbox.close(db, handover_id, staff, form.get("note", ""), now)
            return "已关闭"
        if action == "assign":
            inbox.assign(db, handover_id, staff, form.get("assignee", ""), now)
            return "已改派"
        raise ReviewError("未知操作")

    try:
        done = await run_in_threadpool(_in_db, request, staff, run)
    except ReviewError as exc:
        return _back(url, error=str(exc))
    kick = getattr(request.app.state, "kick_pushes", None)
    if kick is not None:
        kick()
    return _back(url, msg=done)
