"""The REST channel: JSON in, JSON out; rich parts are kept as structured fields."""

from __future__ import annotations

from typing import Any

from assistant.dialogue import Attachment, IncomingMessage, Reply
from ui.errors import ApiError

MAX_MESSAGE_CHARS = 20_000  # longer text is refused here; the manager already asks for a sentence past 4,000


class RestChannel:
    name = "api"

    def to_incoming(self, session_id: str, body: dict[str, Any]) -> IncomingMessage:
        text = body.get("message")
        if text is None:
            raise ApiError(400, "missing_message")
        if not isinstance(text, str):
            raise ApiError(400, "bad_field", field="message")
        return IncomingMessage(self.name, session_id, session_id, text[:MAX_MESSAGE_CHARS])

    def upload(self, session_id: str, filename: str, content_type: str, data: bytes, text: str = "") -> IncomingMessage:
        attachment = Attachment(filename[:200] or "upload", content_type[:100], data=data)
        return IncomingMessage(self.name, session_id, session_id, text[:MAX_MESSAGE_CHARS], attachment)

    def render(self, reply: Reply, session_id: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
        body = reply.to_json()
        out = {"session_id": session_id, "reply": body.pop("text"), **body}
        if document is not None:
            out["document"] = document
        return out
