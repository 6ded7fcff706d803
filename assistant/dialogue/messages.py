"""What a channel hands in and gets back. Nothing here knows which channel spoke."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str = ""
    data: bytes | None = None  # the upload itself, or …
    path: str | None = None  # … a file the channel already saved


@dataclass(frozen=True)
class IncomingMessage:
    channel: str  # "web", "wechat", "api", "cli" — recorded, never branched on
    user_id: str  # stable per client on that channel (WeChat openid, web cookie id)
    session_id: str  # one chat session; a new one later resumes an unfinished flow
    text: str = ""
    attachment: Attachment | None = None
    # The language the channel shows the client (the widget's interface, from the browser), used when
    # the message itself does not tell: an upload, a number, "ok". What the client writes decides first.
    language: str | None = None


# What a turn produced, for whoever must act on it (staff alerts, the hand-over queue). Typed, so a
# consumer never reads ``Reply.data`` by key.
@dataclass(frozen=True)
class LeadSubmitted:
    lead_id: int
    tier: str  # hot | warm | nurture | self_service
    score: int
    products: tuple[str, ...]
    sla_due_at: datetime | None  # UTC


@dataclass(frozen=True)
class TicketRegistered:
    number: str  # TS-YYYYMMDD-NNNN
    urgent: bool
    due_at: datetime  # UTC


@dataclass(frozen=True)
class HandoverRequested:
    conversation_id: int
    reason: str  # client_asked | flow_gave_up | …


ReplyEvent = LeadSubmitted | TicketRegistered | HandoverRequested


@dataclass(frozen=True)
class Delta:
    """Provisional text of a reply being written (a model streaming an answer); the final ``Reply``
    of the same turn replaces everything shown, since the checks may swap in the extractive answer."""

    text: str


@dataclass
class Reply:
    text: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    quick_replies: list[str] = field(default_factory=list)  # channels without buttons show them numbered
    attachments: list[dict[str, Any]] = field(default_factory=list)
    route: str = ""  # question | complaint | withdraw_complaint | lead | document | handover | greeting …
    flow: str | None = None  # the flow still active after this turn
    step: str | None = None  # its current step (slot name or "__confirm__")
    handover: bool = False  # a person should take over now
    language: str = "zh"
    data: dict[str, Any] = field(default_factory=dict)  # the wire summary for clients: ticket number, tier, …
    events: list[ReplyEvent] = field(default_factory=list)  # what the turn produced, for staff-side consumers
    document_id: int | None = None  # the document this turn stored, when a file came with it

    @property
    def ticket_number(self) -> str | None:
        return next((e.number for e in self.events if isinstance(e, TicketRegistered)), None)

    @property
    def lead_id(self) -> int | None:
        return next((e.lead_id for e in self.events if isinstance(e, LeadSubmitted)), None)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "citations": self.citations, "quick_replies": self.quick_replies,
                "attachments": self.attachments, "route": self.route, "flow": self.flow, "step": self.step,
                "handover": self.handover, "language": self.language, "data": self.data}
