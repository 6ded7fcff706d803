"""Staff messages pushed to channels that have no page polling for them (WeChat's customer-service API).

Each staff message for such a channel has a ``staff_delivery`` row. ``push_pending`` sends them in
order, one conversation at a time: the row is locked (``SKIP LOCKED`` on PostgreSQL, so two workers
never send the same one) while it is sent, and settled in the same transaction. Outside WeChat's
48-hour window, or when WeChat says so (45015) or refuses more messages (45047), the message is not
lost: it stays in the transcript, is marked for the console, and a callback task is booked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.clock import Clock, utc_now
from assistant.handover.availability import Policy
from assistant.handover.inbox import book_callback
from assistant.handover.views import wechat_window
from assistant.store.models import Conversation, Handover, Message, StaffDelivery

log = logging.getLogger(__name__)
WINDOW_CLOSED = {45015}  # "response out of time limit": the 48 hours have passed
OVER_LIMIT = {45047}  # "out of response count limit": too many messages since the client last wrote
MAX_ATTEMPTS = 5


class PushRefused(Exception):
    def __init__(self, errcode: int, message: str = "") -> None:
        super().__init__(f"{errcode} {message}".strip())
        self.errcode = errcode


Send = Callable[[str, str], None]  # (recipient on the channel, text); raises PushRefused or OSError-like errors


@dataclass
class PushResult:
    sent: int = 0
    window_closed: int = 0
    failed: int = 0
    retry: int = 0


def outgoing_text(message: Message) -> str:
    """A staff message says who wrote it: WeChat shows everything as from the bank's account."""
    name = (message.meta or {}).get("staff_name")
    return f"【{name}】{message.text}" if message.role == "staff" and name else message.text


def push_pending(sessions: sessionmaker[Session], send: Send, clock: Clock, policy: Policy, channel: str = "wechat",
                 limit: int = 50) -> PushResult:
    result = PushResult()
    stalled: set[int] = set()  # conversations whose earlier message did not go: later ones wait for it
    with sessions() as db:
        ids = list(db.scalars(select(StaffDelivery.message_id).where(StaffDelivery.status == "pending",
                                                                     StaffDelivery.channel == channel)
                              .order_by(StaffDelivery.message_id).limit(limit)))
    for message_id in ids:
        with sessions.begin() as db:
            delivery = db.scalar(select(StaffDelivery).where(StaffDelivery.message_id == message_id,
                                                             StaffDelivery.status == "pending")
                                 .with_for_update(skip_locked=True))
            if delivery is None:
                continue  # another worker has it, or settled it meanwhile
            message = db.get(Message, message_id)
            conversation = db.get(Conversation, message.conversation_id) if message is not None else None
            if message is None or conversation is None or conversation.id in stalled:
                continue
            _push_one(db, delivery, message, conversation, send, clock, policy, result, stalled)
    return result


def _push_one(db: Session, delivery: StaffDelivery, message: Message, conversation: Conversation, send: Send,
              clock: Clock, policy: Policy, result: PushResult, stalled: set[int]) -> None:
    now = utc_now(clock)
    delivery.attempts += 1
    delivery.updated_at = now
    if not wechat_window(db, conversation.id, now, policy)["open"]:
        _not_deliverable(db, delivery, message, "window_closed", "客户最后一条消息已超过48小时", policy, now)
        result.window_closed += 1
        return
    try:
        send(conversation.user_id, outgoing_text(message))
    except PushRefused as exc:
        if exc.errcode in WINDOW_CLOSED | OVER_LIMIT:
            status = "window_closed" if exc.errcode in WINDOW_CLOSED else "failed"
            reason = "超过48小时回复时限" if exc.errcode in WINDOW_CLOSED else "客户回复前可发送的消息数已达上限"
            _not_deliverable(db, delivery, message, status, f"{reason}（{exc.errcode}）", policy, now)
            result.window_closed += status == "window_closed"
            result.failed += status == "failed"
            stalled.add(conversation.id)
            return
        _retry_later(delivery, str(exc), result, stalled, conversation.id)
        return
    except Exception as exc:  # the network, a timeout: tried again on the next sweep
        log.warning("push of message %s failed: %s", message.id, exc)
        _retry_later(delivery, str(exc), result, stalled, conversation.id)
        return
    delivery.status, delivery.last_error = "sent", None
    result.sent += 1


def _retry_later(delivery: StaffDelivery, error: str, result: PushResult, stalled: set[int],
                 conversation_id: int) -> None:
    delivery.last_error = error[:300]
    stalled.add(conversation_id)
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
        result.failed += 1
    else:
        result.retry += 1


def _not_deliverable(db: Session, delivery: StaffDelivery, message: Message, status: str, why: str, policy: Policy,
                     now: datetime) -> None:
    delivery.status, delivery.last_error = status, why
    handover_id = (message.meta or {}).get("handover_id")
    handover = db.get(Handover, handover_id) if handover_id else None
    if handover is not None and handover.status in ("waiting", "held"):
        book_callback(db, handover, "wechat_window", policy, now)


def delivery_states(db: Session, message_ids: list[int]) -> dict[int, dict[str, object]]:
    """For the console: whether each pushed message reached the client."""
    if not message_ids:
        return {}
    rows = db.scalars(select(StaffDelivery).where(StaffDelivery.message_id.in_(message_ids)))
    return {d.message_id: {"status": d.status, "error": d.last_error, "attempts": d.attempts} for d in rows}
