"""Who waits for a person (issue 11), through the real turn pipeline and database: the client asks, a
flow gave up, the bot could not answer twice, an urgent complaint; and while a person has the client
the bot stays silent and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from assistant.dialogue import IncomingMessage
from assistant.handover import inbox
from assistant.handover.availability import touch
from assistant.staff_accounts import StaffIdentity, add_staff
from assistant.store.models import Conversation, Handover, Message
from tests.ui.conftest import URGENT_COMPLAINT

OPEN = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # Tuesday 10:30 in Shanghai


def _say(manager, user: str, text: str):
    return manager.reply(IncomingMessage("api", user, user, text))


def _handover(manager, user: str) -> Handover:
    with manager.sessions() as db:
        row = db.scalar(select(Handover).join(Conversation, Conversation.id == Handover.conversation_id)
                        .where(Conversation.user_id == user).order_by(Handover.id.desc()).limit(1))
        assert row is not None
        return row


def test_two_unanswered_questions_offer_a_person_and_the_reason_is_kept(new_manager) -> None:
    manager = new_manager(lambda: OPEN)
    user = "ho-unanswered"
    first = _say(manager, user, "今天天气怎么样")
    assert first.route == "out_of_scope" and "回答不了" not in first.text  # once is not yet "twice"
    second = _say(manager, user, "👍👍👍🎉")
    assert second.route == "out_of_scope" and "回答不了" in second.text and "转人工" in second.quick_replies
    handed = _say(manager, user, "转人工")
    assert handed.route == "handover" and handed.handover
    assert _handover(manager, user).reason == "unanswered"


def test_a_flow_that_gave_up_hands_over_with_the_facts(new_manager) -> None:
    manager = new_manager(lambda: OPEN)
    user = "ho-flow"
    for text in ["我要投诉", "杭州明远科技有限公司", "跳过", "张伟", "1391234", "不告诉你"]:
        last = _say(manager, user, text)
    assert last.data.get("offer_handover") is True
    handed = _say(manager, user, "转人工")
    assert handed.handover and "已保存" in handed.text
    item = _handover(manager, user)
    assert item.reason == "flow_gave_up" and item.facts.get("company") == "杭州明远科技有限公司"


def test_an_urgent_complaint_enters_the_inbox_with_its_ticket(new_manager) -> None:
    manager = new_manager(lambda: OPEN)
    user = "ho-urgent"
    script = URGENT_COMPLAINT  # the urgent complaint script of the channel tests
    for text in script:
        last = _say(manager, user, text)
    assert last.ticket_number and last.handover
    item = _handover(manager, user)
    assert item.reason == "urgent_complaint" and item.urgent and item.ticket_number == last.ticket_number
    # The client did not ask to wait for a person: until staff claim it the bot still answers them.
    assert _say(manager, user, "科技贷最多能贷多少？").route == "question"
    assert _handover(manager, user).status == "waiting"


def test_while_a_person_holds_it_the_bot_writes_nothing(new_manager) -> None:
    manager = new_manager(lambda: OPEN)
    user = "ho-held"
    with manager.sessions.begin() as db:
        staff = add_staff(db, "ho-agent", "agent", "Inbox-Agent-5820-Zt", display_name="王经理")
        me = StaffIdentity(staff.id, staff.username, staff.role)
        touch(db, staff.id, OPEN)
    first = _say(manager, user, "我要找人工")
    assert "前面还有" in first.text
    with manager.sessions.begin() as db:
        inbox.claim(db, first.data["handover"]["id"], me, OPEN)
    with manager.sessions() as db:
        before = db.scalar(select(func.count()).select_from(Message).where(Message.role == "bot"))
    silent = _say(manager, user, "科技贷最多能贷多少？")
    assert silent.text == "" and silent.data["handover"] == {"id": first.data["handover"]["id"], "status": "held",
                                                              "staff_name": "王经理"}
    with manager.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Message).where(Message.role == "bot")) == before
    with manager.sessions.begin() as db:
        inbox.release(db, first.data["handover"]["id"], me, OPEN)
    assert _say(manager, user, "科技贷最多能贷多少？").route == "question"


def test_a_wechat_client_writing_the_next_day_still_reaches_staff(new_manager) -> None:
    manager = new_manager(lambda: OPEN)
    openid = "oHandoverNextDay"
    first = manager.reply(IncomingMessage("wechat", openid, f"{openid}:20261201", "转人工"))
    assert first.handover
    next_day = manager.reply(IncomingMessage("wechat", openid, f"{openid}:20261202", "昨天说的事怎么样了"))
    assert next_day.route == "staff_thread"  # not answered by the bot in the new day's session
    with manager.sessions() as db:
        item = _handover(manager, openid)
        texts = list(db.scalars(select(Message.text).where(Message.conversation_id == item.conversation_id,
                                                           Message.role == "user")))
        assert texts == ["转人工", "昨天说的事怎么样了"]
