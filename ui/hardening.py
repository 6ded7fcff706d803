"""The app's hardening in one place: file permissions, security headers, body and rate limits.

``restrict_files`` runs before anything is written (the database, uploads, annotated pages), so
they are created readable by the service's user only; ``install_hardening`` adds the middleware.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from fastapi import FastAPI

from assistant.settings import Settings
from ui.middleware.headers import SecurityHeaders
from ui.middleware.limits import BodyLimits
from ui.middleware.logredact import install_log_redaction
from ui.middleware.ratelimit import AddressRateLimits, RateLimiter, Rule

WIDGET_JSON_LIMIT = 1024 * 1024  # Gradio posts the whole chat history with each event


def restrict_files(settings: Settings) -> None:
    """Owner-only files from here on (umask 077), and existing state brought to 0600/0700.

    The umask is process-wide on purpose: SQLite, the upload store and the OCR annotations all
    create files, and none of them is ever meant for another local user.
    """
    os.umask(0o077)
    data = settings.assistant_data_dir
    if not data.is_dir():
        return
    os.chmod(data, 0o700)
    for name in ("assistant.db", "assistant.db-wal", "assistant.db-shm", "secret_key"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(data / name, 0o600)
    uploads = data / "uploads"
    if uploads.is_dir():
        for root, _dirs, files in os.walk(uploads):
            os.chmod(root, 0o700)
            for file in files:
                with contextlib.suppress(FileNotFoundError):
                    os.chmod(Path(root) / file, 0o600)


def upload_paths(widget_path: str) -> tuple[str, ...]:
    return ("/api/chat/upload", f"{widget_path}/gradio_api/upload", f"{widget_path}/upload")


def install_hardening(app: FastAPI, settings: Settings, widget_path: str, limiter: RateLimiter) -> None:
    s = settings
    uploads = upload_paths(widget_path)
    upload_limit = s.upload_max_mb * 1024 * 1024 + 64 * 1024  # the file plus its multipart framing
    json_limit = s.max_request_kb * 1024

    def limit_for(path: str) -> int:
        if path.startswith(uploads):
            return upload_limit
        if path.startswith(widget_path + "/"):
            return max(json_limit, WIDGET_JSON_LIMIT)
        return json_limit

    rules = [*(Rule(p, s.rate_upload_per_min_address, "upload") for p in uploads),
             Rule("/api/chat", s.rate_chat_per_min_address, "chat"),
             Rule("/api/sessions", s.rate_chat_per_min_address, "chat"),
             Rule(f"{widget_path}/gradio_api/queue/join", s.rate_chat_per_min_address, "chat"),
             Rule("/api/staff", s.rate_staff_per_min_address, "staff", ("GET", "POST")),
             Rule("/console", s.rate_staff_per_min_address, "staff", ("GET", "POST"))]
    install_log_redaction()
    # Added innermost first: headers go on every answer, including the limits' own 413 and 429.
    app.add_middleware(BodyLimits, limit_for=limit_for, upload_paths=uploads, upload_mb=s.upload_max_mb)
    app.add_middleware(AddressRateLimits, limiter=limiter, rules=rules)
    app.add_middleware(SecurityHeaders, widget_path=widget_path, frame_ancestors=s.frame_ancestors,
                       hsts_max_age_s=s.hsts_max_age_s)
