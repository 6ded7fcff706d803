"""The inbox on a real database: entering, the queue, claiming, replying, handing back, closing, assigning."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from assistant.dialogue.repository import add_message, aware
from assistant.handover import client, inbox, views
from assistant.handover.availability import touch
from assistant.review import Conflict, Forbidden, ReviewError
from assistant.store.models import AuditLog, CallbackTask, Conversation, Handover, Message
from tests.handover.conftest import CLOSED_NOW, OPEN_NOW, new_conversation


def _enter(sessions, policy, now, user="u1", channel="web", **kwargs):
    with sessions.begin() as db:
        conversation = new_conversation(db, now, channel, user)
        add_message(db, conversation, "user", f"转人工，我的手机 13912345678（{user}）", now)
        entered = inbox.enter(db, conversation, now, policy, **kwargs)
        return entered.handover.id, conversation.id, entered


def test_queue_position_and_honest_wait_with_staff_online(sessions, staff, policy):
    with sessions.begin() as db:
        touch(db, staff["alice"].id, OPEN_NOW)
        touch(db, staff["alice"].id, OPEN_NOW)  # the upsert: seen twice, one row
    _, _, entered = _enter(sessions, policy, OPEN_NOW, "u1")
    assert entered.new and entered.callback is None and entered.ahead == 0 and entered.availability.live
    second, _, entered = _enter(sessions, policy, OPEN_NOW + timedelta(seconds=5), "u2")
    assert entered.ahead == 1
    _, _, entered = _enter(sessions, policy, OPEN_NOW + timedelta(seconds=9), "u3", reason="urgent_complaint",
                                urgent=True)
    assert entered.ahead == 0  # an urgent complaint goes first
    with sessions() as db:
        assert inbox.ahead_of(db, db.get(Handover, second)) == 2
        reply = client.entered_reply(db, entered, policy, "zh", "400-818-6688")
        assert "前面还有 0 位" in reply.text and reply.handover
        assert reply.data["handover"]["status"] == "waiting"


def test_nobody_online_books_a_callback_within_business_hours(sessions, staff, policy):
    handover_id, _, entered = _enter(sessions, policy, CLOSED_NOW)
    assert not entered.availability.open_now and entered.callback is not None
    # Saturday 21:00 → Monday 09:00 opening + 2 business hours = Monday 11:00 Shanghai = 03:00 UTC
    assert aware(entered.callback.due_at) == CLOSED_NOW.replace(day=7, hour=3, minute=0)
    with sessions() as db:
        reply = client.entered_reply(db, entered, policy, "zh", "400-818-6688")
        assert "非工作时间" in reply.text and "2026-12-07 11:00" in reply.text and "400-818-6688" in reply.text
        task = db.scalar(select(CallbackTask).where(CallbackTask.handover_id == handover_id))
        assert task is not None and task.reason == "after_hours" and aware(task.due_at).tzinfo is not None
    # open, but nobody seen in the last minutes
    _, _, entered = _enter(sessions, policy, OPEN_NOW, "u2")
    assert entered.availability.open_now and entered.callback is not None and entered.callback.reason == "no_staff"


def test_asking_twice_keeps_the_place_in_the_queue(sessions, staff, policy):
    handover_id, conversation_id, _ = _enter(sessions, policy, OPEN_NOW)
    with sessions.begin() as db:
        conversation = db.get(Conversation, conversation_id)
        again = inbox.enter(db, conversation, OPEN_NOW + timedelta(minutes=1), policy, facts={"company": "明远"})
        assert not again.new and again.handover.id == handover_id and again.handover.facts == {"company": "明远"}
    with sessions() as db:
        assert len(list(db.scalars(select(Handover)))) == 1


def test_claim_reply_release_and_the_bot_is_silent_while_held(sessions, staff, policy):
    handover_id, conversation_id, _ = _enter(sessions, policy, OPEN_NOW)
    alice, bob = staff["alice"], staff["bob"]
    later = OPEN_NOW + timedelta(minutes=2)
    with sessions.begin() as db:
        inbox.claim(db, handover_id, alice, later)
        inbox.claim(db, handover_id, alice, later)  # a double click claims once
    with sessions.begin() as db, pytest.raises(Conflict, match="alice"):
        inbox.claim(db, handover_id, bob, later)
    with sessions.begin() as db, pytest.raises(Forbidden):
        inbox.reply(db, handover_id, bob, "我来", later)
    html = "<script>alert(1)</script> 您好，我是王经理"
    with sessions.begin() as db:
        sent = inbox.reply(db, handover_id, alice, html, later)
        sent_id = sent.id
    with sessions.begin() as db:
        conversation = db.get(Conversation, conversation_id)
        held = client.during_handover(db, conversation, "有人吗？能不能加急", later, "zh", policy)
        assert held is not None and held.text == "" and held.data["handover"]["status"] == "held"
        assert held.data["handover"]["staff_name"] == "王经理"
    with sessions() as db:
        conversation = db.get(Conversation, conversation_id)
        messages = views.client_messages(db, conversation)
        staff_lines = [m for m in messages if m["role"] == "staff"]
        assert [m["text"] for m in staff_lines] == [html] and staff_lines[0]["staff_name"] == "王经理"
        notices = [m["notice"] for m in messages if m["notice"]]
        assert notices == ["claimed"]  # once, despite the double click
        assert [m["id"] for m in views.client_messages(db, conversation, after=sent_id)] == []
        assert all(aware_iso.endswith("+00:00") for aware_iso in (m["at"] for m in messages))
    with sessions.begin() as db:
        inbox.release(db, handover_id, alice, later)
    with sessions.begin() as db:
        conversation = db.get(Conversation, conversation_id)
        assert conversation.status == "active"
        assert client.during_handover(db, conversation, "贷款利率多少", later, "zh", policy) is None  # the bot again
    with sessions.begin() as db, pytest.raises(Conflict, match="已结束"):
        inbox.reply(db, handover_id, alice, "还在吗", later)
    with sessions() as db:
        actions = [a.action for a in db.scalars(select(AuditLog).where(AuditLog.entity_type == "handover"))]
        assert actions == ["handover_requested", "callback_booked", "handover_claimed", "handover_replied",
                           "handover_released"]  # nobody was online: a callback was booked, then done
        assert db.scalar(select(CallbackTask.status)) == "done"


@pytest.mark.parametrize("text", ["", "   ", "字" * 20_000])
def test_empty_or_huge_replies_are_refused_and_nothing_is_stored(sessions, staff, policy, text):
    handover_id, conversation_id, _ = _enter(sessions, policy, OPEN_NOW)
    with sessions.begin() as db:
        inbox.claim(db, handover_id, staff["alice"], OPEN_NOW)
    with sessions.begin() as db, pytest.raises(ReviewError):
        inbox.reply(db, handover_id, staff["alice"], text, OPEN_NOW)
    with sessions() as db:
        assert not list(db.scalars(select(Message).where(Message.conversation_id == conversation_id,
                                                         Message.role == "staff")))


def test_reply_before_claim_and_assign_rules(sessions, staff, policy):
    handover_id, _, _ = _enter(sessions, policy, OPEN_NOW)
    with sessions.begin() as db, pytest.raises(Conflict, match="认领"):
        inbox.reply(db, handover_id, staff["alice"], "您好", OPEN_NOW)
    with sessions.begin() as db, pytest.raises(Forbidden):
        inbox.assign(db, handover_id, staff["alice"], "bob", OPEN_NOW)
    with sessions.begin() as db, pytest.raises(ReviewError, match="nobody"):
        inbox.assign(db, handover_id, staff["sue"], "nobody", OPEN_NOW)
    with sessions.begin() as db:
        inbox.assign(db, handover_id, staff["sue"], "bob", OPEN_NOW)
        inbox.reply(db, handover_id, staff["bob"], "您好，我是李经理", OPEN_NOW)
    with sessions.begin() as db:
        inbox.close(db, handover_id, staff["bob"], "已电话联系客户，问题已解决", OPEN_NOW + timedelta(minutes=5))
    with sessions() as db:
        handover = db.get(Handover, handover_id)
        assert handover.status == "closed" and handover.note.startswith("已电话联系")
        assert aware(handover.ended_at) == OPEN_NOW + timedelta(minutes=5)
    with sessions.begin() as db, pytest.raises(Conflict):
        inbox.close(db, handover_id, staff["bob"], "again", OPEN_NOW)


def test_client_may_cancel_while_waiting(sessions, staff, policy):
    handover_id, conversation_id, _ = _enter(sessions, policy, OPEN_NOW)
    with sessions.begin() as db:
        conversation = db.get(Conversation, conversation_id)
        waiting = client.during_handover(db, conversation, "有人吗", OPEN_NOW, "zh", policy)
        assert waiting is not None and "工作人员" in waiting.text
        cancelled = client.during_handover(db, conversation, "取消", OPEN_NOW, "zh", policy)
        assert cancelled is not None and cancelled.route == "handover_cancelled"
    with sessions() as db:
        assert db.get(Handover, handover_id).status == "released"
        assert db.get(Conversation, conversation_id).status == "active"


def test_agents_see_waiting_and_their_own_masked_until_they_hold_it(sessions, staff, policy):
    first, _, _ = _enter(sessions, policy, OPEN_NOW, "u1")
    second, _, _ = _enter(sessions, policy, OPEN_NOW, "u2", facts={"mobile": "13912345678"})
    with sessions.begin() as db:
        inbox.claim(db, first, staff["bob"], OPEN_NOW)
    with sessions.begin() as db:
        rows = views.list_handovers(db, staff["alice"], OPEN_NOW, policy)
        assert [r["id"] for r in rows] == [second]  # bob's conversation is not hers
        assert "139****5678" in rows[0]["last_messages"][0]["text"] and rows[0]["facts"]["mobile"] == "139****5678"
        with pytest.raises(Forbidden):
            views.detail(db, first, staff["alice"], OPEN_NOW, policy)
        everything = views.list_handovers(db, staff["sue"], OPEN_NOW, policy)
        assert {r["id"] for r in everything} == {first, second} and not everything[0]["masked"]
        mine = views.detail(db, first, staff["bob"], OPEN_NOW, policy)
        assert "13912345678" in mine["transcript"][0]["text"] and mine["status"] == "held"
        with pytest.raises(ReviewError):
            views.list_handovers(db, staff["sue"], OPEN_NOW, policy, status="bogus")
        closed = views.list_handovers(db, staff["sue"], OPEN_NOW, policy, status="closed")
        assert closed == []


def test_times_are_stored_aware_utc(sessions, staff, policy):
    handover_id, _, _ = _enter(sessions, policy, OPEN_NOW)
    with sessions() as db:
        handover = db.get(Handover, handover_id)
        assert aware(handover.requested_at) == OPEN_NOW
        assert aware(handover.requested_at).utcoffset() == UTC.utcoffset(None)
