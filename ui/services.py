"""Everything the channels share, built once by the app factory and passed in (no module globals)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from assistant.clock import Clock, system_clock
from assistant.dialogue import DialogueManager, IncomingMessage, Reply, TurnEvent, final_reply
from assistant.settings import Settings
from assistant.store.models import Document
from ui.documents import document_json
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
    clock: Clock = system_clock  # the same clock the dialogue manager reads
    # Slow turns (OCR, LLM) for channels that must answer within a deadline run here.
    background: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4, thread_name_prefix="turn"))

    def on_message(self, message: IncomingMessage) -> Iterator[TurnEvent]:
        """One turn on any channel: the dialogue pipeline's events; staff are alerted to what it produced."""
        for event in self.manager.handle(message):
            if isinstance(event, Reply):
                self.notifier.after_turn(event)
            yield event

    def handle(self, message: IncomingMessage) -> Reply:
        """``on_message`` for channels that show only the final reply."""
        return final_reply(self.on_message(message))

    def document(self, document_id: int | None) -> dict[str, Any] | None:
        """The check list and annotated pages of the document a turn stored (``Reply.document_id``)."""
        if document_id is None:
            return None
        with self.sessions() as db:
            document = db.get(Document, document_id)
            return document_json(document, self.file_link) if document is not None else None

    def start_over(self, channel: str, user_id: str) -> None:
        """The client cleared the chat: the flow in progress is cancelled, as if they had said 取消."""
        from assistant.dialogue.repository import active_flow

        with self.sessions.begin() as db:
            flow = active_flow(db, channel, user_id)
            if flow is not None:
                flow.status = "cancelled"
                flow.state = {"flow": flow.flow, "lang": (flow.state or {}).get("lang", "zh")}
                flow.updated_at = self.clock()

    def annotated_pages(self, document_id: int | None) -> list[Path]:
        """The annotated page images of a stored document, read from the server's own record of it."""
        if document_id is None:
            return []
        with self.sessions() as db:
            document = db.get(Document, document_id)
            pages = (document.result or {}).get("annotated", []) if document is not None else []
        return [Path(p) for p in pages if Path(p).is_file()]

    def file_link(self, path: str, actor: str = "client") -> str:
        return f"/files/{self.signer.file_token(path, actor)}"

    def close(self) -> None:
        self.background.shutdown(wait=False, cancel_futures=True)
        self.notifier.close()
