"""A real database for the inbox tests: SQLite always, PostgreSQL too when ``SME_TEST_DATABASE_URL`` is set
(a fresh schema per run, dropped afterwards, because other runs share that database)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.calendar.business import BusinessCalendar
from assistant.handover.availability import Policy
from assistant.staff_accounts import StaffIdentity, add_staff
from assistant.store.db import make_engine, session_factory, upgrade_schema
from assistant.store.models import Conversation
from tests.pg_schema import migrated_schema

PG_URL = os.environ.get("SME_TEST_DATABASE_URL")
DATABASES = ["sqlite", *(["postgresql"] if PG_URL else [])]
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 1 December 2026, 10:00 in Shanghai: a business day, open.
OPEN_NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
# Saturday 5 December 2026, 21:00 in Shanghai: closed.
CLOSED_NOW = datetime(2026, 12, 5, 13, 0, tzinfo=UTC)


@pytest.fixture(params=DATABASES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'inbox.db'}"
        upgrade_schema(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    assert PG_URL
    with migrated_schema(PG_URL, "sme_handover_") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def staff(sessions: sessionmaker[Session]) -> dict[str, StaffIdentity]:
    people = {"alice": ("agent", "王经理"), "bob": ("agent", "李经理"), "sue": ("supervisor", "周主管")}
    out = {}
    with sessions.begin() as db:
        for name, (role, display) in people.items():
            user = add_staff(db, name, role, f"Inbox-Test-7391-{name}-Kq", display_name=display)
            out[name] = StaffIdentity(user.id, user.username, user.role)
    return out


@pytest.fixture
def policy() -> Policy:
    return Policy(BusinessCalendar.load(), SHANGHAI)


def new_conversation(db: Session, now: datetime, channel: str = "web", user: str = "u1") -> Conversation:
    conversation = Conversation(channel=channel, user_id=user, session_id=f"s-{user}", status="active",
                                language="zh", started_at=now, last_active_at=now)
    db.add(conversation)
    db.flush()
    return conversation
