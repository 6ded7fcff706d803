"""Annotated document images, served by signed, expiring links only (they show client data)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from ui.errors import ApiError
from ui.routes.deps import services

router = APIRouter(tags=["files"], include_in_schema=False)


@router.get("/files/{token}")
def signed_file(token: str, request: Request) -> FileResponse:
    svc = services(request)
    path = svc.signer.read_file_token(token)
    uploads = (svc.settings.assistant_data_dir / "uploads").resolve()
    if path is None or not Path(path).resolve().is_relative_to(uploads) or not Path(path).is_file():
        raise ApiError(404, "not_found")
    return FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})
