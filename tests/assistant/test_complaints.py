"""Complaint tickets under 《银行业保险业消费投诉处理管理办法》: numbers, the 15-day deadline, its
extension to 30 and then 60 days with a recorded reason, withdrawal, and urgency signs.

Run on every covered database (SQLite, and PostgreSQL when SME_TEST_DATABASE_URL is set). Each test
uses its own received date, so ticket numbers do not depend on the other tests in the run.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.complaints.tickets import Complainant, extend_ticket, register_ticket, withdraw_ticket
from assistant.complaints.urgency import urgent_signs
from assistant.dialogue.repository import aware
from assistant.store.models import AuditLog, ComplaintTicket

SHANGHAI = ZoneInfo("Asia/Shanghai")
SLOTS = {"company": "杭州明远科技有限公司", "credit_code": None, "contact_name": "张伟", "mobile": "13912345678",
         "business_type": "account", "business_channel": "online", "category": "fees",
         "description": "被扣了200元年费，事先没有通知", "occurred_on": "2024-06-07", "amount": "200.00",
         "request": "退还费用"}


def client() -> Complainant:
    return Complainant("test", f"u-{uuid.uuid4().hex[:10]}", None)


def received(day: str, hour: int = 10) -> datetime:
    """A moment on ``day`` at ``hour`` o'clock in Shanghai, as the store keeps it (UTC)."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


def register(sessions: sessionmaker[Session], who: Complainant, at: datetime, **slots: str) -> str:
    with sessions.begin() as db:
        ticket = register_ticket(db, who, {**SLOTS, "mobile": f"139{uuid.uuid4().int % 10**8:08d}", **slots}, [],
                                 at, at.astimezone(SHANGHAI))
        return ticket.number


def load(sessions: sessionmaker[Session], number: str) -> ComplaintTicket:
    with sessions() as db:
        return db.scalars(select(ComplaintTicket).where(ComplaintTicket.number == number)).one()


# registration -----------------------------------------------------------------------------------
def test_a_ticket_is_numbered_by_the_local_date_and_due_in_fifteen_days(sessions) -> None:  # type: ignore[no-untyped-def]
    at = received("2031-03-03")
    first, second = register(sessions, client(), at), register(sessions, client(), at + timedelta(minutes=5))
    assert (first, second) == ("TS-20310303-0001", "TS-20310303-0002")
    ticket = load(sessions, first)
    assert aware(ticket.due_at) == at + timedelta(days=15)
    assert ticket.extended_due_at is None and ticket.status == "registered"
    assert ticket.history[0]["event"] == "registered"


def test_a_complaint_after_midnight_in_shanghai_carries_the_local_date(sessions) -> None:  # type: ignore[no-untyped-def]
    late = received("2031-03-05", hour=1)  # 2031-03-04 17:00 UTC
    assert register(sessions, client(), late).startswith("TS-20310305-")


def test_a_second_complaint_from_the_same_mobile_within_half_a_year_is_urgent(sessions) -> None:  # type: ignore[no-untyped-def]
    at = received("2031-03-06")
    register(sessions, client(), at, mobile="13600001111")
    again = register(sessions, client(), at + timedelta(days=30), mobile="13600001111")
    assert load(sessions, again).urgent_reasons == ["repeat"]
    later = register(sessions, client(), at + timedelta(days=400), mobile="13600001111")
    assert load(sessions, later).urgent is False


# extensions: 15 → 30 → 60 days, each with a reason ----------------------------------------------
def extend(sessions: sessionmaker[Session], number: str, days: int, reason: str, at: datetime) -> None:
    with sessions.begin() as db:  # a fresh session each time, as a staff request would be
        ticket = db.scalars(select(ComplaintTicket).where(ComplaintTicket.number == number)).one()
        extend_ticket(db, ticket, days, reason, "staff:li", at)


def test_a_ticket_is_extended_to_thirty_then_sixty_days_from_receipt_with_reasons(sessions) -> None:  # type: ignore[no-untyped-def]
    at = received("2031-03-07")
    number = register(sessions, client(), at)
    extend(sessions, number, 30, "需调取网点监控录像", at + timedelta(days=10))
    ticket = load(sessions, number)
    assert aware(ticket.extended_due_at) == at + timedelta(days=30)
    assert aware(ticket.due_at) == at + timedelta(days=15)  # the original deadline is kept for the record
    assert ticket.extension_reason == "需调取网点监控录像"

    extend(sessions, number, 60, "需总行法律部门审核", at + timedelta(days=25))
    ticket = load(sessions, number)
    assert aware(ticket.extended_due_at) == at + timedelta(days=60)
    assert ticket.extension_reason == "需总行法律部门审核"
    assert [(h["event"], h.get("reason"), h["by"]) for h in ticket.history[1:]] == [
        ("extended_30d", "需调取网点监控录像", "staff:li"), ("extended_60d", "需总行法律部门审核", "staff:li")]
    with sessions() as db:
        audit = db.scalars(select(AuditLog).where(AuditLog.entity_id == number,
                                                  AuditLog.action == "complaint_extended")).all()
    assert [a.detail for a in audit] == [{"days": 30, "reason": "需调取网点监控录像"},
                                         {"days": 60, "reason": "需总行法律部门审核"}]


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_extension_without_a_reason_is_refused(sessions, reason: str) -> None:  # type: ignore[no-untyped-def]
    number = register(sessions, client(), received("2031-03-10"))
    with pytest.raises(ValueError, match="reason"):
        extend(sessions, number, 30, reason, received("2031-03-12"))
    assert load(sessions, number).extended_due_at is None


