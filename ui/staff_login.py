"""Staff login shared by the API and the console: throttled, audited, in transactions of its own.

The lock check, the password check and the failure count share one transaction; the audit row
of the attempt is written after it, in its own, so a refused login is recorded even though
nothing else about it is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from assistant import login_guard
from assistant.audit import record
from assistant.staff_accounts import StaffIdentity, authenticate, revoke_tokens
from assistant.staff_views import LeadDetail, TicketDetail
from assistant.store.models import AuditLog
from ui.errors import ApiError
from ui.services import Services

D = TypeVar("D", LeadDetail, TicketDetail)


def check_login(svc: Services, username: str, password: str | None, address: str) -> StaffIdentity:
    """The staff member, or an ``ApiError``: 401 for a wrong login, 429 with Retry-After when locked."""
    now = datetime.now(UTC)
    policy = login_guard.ThrottlePolicy.from_settings(svc.settings)
    name = username.strip()[:64]
    with svc.sessions.begin() as db:
        wait = login_guard.locked_for(db, name, address, now)
        staff = None
        if not wait and password is not None:
            staff = authenticate(db, name, password)
            if staff is None:
                locked = login_guard.record_failure(db, policy, name, address, now)
            else:
                login_guard.record_success(db, name, address)
                locked = 0
        elif not wait:
            locked = login_guard.record_failure(db, policy, name, address, now)
    if wait:
        record(svc.sessions, f"login:{name}", "login_refused_locked", "staff_user", name, now, address=address,
               retry_after_s=wait)
        raise ApiError(429, "login_locked", headers={"Retry-After": str(wait)}, minutes=str(max(1, wait // 60)))
    if staff is None:
        record(svc.sessions, f"login:{name}", "login_failed", "staff_user", name, now, address=address,
               locked_s=locked)
        if locked:
            raise ApiError(429, "login_locked", headers={"Retry-After": str(locked)},
                           minutes=str(max(1, locked // 60)))
        raise ApiError(401, "bad_login")
    record(svc.sessions, staff.actor, "login", "staff_user", staff.username, now, address=address)
    return staff


def sign_out(svc: Services, staff: StaffIdentity) -> None:
    """Logout: every token of the account stops working (on every worker), and it is audited."""
    with svc.sessions.begin() as db:
        revoke_tokens(db, staff.id)
        db.add(AuditLog(at=datetime.now(UTC), actor=staff.actor, action="logout", entity_type="staff_user",
                        entity_id=staff.username, detail={}))


def with_links(svc: Services, view: D, staff: StaffIdentity) -> D:
    """Signed links for the document images the view may show (masked views carry blurred copies)."""
    for document in view.documents:
        document.links = [svc.file_link(p, staff.actor) for p in document.images if p]
    return view
