"""Login throttling per account and per address, kept in the database so every worker sees it.

Each failed login counts against the account name tried and against the client address. When a
count reaches its limit within the window, that key is locked for ``login_lock_min`` minutes: a
locked key is refused before the password is even checked (so the lock is no oracle), with the
seconds left for a ``Retry-After``. A successful login clears the account's count, not the
address's: one right password does not reset an address that is guessing at many accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.dialogue.repository import aware
from assistant.settings import Settings
from assistant.store.models import LoginThrottle


@dataclass(frozen=True)
class ThrottlePolicy:
    account_limit: int
    address_limit: int
    window: timedelta
    lock: timedelta

    @classmethod
    def from_settings(cls, s: Settings) -> ThrottlePolicy:
        return cls(s.login_max_failures_account, s.login_max_failures_address,
                   timedelta(minutes=s.login_window_min), timedelta(minutes=s.login_lock_min))


def keys(username: str, address: str) -> tuple[str, str]:
    return f"account:{username.strip().lower()[:64]}", f"address:{address[:64]}"


def locked_for(db: Session, username: str, address: str, now: datetime) -> int:
    """Seconds until the account or address may try again; 0 when neither is locked."""
    wait = 0.0
    for key in keys(username, address):
        row = db.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None and aware(row.locked_until) > now:
            wait = max(wait, (aware(row.locked_until) - now).total_seconds())
    return int(wait) + (1 if wait else 0)


def _row(db: Session, key: str, now: datetime) -> LoginThrottle:
    row = db.get(LoginThrottle, key, with_for_update=True)
    if row is not None:
        return row
    row = LoginThrottle(key=key, failures=0, window_start=now, locked_until=None)
    try:
        with db.begin_nested():  # another worker may insert the same key at the same moment
            db.add(row)
            db.flush()
    except IntegrityError:
        row = db.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert row is not None
    return row


def record_failure(db: Session, policy: ThrottlePolicy, username: str, address: str, now: datetime) -> int:
    """Count one failure; returns the seconds of the lock it caused (0 when none)."""
    # Names that do not exist get rows too (else the lock would tell which names do): rows whose
    # window and lock are over are deleted here, so guessing cannot grow the table without bound.
    db.execute(delete(LoginThrottle).where(LoginThrottle.window_start < now - policy.window, or_(
        LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now)))
    caused = 0
    for key, limit in zip(keys(username, address), (policy.account_limit, policy.address_limit), strict=True):
        row = _row(db, key, now)
        if now - aware(row.window_start) > policy.window:
            row.failures, row.window_start = 0, now
        row.failures += 1
        if row.failures >= limit:
            row.locked_until, row.failures, row.window_start = now + policy.lock, 0, now
            caused = max(caused, int(policy.lock.total_seconds()))
    return caused


def record_success(db: Session, username: str, address: str) -> None:
    row = db.get(LoginThrottle, keys(username, address)[0])
    if row is not None:
        db.delete(row)
