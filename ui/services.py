"""Everything the routes share, built once by the app factory and passed in (no module globals)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from assistant.dialogue import DialogueManager, IncomingMessage, Reply
from assistant.settings import Settings
from ui.documents import document_json, latest_document
from ui.notify import Notifier
from ui.security import Signer


@dataclass
class Services:
    settings: Settings
    manager: DialogueManager
    sessions: sessionmaker[Session]
    signer: Signer
    notifier: Notifier
    timezone: ZoneInfo
    # Slow turns (OCR, LLM) for channels that must answer within a deadline run here.
    background: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4, thread_name_prefix="turn"))
    extras: dict[str, Any] = field(default_factory=dict)  # channel-specific state (WeChat client, dedupe)

    def handle(self, message: IncomingMessage) -> Reply:
        """One turn on any channel: the dialogue manager, then staff alerts for what it produced."""
        reply = self.manager.handle(message)
        self.notifier.after_turn(reply)
        return reply

    def document_of(self, message: IncomingMessage) -> dict[str, Any] | None:
        """The check list and annotated pages of the document this session just uploaded."""
        with self.sessions() as db:
            document = latest_document(db, message.channel, message.user_id, message.session_id)
            return document_json(document, self.file_link) if document is not None else None

    def file_link(self, path: str) -> str:
        return f"/files/{self.signer.file_token(path)}"

    def stream(self, message: IncomingMessage) -> Iterator[tuple[str, dict[str, Any]]]:
        """Events of one turn for SSE. The dialogue manager has no token stream yet, so the whole
        reply is one ``reply`` event; when it gains ``handle_stream``, ``delta`` events come first."""
        streaming = getattr(self.manager, "handle_stream", None)
        if streaming is None:
            yield "reply", self.handle(message).to_json()
            return
        reply = None
        for item in streaming(message):
            if isinstance(item, Reply):
                reply = item
            else:
                yield "delta", {"text": str(item)}
        if reply is not None:
            self.notifier.after_turn(reply)
            yield "reply", reply.to_json()

    def close(self) -> None:
        self.background.shutdown(wait=False, cancel_futures=True)
        self.notifier.close()
