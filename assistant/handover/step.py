"""The hand-over in the turn pipeline: entering the inbox, and the turn while a person has the client.

``during_handover_step`` runs before any other step: a conversation in the inbox does not reach
the bot. ``after_step`` puts an urgent complaint in the inbox and offers a person after the bot
could not answer twice in a row.
"""

from __future__ import annotations

from sqlalchemy import select

from assistant.dialogue.messages import Reply, TicketRegistered
from assistant.dialogue.turn import StepResult, Turn
from assistant.handover import inbox, texts
from assistant.handover.client import during_handover, entered_reply, holds_client
from assistant.store.models import Conversation, Handover, Message

UNANSWERED_ROUTES = ("out_of_scope",)
OFFER = {"zh": "这个问题我暂时回答不了。需要的话可以回复“转人工”，由工作人员为您解答。",
         "en": "I can't answer that yet. Reply \"human\" and a member of staff will help you."}
OFFER_BUTTON = {"zh": "转人工", "en": "Human"}
texts.TEXTS.setdefault("offer_person", OFFER)


def _unanswered(route: str | None, meta: dict | None) -> bool:
    return route in UNANSWERED_ROUTES or (route == "question" and (meta or {}).get("grounded") is False)


def _bot_could_not_answer_before(turn: Turn) -> bool:
    last = turn.db.execute(select(Message.route, Message.meta).where(
        Message.conversation_id == turn.conversation.id, Message.role == "bot").order_by(Message.id.desc())
        .limit(1)).first()
    return last is not None and _unanswered(last[0], last[1])


def enter_inbox(turn: Turn, hotline: str, reason: str) -> Reply:
    policy = turn.handover_policy
    assert policy is not None
    progress = turn.progress
    if reason == "client_asked" and progress is None and _bot_could_not_answer_before(turn):
        reason = "unanswered"
    facts = {"flow": progress.flow, **progress.display} if progress is not None and progress.display else {}
    urgent = bool(progress and progress.flow == "complaint" and progress.urgent)
    entered = inbox.enter(turn.db, turn.conversation, turn.now, policy, reason=reason, urgent=urgent, facts=facts)
    reply = entered_reply(turn.db, entered, policy, turn.lang, hotline)
    reply.data["handover"]["urgent"] = entered.handover.urgent
    return reply


def during_handover_step(turn: Turn) -> Reply | None:
    if turn.handover_policy is None:
        return None
    conversation = turn.conversation
    if conversation.status != "handover":
        conversation = _earlier_session_with_staff(turn)
        if conversation is None:
            return None
    return during_handover(turn.db, conversation, turn.body, turn.now, turn.lang, turn.handover_policy)


def _earlier_session_with_staff(turn: Turn) -> Conversation | None:
    """The client came back in a new session (WeChat starts one each day) while staff still have the
    earlier one: the message joins that conversation, so it reaches the staff thread, not the bot."""
    db, current = turn.db, turn.conversation
    found = db.execute(select(Conversation, Handover).join(Handover, Handover.conversation_id == Conversation.id)
                       .where(Conversation.channel == current.channel, Conversation.user_id == current.user_id,
                              Conversation.id != current.id, Handover.status.in_(inbox.OPEN))
                       .order_by(Handover.id.desc()).limit(1).with_for_update(of=Conversation)).first()
    if found is None or not holds_client(found[1]):
        return None
    earlier = found[0]
    message = db.scalar(select(Message).where(Message.conversation_id == current.id, Message.role == "user")
                        .order_by(Message.id.desc()).limit(1))
    if message is not None:
        message.conversation_id = earlier.id
    earlier.last_active_at = turn.now
    return earlier


def after_step(turn: Turn, result: StepResult) -> None:
    policy = turn.handover_policy
    if policy is None or not isinstance(result, Reply) or result.route in ("handover", "staff_thread"):
        return
    ticket = next((e for e in result.events if isinstance(e, TicketRegistered) and e.urgent), None)
    if ticket is not None:
        entered = inbox.enter(turn.db, turn.conversation, turn.now, policy, reason="urgent_complaint", urgent=True,
                              ticket_number=ticket.number)
        result.handover = True
        result.data["handover"] = {"id": entered.handover.id, "status": entered.handover.status, "urgent": True}
        return
    if _unanswered(result.route, result.data) and _bot_could_not_answer_before(turn):
        lang = result.language if result.language in OFFER else "zh"
        result.text += "\n" + OFFER[lang]
        if OFFER_BUTTON[lang] not in result.quick_replies:
            result.quick_replies = [OFFER_BUTTON[lang], *result.quick_replies]
