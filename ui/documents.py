"""Documents as channels show them: the one just checked in a session, and its client view.

The app hands the dialogue manager ``assistant.documents.OcrPipelineVerifier(annotate=True)``, so
uploads through the widget and the API come with annotated page images.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.store.models import Document


def latest_document(db: Session, channel: str, user_id: str, session_id: str) -> Document | None:
    """The document stored by the turn that just ran in this session (for showing its checks)."""
    from assistant.store.models import Conversation

    conversation = db.scalar(select(Conversation.id).where(Conversation.channel == channel,
                                                          Conversation.user_id == user_id,
                                                          Conversation.session_id == session_id))
    if conversation is None:
        return None
    return db.scalar(select(Document).where(Document.conversation_id == conversation)
                     .order_by(Document.id.desc()).limit(1))


def document_json(document: Document, link: Any) -> dict[str, Any]:
    """What a client sees of their document: verdict, the check list, annotated pages as links."""
    result = document.result or {}
    return {"id": document.id, "filename": document.filename, "doc_type": document.doc_type,
            "verdict": document.verdict,
            "checks": [{"name": c.get("name"), "status": c.get("status"),
                        "message": c.get("detail") or c.get("message")} for c in result.get("checks", [])],
            "note": result.get("note"), "annotated": [link(p) for p in result.get("annotated", [])]}