@pytest.mark.parametrize("days", [15, 45, 90])
def test_only_thirty_or_sixty_days_are_allowed(sessions, days: int) -> None:  # type: ignore[no-untyped-def]
    number = register(sessions, client(), received("2031-03-11"))
    with pytest.raises(ValueError, match="one of"):
        extend(sessions, number, days, "案情复杂", received("2031-03-12"))


def test_there_is_no_extension_past_sixty_days(sessions) -> None:  # type: ignore[no-untyped-def]
    at = received("2031-03-12")
    number = register(sessions, client(), at)
    extend(sessions, number, 30, "案情复杂", at + timedelta(days=5))
    extend(sessions, number, 60, "案情特别复杂", at + timedelta(days=20))
    for days in (60, 30):  # neither again nor back: a deadline is never shortened
        with pytest.raises(ValueError, match="60 days"):
            extend(sessions, number, days, "再次延期", at + timedelta(days=40))
    assert aware(load(sessions, number).extended_due_at) == at + timedelta(days=60)


def test_sixty_days_come_only_after_thirty(sessions) -> None:  # type: ignore[no-untyped-def]
    # 办法: 情况复杂的可延长至30日；特别复杂的再延长30日 — the second step follows the first.
    number = register(sessions, client(), received("2031-03-13"))
    with pytest.raises(ValueError, match="next extension is to 30"):
        extend(sessions, number, 60, "案情特别复杂", received("2031-03-14"))
    assert load(sessions, number).extended_due_at is None


def test_a_withdrawn_ticket_is_not_extended(sessions) -> None:  # type: ignore[no-untyped-def]
    who = client()
    number = register(sessions, who, received("2031-03-14"))
    with sessions.begin() as db:
        assert withdraw_ticket(db, number, who, "问题已解决", received("2031-03-15")) is not None
    with pytest.raises(ValueError, match="withdrawn"):
        extend(sessions, number, 30, "案情复杂", received("2031-03-16"))


# withdrawal -------------------------------------------------------------------------------------
def test_a_client_withdraws_only_their_own_open_ticket_and_only_once(sessions) -> None:  # type: ignore[no-untyped-def]
    owner, stranger = client(), client()
    number = register(sessions, owner, received("2031-03-17"))
    with sessions.begin() as db:
        assert withdraw_ticket(db, number, stranger, "不想投诉了", received("2031-03-18")) is None
    with sessions.begin() as db:
        ticket = withdraw_ticket(db, number, owner, "问题已解决", received("2031-03-18"))
        assert ticket is not None and ticket.status == "withdrawn"
    with sessions.begin() as db:
        assert withdraw_ticket(db, number, owner, "再撤一次", received("2031-03-19")) is None
    ticket = load(sessions, number)
    assert ticket.status == "withdrawn"
    assert ticket.history[-1] | {"at": None} == {"at": None, "event": "withdrawn", "by": "client",
                                                 "reason": "问题已解决"}


# urgency ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("story", "signs"), [
    ("你们未经授权扣了我5万，我已经找了律师", ["legal", "fraud"]),
    ("我已经打了12378，还要找媒体曝光", ["regulator", "media"]),
    ("客户信息被泄露了，气死我了！！！", ["data_leak", "anger"]),
    ("手续费比说好的多收了20元", []),
])
def test_urgency_signs_are_named_for_the_complaint_officer(story: str, signs: list[str]) -> None:
    assert urgent_signs(story) == signs


def test_tickets_registered_at_the_same_time_get_distinct_consecutive_numbers(sessions: sessionmaker[Session]):
    """Several workers registering at once (threads here, each with its own transaction) never
    collide on a number and never fail: the day's numbering takes turns."""
    import threading
    import time

    at = received("2024-09-09")
    numbers: list[str] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            with sessions.begin() as db:
                ticket = register_ticket(db, client(), {**SLOTS, "mobile": f"139{uuid.uuid4().int % 10**8:08d}"},
                                         [], at, at.astimezone(SHANGHAI))
                time.sleep(0.05)  # the rest of the turn, while the transaction is still open
                numbers.append(ticket.number)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    if sessions.kw["bind"].dialect.name == "sqlite":
        # SQLite has one writer: concurrent writers may be told the database is busy, never a duplicate.
        assert len(set(numbers)) == len(numbers)
        return
    assert errors == []
    assert sorted(numbers) == [f"TS-20240909-{n:04d}" for n in range(1, 13)]
