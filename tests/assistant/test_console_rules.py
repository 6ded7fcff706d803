"""The rules behind the console's buttons, on every covered database: a relationship manager records
how the call went, and a complaint moves only along its allowed transitions, refused in Chinese.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant import review, review_complaints
from assistant.dialogue.actions import FlowActions
from assistant.flows import FlowProgress
from assistant.staff_accounts import StaffIdentity, add_staff
from assistant.store.models import AuditLog, Conversation, Lead
from tests.assistant.test_deadlines import COMPLAINT, HOT_LEAD, SHANGHAI

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai


@pytest.fixture
def actions(new_manager) -> FlowActions:  # type: ignore[no-untyped-def]
    return new_manager(lambda: NOW.astimezone(SHANGHAI)).flows.actions


@pytest.fixture
def agent(sessions: sessionmaker[Session]) -> StaffIdentity:
    with sessions.begin() as db:
        user = add_staff(db, f"rm-{uuid.uuid4().hex[:8]}", "agent", "Rules-Test-5821-Password")
        return StaffIdentity(user.id, user.username, user.role)


def _conversation(db: Session) -> Conversation:
    conversation = Conversation(channel="test", user_id=f"u-{uuid.uuid4().hex[:10]}", session_id="s1",
                                started_at=NOW, last_active_at=NOW)
    db.add(conversation)
    db.flush()
    return conversation


def _lead(sessions: sessionmaker[Session], actions: FlowActions) -> int:
    with sessions.begin() as db:
        reply = actions.submit_lead(db, _conversation(db), FlowProgress("lead", slots=dict(HOT_LEAD)), NOW)
    return int(reply.data["lead"])


def test_a_call_that_reached_the_client_is_kept_audited_and_counts_as_the_first_contact(
        sessions: sessionmaker[Session], actions: FlowActions, agent: StaffIdentity) -> None:
    lead_id = _lead(sessions, actions)
    with sessions.begin() as db:
        review.claim_lead(db, agent, lead_id, NOW)
    later = NOW + timedelta(minutes=20)
    with sessions.begin() as db:
        done = review.record_call(db, agent, lead_id, "connected_interested", " 下周三来行面谈 ", later)
    assert done.status == "contacted" and done.call_outcome == "connected_interested"
    with sessions() as db:
        lead = db.get(Lead, lead_id)
        assert lead is not None
        assert (lead.call_outcome, lead.call_note, lead.called_at) == ("connected_interested", "下周三来行面谈", later)
        assert lead.called_at.tzinfo is not None  # stored as UTC, read back aware
        logged = db.scalars(select(AuditLog).where(AuditLog.entity_id == str(lead_id),
                                                   AuditLog.action == "lead_call_logged")).one()
        assert logged.actor == agent.actor and logged.detail["outcome"] == "connected_interested"
        assert (logged.detail["status_before"], logged.detail["status_after"]) == ("assigned", "contacted")
        detail = review.lead_detail(db, agent, lead_id, later)
        assert detail.call_outcome == "connected_interested" and detail.call_note == "下周三来行面谈"
        db.rollback()


def test_an_unanswered_call_is_recorded_but_the_callback_is_still_due(
        sessions: sessionmaker[Session], actions: FlowActions, agent: StaffIdentity) -> None:
    lead_id = _lead(sessions, actions)
    with sessions.begin() as db:
        review.claim_lead(db, agent, lead_id, NOW)
        assert review.record_call(db, agent, lead_id, "no_answer", "", NOW).status == "assigned"


def test_a_call_outcome_needs_a_known_outcome_and_the_lead_in_hand(
        sessions: sessionmaker[Session], actions: FlowActions, agent: StaffIdentity) -> None:
    lead_id = _lead(sessions, actions)
    with pytest.raises(review.Conflict, match="请先认领"), sessions.begin() as db:
        review.record_call(db, agent, lead_id, "no_answer", "", NOW)
    with sessions.begin() as db:
        review.claim_lead(db, agent, lead_id, NOW)
    with pytest.raises(review.ReviewError, match="已接通-有意向 / 已接通-无意向 / 未接通 / 号码错误"), \
            sessions.begin() as db:
        review.record_call(db, agent, lead_id, "maybe", "", NOW)


def test_a_complaint_moves_only_along_its_transitions_and_a_refusal_says_so_in_chinese(
        sessions: sessionmaker[Session], actions: FlowActions, agent: StaffIdentity) -> None:
    mobile = f"139{uuid.uuid4().int % 10**8:08d}"
    with sessions.begin() as db:
        reply = actions.register_complaint(db, _conversation(db), FlowProgress(
            "complaint", slots={**COMPLAINT, "mobile": mobile, "fee_type": "annual"}), NOW)
    number = reply.data["ticket"]
    with sessions.begin() as db:
        review_complaints.claim_complaint(db, agent, number, NOW)
    with pytest.raises(review.Conflict) as refused, sessions.begin() as db:
        review_complaints.set_complaint_status(db, agent, number, "closed", NOW)
    assert str(refused.value) == "工单当前为已登记，不能改为已办结（下一步只能改为：处理中）"
    for status, offered in (("in_progress", ["resolved"]), ("resolved", ["closed", "in_progress"]),
                            ("closed", [])):
        with sessions.begin() as db:
            review_complaints.set_complaint_status(db, agent, number, status, NOW)
            assert review_complaints.complaint_detail(db, agent, number, NOW).next_statuses == offered
    with pytest.raises(review.Conflict, match="工单已结束"), sessions.begin() as db:
        review_complaints.set_complaint_status(db, agent, number, "in_progress", NOW)


def test_the_complaint_view_carries_what_the_client_said(
        sessions: sessionmaker[Session], actions: FlowActions, agent: StaffIdentity) -> None:
    with sessions.begin() as db:
        reply = actions.register_complaint(db, _conversation(db), FlowProgress(
            "complaint", slots={**COMPLAINT, "mobile": "13800138000", "fee_type": "annual"}), NOW)
    with sessions() as db:
        view = review_complaints.complaint_detail(db, agent, reply.data["ticket"], NOW)
        assert (view.occurred_on, view.amount, view.business_channel, view.business_type, view.fee_type,
                view.request) == ("2026-11-27", "200.00", "online", "account", "annual", "退还费用")
        db.rollback()


def test_no_call_is_recorded_on_a_decided_lead(
        sessions: sessionmaker[Session], actions: FlowActions, agent: StaffIdentity) -> None:
    lead_id = _lead(sessions, actions)
    with sessions.begin() as db:
        review.claim_lead(db, agent, lead_id, NOW)
        review.decide_lead(db, agent, lead_id, "qualified", "资料齐全，转授信审批", NOW)
    with pytest.raises(review.Conflict, match=r"^线索状态为合格，不能再登记通话结果$"), sessions.begin() as db:
        review.record_call(db, agent, lead_id, "no_answer", "", NOW)
