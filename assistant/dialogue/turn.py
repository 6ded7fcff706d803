"""One turn in progress: what every step of the pipeline reads and writes.

The pipeline (``pipeline.DialogueManager.handle``) opens a ``Turn`` inside the turn's
transaction, hands it to one step (a document, the active flow, or routing), and closes it with
the step's ``Reply``. A step that wants a model-written answer streamed returns ``AnswerLater``
instead, so the answer is written after the transaction has committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from assistant.answering.service import Answer
from assistant.dialogue.messages import IncomingMessage, Reply
from assistant.documents import DocumentCheck
from assistant.flows.state import FlowProgress
from assistant.store.models import Conversation, FlowState

if TYPE_CHECKING:  # the inbox imports the dialogue package: only a type here
    from assistant.handover.availability import Policy


@dataclass
class CheckedUpload:
    """An uploaded file, stored and checked before the turn's transaction opens."""

    name: str
    content_type: str
    sha256: str = ""
    path: Path | None = None
    check: DocumentCheck | None = None
    unreadable: str = ""  # the client-facing reason the file could not be read
    unreadable_by_language: dict[str, str] = field(default_factory=dict)  # the same, per language, when known
    too_big: bool = False


@dataclass
class Turn:
    db: Session
    message: IncomingMessage
    body: str  # the message's text ("" for a bare upload)
    now: datetime  # UTC
    lang: str  # the language to answer in
    conversation: Conversation
    flow: FlowState | None  # the client's active flow, if any
    progress: FlowProgress | None  # its typed state
    upload: CheckedUpload | None = None
    history: list[str] = field(default_factory=list)  # the client's earlier messages, newest last
    handover_policy: Policy | None = None  # the staff inbox's hours and rules; None: no inbox


@dataclass(frozen=True)
class AnswerLater:
    """A knowledge-base answer to write after the transaction: a model streams it."""

    question: str
    history: list[str]
    lang: str
    prepared: Answer | None  # the extractive answer routing computed: reused, not retrieved again


StepResult = Reply | AnswerLater
