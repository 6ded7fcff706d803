"""The document step: store an upload and check it (before the turn), then word the result."""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.dialogue.messages import Attachment, Reply
from assistant.dialogue.texts import CHECKS, DOC_TYPES, VERDICTS, label, text
from assistant.dialogue.turn import CheckedUpload, Turn
from assistant.documents import DocumentCheck, DocumentCheckUnavailable, DocumentUnreadable, DocumentVerifier
from assistant.ocr_guard import OcrBusy
from assistant.store.models import Document
from assistant.uploads import UploadStore, UploadTooLarge

log = logging.getLogger(__name__)


class DocumentStep:
    def __init__(self, uploads: UploadStore, verifier: DocumentVerifier) -> None:
        self.uploads, self.verifier = uploads, verifier

    def store_and_check(self, attachment: Attachment, applicant: str | None = None) -> CheckedUpload:
        """Keep the file and run the document check. OCR takes seconds, so this runs before the turn's
        transaction opens: it would otherwise hold the database's write lock (all of SQLite's).
        ``applicant``: the company the conversation is about; one party of the document must be it."""
        data = attachment.data if attachment.data is not None else Path(attachment.path or "").read_bytes()
        upload = CheckedUpload(Path(attachment.filename).name[:200], attachment.content_type[:100])
        try:
            stored = self.uploads.put(attachment.filename, data)
        except UploadTooLarge:
            upload.too_big = True
            return upload
        upload.sha256, upload.path = stored.sha256, stored.path
        try:
            upload.check = self.verifier.verify(stored.path, applicant)
        except DocumentUnreadable as exc:
            upload.unreadable, upload.unreadable_by_language = str(exc), exc.by_language
        except DocumentCheckUnavailable as exc:
            log.warning("document check unavailable: %s", exc)
        except OcrBusy:
            raise  # the client is told to retry (503), not sent an unchecked document
        except Exception:  # a broken scan must not lose the upload or the turn
            log.exception("document check failed for %s", upload.name)
        return upload

    def reply(self, turn: Turn, upload: CheckedUpload) -> Reply:
        lang = turn.lang
        if upload.too_big:
            return Reply(text("document_too_big", lang, mb=str(self.uploads.max_bytes // 2**20)), route="document",
                         language=lang)
        check, name = upload.check, upload.name
        document = Document(conversation_id=turn.conversation.id, filename=name, content_type=upload.content_type,
                            path=str(upload.path), sha256=upload.sha256, doc_type=check.doc_type if check else None,
                            verdict=check.verdict if check else ("unreadable" if upload.unreadable else "unchecked"),
                            result=check.result if check else {}, created_at=turn.now)
        turn.db.add(document)
        turn.db.flush()  # the id goes back with the reply: channels show this document, not "the latest"
        if upload.unreadable:
            reason = upload.unreadable_by_language.get(lang) or upload.unreadable
            reply = Reply(text("document_unreadable", lang, name=name, reason=reason), route="document",
                          language=lang, data={"verdict": "unreadable"})
        elif check is None:
            reply = Reply(text("document_unavailable", lang, name=name), route="document", language=lang,
                          data={"verdict": "unchecked"})
        else:
            verdict = VERDICTS.get(check.verdict, {"zh": check.verdict, "en": check.verdict})[lang]
            doc_type = DOC_TYPES.get(check.doc_type, {"zh": check.doc_type, "en": check.doc_type})[lang]
            reply = Reply(text("document_checked", lang, name=name, doc_type=doc_type, verdict=verdict,
                               summary=_summary(check, lang)), route="document", language=lang,
                          data={"verdict": check.verdict})
        reply.document_id = document.id
        return reply


def _summary(check: DocumentCheck, lang: str) -> str:
    """The checks that need a look: their own lines (Chinese, from the OCR checks) for Chinese clients,
    their names from the catalogue for English ones."""
    if lang == "zh":
        return check.summary
    names = [label(CHECKS, str(c.get("name")), lang) for c in check.result.get("checks", [])
             if c.get("status") != "pass"]
    return text("document_to_check", lang, items=", ".join(names[:3])) if names else ""
