"""A lead's reference number XS-YYYYMMDD-NNNNNN is a real column: written when the lead is created,
the same value the client is told and the lead's facts keep, unique, and what staff search by.
Migration 0006 adds it and copies it from the slots of leads created before. Every covered database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assistant import review
from assistant.dialogue.actions import FlowActions
from assistant.flows import FlowProgress
from assistant.staff_accounts import StaffIdentity
from assistant.store.db import alembic_config, make_engine, upgrade_schema
from assistant.store.models import Conversation, Lead
from tests.assistant.test_deadlines import HOT_LEAD, SHANGHAI
from tests.pg_schema import empty_schema

ADMIN = StaffIdentity(0, "reference-test", "admin")
NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 1 December 00:00 in Shanghai: the local date is the 1st
PG_URL = os.environ.get("SME_TEST_DATABASE_URL")


@pytest.fixture
def actions(new_manager) -> FlowActions:  # type: ignore[no-untyped-def]
    return new_manager(lambda: NOW.astimezone(SHANGHAI)).flows.actions


def _submit(db: Session, actions: FlowActions) -> tuple[int, str, str]:
    conversation = Conversation(channel="test", user_id=f"u-{uuid.uuid4().hex[:10]}", session_id="s1",
                                started_at=NOW, last_active_at=NOW)
    db.add(conversation)
    db.flush()
    reply = actions.submit_lead(db, conversation, FlowProgress("lead", slots=dict(HOT_LEAD)), NOW)
    return reply.data["lead"], reply.data["reference"], reply.text


def test_the_reference_is_written_at_creation_and_is_what_the_client_was_told(
        sessions: sessionmaker[Session], actions: FlowActions) -> None:
    with sessions.begin() as db:
        lead_id, reference, told = _submit(db, actions)
    assert reference == f"XS-20261201-{lead_id:06d}"  # the bank's local date, not UTC's 30 November
    assert f"编号 {reference}" in told
    with sessions() as db:
        lead = db.get(Lead, lead_id)
        assert lead is not None and lead.reference == reference == lead.slots["reference"]


def test_staff_find_a_lead_by_its_reference_or_its_last_digits(
        sessions: sessionmaker[Session], actions: FlowActions) -> None:
    with sessions.begin() as db:
        first, reference, _ = _submit(db, actions)
        second, _, _ = _submit(db, actions)
    with sessions() as db:
        found = review.list_leads(db, ADMIN, NOW, reference=reference)
        assert [r.id for r in found] == [first] and found[0].reference == reference
        assert [r.id for r in review.list_leads(db, ADMIN, NOW, reference=f"{second:06d}")] == [second]
        assert [r.id for r in review.list_leads(db, ADMIN, NOW, reference=reference.lower())] == [first]
        assert review.list_leads(db, ADMIN, NOW, reference="XS-19990101-%") == []  # a wildcard is not one
        db.rollback()


def test_two_leads_cannot_share_a_reference(sessions: sessionmaker[Session], actions: FlowActions) -> None:
    with sessions.begin() as db:
        _, reference, _ = _submit(db, actions)
    with pytest.raises(IntegrityError), sessions.begin() as db:
        db.add(Lead(channel="test", user_id="dup", company="重复编号有限公司", contact_name="王", mobile="13900000000",
                    score=0, tier="nurture", created_at=NOW, reference=reference))


@pytest.fixture(params=["sqlite", *(["postgresql"] if PG_URL else [])])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'before-0006.db'}"
        return
    assert PG_URL
    with empty_schema(PG_URL, "sme_migrate_") as url:
        yield url


def test_migration_0006_copies_existing_references_from_the_slots(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "0005_handover")  # the schema as it was before the column
    engine = create_engine(empty_database)
    lead = Lead.__table__
    before = {c.name for c in lead.columns} - {"reference", "call_outcome", "call_note", "called_at"}
    common = {"channel": "web", "company": "杭州明远科技有限公司", "contact_name": "张伟", "mobile": "13912345678",
              "score": 80, "tier": "hot", "status": "new", "created_at": NOW, "products": [],
              "score_breakdown": {}}
    rows = [{"user_id": "old-1", "slots": {"amount": "3000000.00", "reference": "XS-20261130-000001"}},
            {"user_id": "old-2", "slots": {"amount": "500000.00"}}]  # a lead from before references: none
    with engine.begin() as connection:
        for row in rows:
            connection.execute(insert(lead).values(
                **{k: v for k, v in {**common, **row}.items() if k in before}))
    engine.dispose()
    assert upgrade_schema(empty_database) == "0007_lead_call_outcome"
    engine = make_engine(empty_database)
    try:
        with engine.connect() as connection:
            found = dict(connection.execute(select(lead.c.user_id, lead.c.reference).order_by(lead.c.id)).all())
            indexes = {i["name"]: i for i in inspect(connection).get_indexes("lead")}
        assert found == {"old-1": "XS-20261130-000001", "old-2": None}
        assert indexes["ix_lead_reference"]["unique"]
    finally:
        engine.dispose()
