"""Document images, served by encrypted, expiring links only (they show client data); each download is audited."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from assistant.audit import record
from ui.errors import ApiError
from ui.routes.deps import client_address, services

router = APIRouter(tags=["files"], include_in_schema=False)


@router.get("/files/{token}")
def signed_file(token: str, request: Request) -> FileResponse:
    svc = services(request)
    claims = svc.signer.read_file(token)
    uploads = (svc.settings.assistant_data_dir / "uploads").resolve()
    path = Path(claims.path).resolve() if claims else None
    if path is None or not path.is_relative_to(uploads) or not path.is_file():
        raise ApiError(404, "not_found")
    record(svc.sessions, claims.actor if claims else "?", "file_downloaded", "document_file",
           path.relative_to(uploads).as_posix()[-64:], datetime.now(UTC), address=client_address(request))
    return FileResponse(path, headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})
