"""Tables shared between workers for the channels, the hand-over inbox and security (migrations
0003, 0004_security, 0005_handover). Re-exported by ``assistant.store.models``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.store.base import Base
from assistant.store.utc import UTCDateTime

# WeChat bridge (migration 0003): shared by every worker, so retries and numbered replies work anywhere.


class WeChatInbound(Base):
    """A WeChat message being or already answered; a retry of the same MsgId finds it here."""

    __tablename__ = "wechat_inbound"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    settled: Mapped[bool] = mapped_column(Boolean, default=False)
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)  # the passive reply XML, if there was one


class WeChatChoice(Base):
    """The numbered quick replies last shown to a WeChat client, so a bare "2" picks one on any worker."""

    __tablename__ = "wechat_choice"

    openid: Mapped[str] = mapped_column(String(128), primary_key=True)
    choices: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Hand-over to a person (migration 0005_handover): the staff inbox. Staff replies are ``message`` rows
# with role "staff" (meta: staff_id, staff_name), so one ordered transcript serves client and staff.


class Handover(Base):
    """One request for a person in one conversation: waiting → held (by a staff member) → released | closed."""

    __tablename__ = "handover"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)  # waiting | held | released | closed
    reason: Mapped[str] = mapped_column(String(32))  # client_asked | flow_gave_up | unanswered | urgent_complaint
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    facts: Mapped[dict] = mapped_column(JSON, default=dict)  # what a flow collected before giving up
    lead_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ticket_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True, index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CallbackTask(Base):
    """A promise to call the client back: made when nobody could take the conversation live."""

    __tablename__ = "callback_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(32))  # after_hours | no_staff | wechat_window
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | done
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class StaffPresence(Base):
    """When a staff member was last seen in the console or the API: "online" means seen recently."""

    __tablename__ = "staff_presence"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StaffDelivery(Base):
    """A staff message that must be pushed to a channel without a live page (WeChat); retried until settled."""

    __tablename__ = "staff_delivery"

    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | sent | failed | window_closed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Security (migration 0004_security): shared by every worker, so a lock or a seen nonce holds everywhere.


class LoginThrottle(Base):
    """Failed logins of one account or one address in the current window, and the lock they caused."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WeChatNonce(Base):
    """A (timestamp, nonce) pair WeChat signed, remembered for the skew window so it is used once."""

    __tablename__ = "wechat_nonce"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64))  # a WeChat retry resends the same body, a replay not
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
