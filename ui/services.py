"""Everything the routes share, built once by the app factory and passed in (no module globals)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from assistant.dialogue import DialogueManager, IncomingMessage, Reply
from assistant.settings import Settings
from ui.documents import document_json, latest_document
from ui.notify import Notifier
from ui.security import Signer

log = logging.getLogger(__name__)
# A turn is one transaction, so a turn that lost its database connection (PostgreSQL restarting, a
# worker's pooled connection cut, SQLite busy past its timeout) rolled back whole and can run again.
RETRY_DELAYS_S = (0.2, 0.4, 0.8, 1.6, 3.2)


class DatabaseUnavailable(Exception):
    """The store did not answer after the retries; the client gets a 503 saying to try again."""


def transient(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


def with_retries(work: Callable[[], Reply]) -> Reply:
    for delay in (*RETRY_DELAYS_S, None):
        try:
            return work()
        except DBAPIError as exc:
            if not transient(exc):
                raise
            if delay is None:
                raise DatabaseUnavailable(str(exc.orig)[:200]) from exc
            log.warning("database unavailable (%s); retrying the turn in %.1fs", type(exc.orig).__name__, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


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
        reply = with_retries(lambda: self.manager.handle(message))
        self.notifier.after_turn(reply)
        return reply

    def document_of(self, message: IncomingMessage) -> dict[str, Any] | None:
        """The check list and annotated pages of the document this session just uploaded."""
        with self.sessions() as db:
            document = latest_document(db, message.channel, message.user_id, message.session_id)
            return document_json(document, self.file_link) if document is not None else None

    def file_link(self, path: str, actor: str = "client") -> str:
        return f"/files/{self.signer.file_token(path, actor)}"

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
