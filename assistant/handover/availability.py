"""Whether anybody can take a conversation now, and what to promise when nobody can.

"Online" means a staff member was seen by the console or the staff API within the last minutes
(``touch`` on every staff request). Outside the bank's business hours, or with nobody online, the
client is told so and a callback task is booked within the next business hours.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assistant.calendar.business import BusinessCalendar
from assistant.dialogue.repository import aware
from assistant.store.models import Handover, StaffPresence


@dataclass(frozen=True)
class Policy:
    calendar: BusinessCalendar
    timezone: ZoneInfo
    callback_hours: float = 2.0  # business hours within which a booked callback is due
    online_window: timedelta = timedelta(minutes=3)  # seen this recently = online
    wechat_window: timedelta = timedelta(hours=48)  # WeChat lets us write this long after the client's message


@dataclass(frozen=True)
class Availability:
    open_now: bool
    staff_online: int

    @property
    def live(self) -> bool:
        return self.open_now and self.staff_online > 0


def touch(db: Session, staff_id: int, now: datetime) -> None:
    """Record that a staff member is here (an upsert: two requests at once must not collide)."""
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(StaffPresence).values(staff_id=staff_id, last_seen_at=now)
    db.execute(statement.on_conflict_do_update(index_elements=["staff_id"], set_={"last_seen_at": now}))


def online_count(db: Session, now: datetime, window: timedelta) -> int:
    # A sighting "from the future" (a clock set back, a test's clock) does not count as being here now.
    return db.scalar(select(func.count()).select_from(StaffPresence).where(
        StaffPresence.last_seen_at >= now - window, StaffPresence.last_seen_at <= now + timedelta(minutes=1))) or 0


def is_open(policy: Policy, now: datetime) -> bool:
    local = now.astimezone(policy.timezone)
    return policy.calendar.next_opening(local) == local


def availability(db: Session, policy: Policy, now: datetime) -> Availability:
    return Availability(is_open(policy, now), online_count(db, now, policy.online_window))


def callback_due(policy: Policy, now: datetime) -> datetime:
    """The promised callback time: ``callback_hours`` of opening time from now (UTC)."""
    local = now.astimezone(policy.timezone)
    return policy.calendar.add_business_hours(local, policy.callback_hours).astimezone(UTC)


def expected_wait_minutes(db: Session, ahead: int, online: int, now: datetime) -> int | None:
    """From how long recent clients waited to be claimed; None without enough history to be honest."""
    rows = db.execute(select(Handover.requested_at, Handover.claimed_at)
                      .where(Handover.claimed_at.is_not(None), Handover.requested_at >= now - timedelta(days=7))
                      .order_by(Handover.id.desc()).limit(30)).all()
    waits = [(aware(claimed) - aware(requested)).total_seconds() for requested, claimed in rows]
    if len(waits) < 3 or online <= 0:
        return None
    per_client = statistics.median(waits)
    return max(1, round(per_client * (ahead + 1) / online / 60))


def local_text(moment: datetime, timezone: ZoneInfo) -> str:
    """A time as staff and clients read it: the bank's zone, minutes."""
    return aware(moment).astimezone(timezone).strftime("%Y-%m-%d %H:%M")
