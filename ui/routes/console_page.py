"""What every console page shares: the templates with their business-language filters, the login
cookie and CSRF check, redirects back with a message, and the page headers.

The templates never print a code: ``{{ x | cn("tiers") }}``, ``| money``, ``| slot(flow)``,
``| slot_value(slot, flow)``, ``| check``, ``| field`` and ``| field_value(name)`` put everything
through ``assistant.labels``, the one mapping from codes to what staff read.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from assistant import labels, review
from assistant.audit import attempt
from assistant.staff_accounts import StaffIdentity
from ui.routes.deps import services, staff_from_token
from ui.staff_login import with_links

COOKIE = "sme_staff"
LOGIN_CSRF = "sme_login_csrf"
TABLES = {
    "tiers": labels.TIERS, "lead_statuses": labels.LEAD_STATUSES, "ticket_statuses": labels.TICKET_STATUSES,
    "urgent": labels.URGENT_REASONS, "check_statuses": labels.CHECK_STATUSES, "events": labels.EVENTS,
    "doc_types": labels.DOC_TYPES, "verdicts": labels.VERDICTS, "outcomes": labels.CALL_OUTCOMES,
    "roles": labels.ROLES, "channels": labels.CHANNELS, "fields": labels.FIELDS,
}
templates = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))
templates.filters.update(
    cn=lambda code, table: labels.label(TABLES[table], code),
    money=labels.money,
    slot=lambda name, flow=None: labels.slot_label(name, flow),
    slot_value=lambda value, name, flow=None: labels.value_label(name, value, flow),
    check=labels.check_name,
    actor=labels.actor,
    field=lambda name: labels.label(labels.FIELDS, name),
    field_value=lambda value, name: labels.field_value(name, value),
)
templates.globals["outcomes"] = labels.CALL_OUTCOMES  # the choices of the call-outcome form
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY",
           "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
           "script-src 'none'; frame-ancestors 'none'"}


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def _page(request: Request, name: str, staff: StaffIdentity | None, csrf: str | None = None,
          **context: Any) -> HTMLResponse:
    svc = services(request)
    token = request.cookies.get(COOKIE, "")
    csrf = csrf if csrf is not None else svc.signer.csrf_for(token) if token else ""
    html = templates.get_template(name).render(
        staff=staff, csrf=csrf, bank=svc.settings.bank_name, local=lambda iso: _local(iso, svc), request=request,
        msg=request.query_params.get("msg"), error=request.query_params.get("error"), **context)
    return HTMLResponse(html, headers=dict(HEADERS))


def _local(iso: str | None, svc: Any) -> str:
    """A stored UTC instant as the bank's wall clock (SME_TIMEZONE)."""
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


async def _detail(request: Request, *, audit: tuple[str, str, str], fetch: Callable[..., Any], back: str,
                  template: str, name: str) -> Response:
    """One record's page (a lead, a complaint), read under an audit entry of who looked at it:
    ``audit`` is (action, entity, id); ``fetch(db, staff, now)`` reads the view. A record that
    does not exist, or that this member of staff may not see, sends them back to ``back``."""
    staff, svc = _staff(request), services(request)
    action, entity, entity_id = audit

    def load() -> Any:
        return attempt(svc.sessions, staff.actor, action, entity, entity_id, _now(),
                       lambda db: fetch(db, staff, _now()))

    try:
        detail = await run_in_threadpool(load)
    except review.NotFound as exc:
        return _back(back, error=str(exc))
    return _page(request, template, staff, **{name: with_links(svc, detail, staff)})


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
