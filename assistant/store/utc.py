"""A timestamp column that is always timezone-aware UTC, on SQLite as on PostgreSQL.

``DateTime(timezone=True)`` keeps the offset on PostgreSQL but SQLite has no such type: its driver
writes the wall-clock digits and drops the offset, so a deadline computed in the bank's time zone
(17:10+08:00) was stored as 17:10 and read back as 17:10 UTC — eight hours late in the queue, the
SLA filter and the dashboard. Converting every value to UTC on the way in, and marking it UTC on
the way out, makes the stored instant the computed instant whatever zone the code used.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; a naive value is taken to be UTC already."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"a timestamp column needs a datetime, not {type(value).__name__}")
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        # SQLite would keep only the digits anyway; storing UTC digits makes text comparison
        # (the SLA filters: sla_due_at < now) compare instants.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
