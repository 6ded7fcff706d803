"""Staff messages pushed to WeChat: in order, once, and never lost when WeChat will not take them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from assistant.dialogue.repository import add_message
from assistant.handover import inbox
from assistant.handover.availability import touch
from assistant.handover.delivery import PushRefused, push_pending
from assistant.store.models import CallbackTask, StaffDelivery
from tests.handover.conftest import OPEN_NOW, new_conversation


def _held_wechat(sessions, policy, staff, client_wrote_at):
    with sessions.begin() as db:
        conversation = new_conversation(db, client_wrote_at, "wechat", "openid-1")
        add_message(db, conversation, "user", "转人工", client_wrote_at)
        touch(db, staff["alice"].id, OPEN_NOW)  # someone is online: no callback booked on entering
        entered = inbox.enter(db, conversation, OPEN_NOW, policy)
        assert entered.callback is None
        handover_id = entered.handover.id
    with sessions.begin() as db:
        inbox.claim(db, handover_id, staff["alice"], OPEN_NOW)
        inbox.reply(db, handover_id, staff["alice"], "您好，我是王经理", OPEN_NOW)
    return handover_id


def _statuses(sessions):
    with sessions() as db:
        return [d.status for d in db.scalars(select(StaffDelivery).order_by(StaffDelivery.message_id))]


def test_pushed_in_order_once_with_the_staff_name(sessions, staff, policy):
    _held_wechat(sessions, policy, staff, OPEN_NOW - timedelta(minutes=5))
    sent: list[tuple[str, str]] = []
    result = push_pending(sessions, lambda to, text: sent.append((to, text)), lambda: OPEN_NOW, policy)
    assert result.sent == 2
    assert sent == [("openid-1", "王经理 已接入，正在为您服务。"), ("openid-1", "【王经理】您好，我是王经理")]
    assert push_pending(sessions, lambda to, text: sent.append((to, text)), lambda: OPEN_NOW, policy).sent == 0
    assert len(sent) == 2 and _statuses(sessions) == ["sent", "sent"]


def test_outside_the_48_hours_nothing_is_sent_and_a_callback_is_booked(sessions, staff, policy):
    handover_id = _held_wechat(sessions, policy, staff, OPEN_NOW - timedelta(hours=49))
    sent: list[str] = []
    result = push_pending(sessions, lambda to, text: sent.append(text), lambda: OPEN_NOW, policy)
    assert sent == [] and result.window_closed == 2 and _statuses(sessions) == ["window_closed", "window_closed"]
    with sessions() as db:
        reasons = [t.reason for t in db.scalars(select(CallbackTask).where(CallbackTask.handover_id == handover_id))]
        assert reasons == ["wechat_window"]  # one callback per hand-over, however many messages were held back


def test_wechat_refusals_45015_45047_and_network_errors(sessions, staff, policy):
    _held_wechat(sessions, policy, staff, OPEN_NOW - timedelta(minutes=1))

    def window(to, text):
        raise PushRefused(45015, "response out of time limit")

    assert push_pending(sessions, window, lambda: OPEN_NOW, policy).window_closed == 1
    # the second message waited behind the first, then was refused too on the next sweep
    assert _statuses(sessions) == ["window_closed", "pending"]

    def limit(to, text):
        raise PushRefused(45047, "out of response count limit")

    assert push_pending(sessions, limit, lambda: OPEN_NOW, policy).failed == 1
    assert _statuses(sessions) == ["window_closed", "failed"]


def test_a_network_error_is_retried_and_then_sent(sessions, staff, policy):
    _held_wechat(sessions, policy, staff, OPEN_NOW - timedelta(minutes=1))
    calls: list[str] = []

    def flaky(to, text):
        calls.append(text)
        if len(calls) == 1:
            raise OSError("connection reset")

    first = push_pending(sessions, flaky, lambda: OPEN_NOW, policy)
    assert first.retry == 1 and first.sent == 0  # the later message waits: order is kept
    second = push_pending(sessions, flaky, lambda: OPEN_NOW, policy)
    assert second.sent == 2 and _statuses(sessions) == ["sent", "sent"] and calls[0] == calls[1]


def test_a_message_owed_to_a_wechat_client_goes_through_the_push_outbox(sessions):  # type: ignore[no-untyped-def]
    with sessions.begin() as db:
        conversation = new_conversation(db, OPEN_NOW, channel="wechat", user="o-tell")
        message = inbox.tell_client(db, conversation.id, "关于您的投诉：处理期限延长至30日。", OPEN_NOW,
                                    "complaint_extended")
        message_id = message.id
    with sessions() as db:
        delivery = db.scalars(select(StaffDelivery).where(StaffDelivery.message_id == message_id)).one()
        assert (delivery.channel, delivery.status) == ("wechat", "pending")
