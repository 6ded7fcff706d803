"""Deadlines are one instant everywhere: what the client is told, what the store keeps, what the
console shows and what its SLA filters compare — on a fake clock in Asia/Shanghai, around midnight,
weekends, holidays and a working Saturday, on every covered database.

The bug this guards against: a callback deadline computed in the bank's zone (17:10+08:00) was
written to SQLite without its offset and read back as 17:10 UTC, so the queue showed 01:10 the next
day and the overdue filter never fired.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from assistant import review, review_complaints
from assistant.dialogue.actions import FlowActions
from assistant.flows import FlowProgress
from assistant.staff_accounts import StaffIdentity
from assistant.store.models import ComplaintTicket, Conversation, Lead, Message

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = StaffIdentity(0, "deadline-test", "admin")
HOT_LEAD = {"company": "杭州明远科技有限公司", "credit_code": "91350100M000100Y43", "industry": "软件开发",
            "years_trading": 5.0, "annual_revenue": "20000000.00", "amount": "3000000.00", "purpose": "采购原材料",
            "term_months": 12, "collateral": "mortgage", "tax_credit_grade": "A", "labels": ["high_tech"],
            "region": "杭州", "contact_name": "张伟", "mobile": "13912345678", "consent": True}
COMPLAINT = {"company": "杭州明远科技有限公司", "credit_code": None, "contact_name": "张伟", "business_type": "account",
             "business_channel": "online", "category": "fees", "description": "被扣了200元年费，事先没有通知",
             "occurred_on": "2026-11-27", "amount": "200.00", "request": "退还费用"}
TOLD = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) 前")


@pytest.fixture
def actions(new_manager) -> FlowActions:  # type: ignore[no-untyped-def]
    return new_manager(lambda: datetime.now(SHANGHAI)).flows.actions


def _conversation(db: Session, now: datetime) -> Conversation:
    conversation = Conversation(channel="test", user_id=f"u-{uuid.uuid4().hex[:10]}", session_id="s1",
                                started_at=now, last_active_at=now)
    db.add(conversation)
    db.flush()
    return conversation


def _stored_instant(db: Session, table: str, column: str, key: str, value: Any) -> datetime:
    """The column as the database holds it, read without the ORM: UTC digits on SQLite, timestamptz on PostgreSQL."""
    raw = db.execute(text(f"SELECT {column} FROM {table} WHERE {key} = :v"), {"v": value}).scalar_one()
    if isinstance(raw, str):
        raw = datetime.fromisoformat(raw)
    return raw.replace(tzinfo=UTC) if raw.tzinfo is None else raw


def _local(instant: datetime) -> str:
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(("local_now", "due_local"), [
    ("2026-11-30T16:10:00+08:00", "2026-11-30 17:10"),  # the reported case: told 17:10, queued 01:10 next day
    ("2026-11-30T23:50:00+08:00", "2026-12-01 10:00"),  # late evening in Shanghai, afternoon in UTC
    ("2026-12-01T00:10:00+08:00", "2026-12-01 10:00"),  # after midnight in Shanghai, still the day before in UTC
    ("2026-12-04T17:00:00+08:00", "2026-12-07 09:30"),  # Friday evening: over the weekend
    ("2026-09-30T17:00:00+08:00", "2026-10-08 09:30"),  # the eve of the National Day holiday
    ("2026-10-09T17:20:00+08:00", "2026-10-10 09:50"),  # Saturday 10 October 2026 is a working day
    ("2026-12-31T17:00:00+08:00", "2027-01-04 09:30"),  # New Year's Day, then the weekend
])
def test_a_hot_lead_callback_is_the_same_instant_for_client_store_console_and_filter(
        sessions: sessionmaker[Session], actions: FlowActions, local_now: str, due_local: str) -> None:
    now = datetime.fromisoformat(local_now).astimezone(UTC)
    with sessions.begin() as db:
        reply = actions.submit_lead(db, _conversation(db, now), FlowProgress("lead", slots=dict(HOT_LEAD)), now)
        lead_id = reply.data["lead"]
    assert reply.data["tier"] == "hot"
    told = TOLD.search(reply.text)
    assert told and told.group(1) == due_local, reply.text
    instant = datetime.strptime(due_local, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
    with sessions() as db:
        assert _stored_instant(db, "lead", "sla_due_at", "id", lead_id) == instant
        lead = db.get(Lead, lead_id)
        assert lead is not None and lead.sla_due_at is not None
        assert lead.sla_due_at.tzinfo is not None and lead.sla_due_at == instant
        shown = next(r for r in review.list_leads(db, ADMIN, now) if r.id == lead_id)
        assert _local(datetime.fromisoformat(shown.sla_due_at)) == due_local  # the console's rendering
        for moment, overdue, due_soon in ((instant - timedelta(hours=1), False, True),
                                          (instant - timedelta(minutes=1), False, True),
                                          (instant + timedelta(minutes=1), True, False)):
            ids = {r.id for r in review.list_leads(db, ADMIN, moment, sla="overdue")}
            assert (lead_id in ids) is overdue, (moment, ids)
            ids = {r.id for r in review.list_leads(db, ADMIN, moment, sla="due_soon")}
            assert (lead_id in ids) is due_soon, (moment, ids)
            row = next(r for r in review.list_leads(db, ADMIN, moment) if r.id == lead_id)
            assert row.overdue is overdue
        db.rollback()  # the listing's audit rows are not part of what is checked


@pytest.mark.parametrize(("local_now", "day"), [
    ("2026-11-29T23:55:00+08:00", "20261129"),  # a Sunday night in Shanghai
    ("2026-11-30T00:05:00+08:00", "20261130"),  # ten minutes later: the next local day, the same UTC day
])
def test_a_complaint_deadline_and_its_extension_are_one_instant_everywhere(
        sessions: sessionmaker[Session], actions: FlowActions, local_now: str, day: str) -> None:
    now = datetime.fromisoformat(local_now).astimezone(UTC)
    mobile = f"139{uuid.uuid4().int % 10**8:08d}"
    with sessions.begin() as db:
        reply = actions.register_complaint(db, _conversation(db, now), FlowProgress(
            "complaint", slots={**COMPLAINT, "mobile": mobile}), now)
    number = reply.data["ticket"]
    assert number.startswith(f"TS-{day}-")
    due = now + timedelta(days=15)
    assert f"（{_local(due)[:10]} 前）" in reply.text, reply.text
    assert _local(now) in reply.text  # 受理时间, in the bank's zone
    with sessions() as db:
        assert _stored_instant(db, "complaint_ticket", "due_at", "number", number) == due
        assert _stored_instant(db, "complaint_ticket", "received_at", "number", number) == now
        row = next(r for r in review_complaints.list_complaints(db, ADMIN, now) if r.number == number)
        assert datetime.fromisoformat(row.due_at) == due
        for moment, overdue in ((due - timedelta(minutes=1), False), (due + timedelta(minutes=1), True)):
            numbers = {r.number for r in review_complaints.list_complaints(db, ADMIN, moment, overdue=True)}
            assert (number in numbers) is overdue
        db.rollback()
    extended_at = now + timedelta(days=10)
    with sessions.begin() as db:
        result = review_complaints.extend_complaint(db, ADMIN, number, 30, "需调取网点监控核实", extended_at)
    extended = now + timedelta(days=30)
    assert datetime.fromisoformat(result.due_at) == extended
    with sessions() as db:
        assert _stored_instant(db, "complaint_ticket", "extended_due_at", "number", number) == extended
        ticket = db.query(ComplaintTicket).filter_by(number=number).one()
        assert review_complaints.effective_due(ticket) == extended
        for moment, overdue in ((due + timedelta(days=1), False), (extended + timedelta(minutes=1), True)):
            numbers = {r.number for r in review_complaints.list_complaints(db, ADMIN, moment, overdue=True)}
            assert (number in numbers) is overdue
        # The reply at registration promised to tell the client: the notice is in their conversation,
        # with the same new deadline, in the bank's zone.
        told = db.query(Message).filter_by(conversation_id=ticket.conversation_id, route="notice").one()
        assert number in told.text and f"{_local(extended)[:10]} 前" in told.text and "需调取网点监控核实" in told.text
        db.rollback()


def test_a_local_time_is_stored_as_the_same_instant(sessions: sessionmaker[Session]) -> None:
    """Any aware time written in the bank's zone comes back as that instant, in UTC."""
    local = datetime(2026, 12, 1, 17, 10, tzinfo=SHANGHAI)
    with sessions.begin() as db:
        conversation = _conversation(db, local)
        conversation_id = conversation.id
    with sessions() as db:
        started = _stored_instant(db, "conversation", "started_at", "id", conversation_id)
        assert started == local and started.astimezone(UTC).hour == 9
        loaded = db.get(Conversation, conversation_id)
        assert loaded is not None and loaded.started_at.utcoffset() == timedelta(0)
        assert loaded.started_at == local
