"""The REST channel's wire contract: what ``POST /api/chat`` and ``/api/chat/upload`` return.

Integrators rely on these shapes (they are in the OpenAPI document at ``/openapi.json``); the
routes declare them as ``response_model``s so the contract is checked on every response.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CitationOut(BaseModel):
    model_config = ConfigDict(extra="allow")  # a composer may add fields (labels, pages) without a break

    source: str = Field(description="The document, relative to its knowledge base.")
    title: str | None = None
    section: str | None = None
    text: str = Field(description="The passage the answer used.")


class CheckOut(BaseModel):
    name: str | None
    status: str | None = Field(description="pass | warn | fail")
    message: str | None


class DocumentOut(BaseModel):
    id: int
    filename: str
    doc_type: str | None = Field(description="invoice | contract | business_licence | other")
    verdict: str = Field(description="pass | review | fail | unreadable | unchecked")
    checks: list[CheckOut]
    note: str | None = None
    annotated: list[str] = Field(description="Signed links to the annotated page images.")


class ChatReply(BaseModel):
    session_id: str = Field(description="Send it back with the next message.")
    reply: str = Field(description="The assistant's reply; shown as plain text.")
    citations: list[CitationOut] = []
    quick_replies: list[str] = Field(default=[], description="Suggested answers: buttons, or numbered lines.")
    attachments: list[dict[str, Any]] = []
    route: str = Field(description="question | complaint | withdraw_complaint | lead | document | handover | …")
    flow: str | None = Field(default=None, description="The flow still active after this turn.")
    step: str | None = Field(default=None, description="Its current step.")
    handover: bool = Field(description="A person should take over now.")
    language: str = Field(description="zh | en")
    data: dict[str, Any] = Field(default={}, description="What the turn produced: ticket number, lead tier, …")
    document: DocumentOut | None = Field(default=None, description="Only after an upload: its checks.")


class NewSession(BaseModel):
    session_id: str
