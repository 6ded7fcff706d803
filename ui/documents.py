"""The document check as channels need it: the same OCR verification plus annotated page images.

The dialogue manager's default verifier does not draw annotations (the terminal cannot show them);
the widget and console can, so the app hands the manager this verifier instead. It follows
``assistant.documents.OcrPipelineVerifier`` (same limits and options) and adds ``annotate_dir``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.documents import DocumentCheck, DocumentCheckUnavailable, DocumentUnreadable
from assistant.settings import Settings
from assistant.store.models import Document


class AnnotatingVerifier:
    """Implements ``assistant.documents.DocumentVerifier``; the OCR engine loads on the first upload."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: Any = None
        self._lock = threading.Lock()

    def _engine_once(self) -> Any:
        with self._lock:  # two first uploads at once must not load the models twice
            if self._engine is None:
                from ocr.engine import EngineConfig, build_engine

                s = self.settings
                self._engine = build_engine(EngineConfig(name=s.ocr_engine, paddle_det_dir=s.ocr_paddle_det_dir,
                                                         paddle_rec_dir=s.ocr_paddle_rec_dir,
                                                         paddle_cls_dir=s.ocr_paddle_cls_dir))
            return self._engine

    def verify(self, path: Path) -> DocumentCheck:
        try:
            from ocr.errors import DocumentRejected, OcrError
            from ocr.inputs import InputLimits
            from ocr.pipeline import VerifyOptions, verify_document
        except ImportError as exc:
            raise DocumentCheckUnavailable(f"ocr.pipeline is not available: {exc}") from exc
        s = self.settings
        options = VerifyOptions(
            limits=InputLimits(max_bytes=s.ocr_max_upload_mb * 1024 * 1024, max_pixels=s.ocr_max_pixels,
                               max_pages=s.ocr_max_pages),
            max_age_days=s.ocr_invoice_max_age_days, seen_dir=s.assistant_data_dir / "ocr",
            annotate_dir=path.parent / "annotated")
        try:
            result = verify_document(path, _Lazy(self._engine_once), options)
        except DocumentRejected as exc:
            raise DocumentUnreadable(str(exc)) from exc
        except OcrError as exc:
            raise DocumentCheckUnavailable(str(exc)) from exc
        data = result.to_json()
        problems = [c.get("detail") or c.get("name") for c in data.get("checks", []) if c.get("status") != "pass"]
        return DocumentCheck(result.doc_type, result.verdict, "；".join(str(p) for p in problems[:3] if p), data)


class _Lazy:
    """An engine that loads on the first page needing OCR: PDFs with a text layer never load it."""

    def __init__(self, load: Any) -> None:
        self._load = load

    def recognise(self, image: Any) -> Any:
        engine = self._load()
        result = engine.recognise(image)
        self.last_upside_down_share = getattr(engine, "last_upside_down_share", 0.0)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._load(), name)


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
