"""The client's side of a hand-over: what they are told on entering the inbox and while in it.

While a person holds the conversation the bot is silent: the message goes to the staff thread and
the reply carries no text, only the hand-over state (the widget shows who has them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from assistant.dialogue.messages import Reply
from assistant.handover import texts
from assistant.handover.availability import Policy, expected_wait_minutes, local_text
from assistant.handover.inbox import (
    CANCEL,
    Entered,
    ahead_of,
    cancel_by_client,
    display_name,
    open_callback,
    open_handover,
)
from assistant.store.models import Conversation, Handover


def holds_client(handover: Handover) -> bool:
    """Whether the client's messages go to staff instead of the bot. An urgent complaint is in the inbox
    for staff to call back, but the client did not ask to wait for a person: until someone claims it the
    bot still answers them (they may want to add to it, or withdraw it)."""
    return handover.status == "held" or (handover.status == "waiting" and handover.reason != "urgent_complaint")


def state_json(db: Session, handover: Handover | None, policy: Policy) -> dict[str, Any]:
    """What a client page shows about the hand-over: nothing, the queue, or who is talking to them."""
    if handover is None or handover.status not in ("waiting", "held"):
        return {"status": "none"}
    if handover.status == "held":
        return {"status": "held", "staff_name": display_name(db, handover.assignee_id)}
    task = open_callback(db, handover.id)
    return {"status": "waiting", "ahead": ahead_of(db, handover),
            "callback_due": local_text(task.due_at, policy.timezone) if task is not None else None}


def entered_reply(db: Session, entered: Entered, policy: Policy, lang: str, hotline: str) -> Reply:
    """The answer to "转人工": the queue and an honest wait, or, with nobody there, the booked callback."""
    handover = entered.handover
    if handover.status == "held":
        line = texts.text("claimed", lang, name=display_name(db, handover.assignee_id))
    elif entered.callback is not None:
        due = local_text(entered.callback.due_at, policy.timezone)
        key = "after_hours" if not entered.availability.open_now else "no_staff"
        line = texts.text(key, lang, due=due, hotline=hotline, opens=policy.calendar.opens.strftime("%H:%M"),
                          closes=policy.calendar.closes.strftime("%H:%M"))
    else:
        minutes = expected_wait_minutes(db, entered.ahead, entered.availability.staff_online, handover.requested_at)
        wait = texts.text("wait_estimate", lang, minutes=minutes) if minutes else texts.text("wait_unknown", lang)
        line = texts.text("queued", lang, ahead=entered.ahead, wait=wait, hotline=hotline)
    return Reply(line, route="handover", handover=True, language=lang,
                 data={"handover": {"id": handover.id, **state_json(db, handover, policy)}})


def during_handover(db: Session, conversation: Conversation, body: str, now: datetime, lang: str,
                    policy: Policy) -> Reply | None:
    """The reply to a client message while the conversation is in the inbox; None when it is not."""
    handover = open_handover(db, conversation.id)
    if handover is None or not holds_client(handover):
        return None
    if CANCEL.match(body[:40]) and cancel_by_client(db, handover, now):
        return Reply(texts.text("cancelled", lang), route="handover_cancelled", language=lang,
                     data={"handover": {"id": handover.id, "status": "none"}})
    handover.updated_at = now
    state = {"id": handover.id, **state_json(db, handover, policy)}
    if handover.status == "held":
        return Reply("", route="staff_thread", handover=True, language=lang, data={"handover": state})
    if state.get("callback_due"):
        line = texts.text("still_waiting_callback", lang, due=state["callback_due"])
    else:
        line = texts.text("still_waiting", lang, ahead=state["ahead"])
    return Reply(line, route="staff_thread", handover=True, language=lang, data={"handover": state})
