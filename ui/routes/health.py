"""Readiness: 200 once the app is built and the database answers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ui.routes.deps import services

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    try:
        with services(request).sessions() as db:
            db.execute(text("SELECT 1"))
    except Exception as exc:  # the probe reports, it never raises
        return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, status_code=503)
    return JSONResponse({"status": "ok"})
