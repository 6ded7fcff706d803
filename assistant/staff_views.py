"""What the staff side shows, as typed models: the API's response models and the console's context.

Every view of personal data goes through ``assistant.masking.mask`` before it leaves
``assistant.review``; the models only describe the shape.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class View(BaseModel):
    """A staff view; ``mask`` returns a masked copy, never changes one in place."""


class TranscriptLine(View):
    role: str
    text: str
    at: str
    route: str | None = None


class DocumentView(View):
    id: int
    filename: str
    doc_type: str | None = None
    verdict: str
    fields: dict[str, Any] = Field(default_factory=dict)
    checks: list[dict[str, Any]] = Field(default_factory=list)
    created_at: str | None = None
    # Server paths of the annotated pages: never sent; the channel turns them into signed links.
    images: list[str] = Field(default_factory=list, exclude=True)
    links: list[str] = Field(default_factory=list)


class AuditEntry(View):
    at: str | None
    actor: str
    action: str
    detail: dict[str, Any] = Field(default_factory=dict)


class LeadRow(View):
    id: int
    reference: str | None = None  # XS-YYYYMMDD-NNNNNN, as the client was told
    company: str
    contact_name: str
    mobile: str
    credit_code: str | None = None
    masked: bool = False
    amount: str | None = None
    tier: str
    score: int
    status: str
    channel: str
    assignee: str | None = None
    sla_due_at: str | None = None
    overdue: bool = False
    created_at: str | None = None


class LeadDetail(LeadRow):
    slots: dict[str, Any] = Field(default_factory=dict)
    score_breakdown: dict[str, Any] = Field(default_factory=dict)
    knocked_out: str | None = None
    products: list[Any] = Field(default_factory=list)
    consent_at: str | None = None
    call_outcome: str | None = None  # the latest call: connected_interested | … (labels.CALL_OUTCOMES)
    call_note: str | None = None
    called_at: str | None = None
    transcript: list[TranscriptLine] = Field(default_factory=list)
    documents: list[DocumentView] = Field(default_factory=list)
    history: list[AuditEntry] = Field(default_factory=list)


class TicketRow(View):
    number: str
    company: str
    contact_name: str
    mobile: str
    credit_code: str | None = None
    masked: bool = False
    category: str
    business_type: str
    status: str
    urgent: bool
    urgent_reasons: list[str] = Field(default_factory=list)
    received_at: str | None = None
    due_at: str
    extended: bool = False
    overdue: bool = False
    assignee: str | None = None


class TicketDetail(TicketRow):
    description: str
    request: str
    occurred_on: str | None = None
    amount: str | None = None
    business_channel: str | None = None  # where the client was served: branch | online | wechat | …
    fee_type: str | None = None  # the fee complained about, when the client named one
    extension_reason: str | None = None
    extension_pending: dict[str, Any] | None = None
    history: list[dict[str, Any]] = Field(default_factory=list)
    next_statuses: list[str] = Field(default_factory=list)
    transcript: list[TranscriptLine] = Field(default_factory=list)
    documents: list[DocumentView] = Field(default_factory=list)


class LeadAction(View):
    id: int
    status: str
    assignee: str | None = None
    reason: str | None = None
    call_outcome: str | None = None


class TicketAction(View):
    number: str
    status: str | None = None
    assignee: str | None = None
    due_at: str | None = None
    extension_reason: str | None = None
    pending: bool = False


class Dashboard(View):
    leads_per_day: dict[str, dict[str, int]]
    complaints_per_category: dict[str, int]
    sla_breaches: dict[str, int]
    generated_at: str


class LoginResult(View):
    token: str
    token_type: str = "bearer"
    expires_in: int
    username: str
    role: str
