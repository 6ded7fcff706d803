"""Deleting clients' documents after the retention period (``SME_DOCUMENTS_RETENTION_DAYS``).

Run by ``sme-assistant db purge`` (daily from cron or a systemd timer). A document older than the
period loses its files (the upload, its annotated and blurred page images) and its row; the audit
log keeps that it was purged, not what it showed. A file still used by a younger document (the
store keeps identical uploads once) stays until that one goes too.
"""

from __future__ import annotations

import contextlib
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.store.models import AuditLog, Document


def purge_documents(db: Session, uploads_root: Path, retention_days: int, now: datetime) -> int:
    cutoff = now - timedelta(days=retention_days)
    old = list(db.scalars(select(Document).where(Document.created_at < cutoff)))
    kept_paths = set(db.scalars(select(Document.path).where(Document.created_at >= cutoff)))
    root = uploads_root.resolve()
    for document in old:
        path = Path(document.path).resolve() if document.path else None
        if path is not None and path.is_relative_to(root) and document.path not in kept_paths:
            folder = path.parent
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            shutil.rmtree(folder / "annotated", ignore_errors=True)
            with contextlib.suppress(OSError):
                folder.rmdir()
        db.delete(document)
    db.add(AuditLog(at=now, actor="system", action="documents_purged", entity_type="document", entity_id="*",
                    detail={"count": len(old), "older_than": cutoff.isoformat()}))
    return len(old)
