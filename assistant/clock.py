"""The one way the product reads the time: a ``Clock`` passed in, never the wall clock read inline.

Tests and evaluations pass a fixed or stepping clock; production passes ``system_clock``. Every
clock returns a timezone-aware instant: stored in UTC, shown in the bank's zone (``local_date``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def utc_now(clock: Clock) -> datetime:
    """The clock's instant in UTC, as the store keeps it."""
    return clock().astimezone(UTC)


def local_date(instant: datetime, timezone: ZoneInfo) -> date:
    """The calendar day of ``instant`` in the bank's time zone (deadlines and invoice ages count these)."""
    return instant.astimezone(timezone).date()
