"""What a channel hands in and gets back. Nothing here knows which channel spoke."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    data: dict[str, Any] = field(default_factory=dict)  # ticket number, lead tier, … for channels and tests

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "citations": self.citations, "quick_replies": self.quick_replies,
                "attachments": self.attachments, "route": self.route, "flow": self.flow, "step": self.step,
                "handover": self.handover, "language": self.language, "data": self.data}
