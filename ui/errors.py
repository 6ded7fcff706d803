"""HTTP errors: every refusal is a 4xx with ``{"error": ...}`` in the user's language; nothing leaks a trace."""

from __future__ import annotations

import errno
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from assistant.errors import UserError
from ui.texts import message, request_language

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A refusal with a message key from ui.texts; ``lang`` may be fixed when the text is known."""

    def __init__(self, status: int, key: str, lang: str | None = None, headers: dict[str, str] | None = None,
                 **values: str) -> None:
        super().__init__(key)
        self.status, self.key, self.lang, self.values = status, key, lang, values
        self.headers = headers or {}


# The edge maps the product's error codes (``AssistantError.code``) to HTTP statuses; domain errors
# carry no status of their own.
STATUS_BY_CODE = {"bad_input": 400, "database_unavailable": 503, "config": 500, "not_found": 404, "forbidden": 403,
                  "conflict": 409, "ocr_busy": 503}


def error_response(status: int, text: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": text}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI, hotline: str) -> None:
    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        lang = exc.lang or request_language(request)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        return error_response(exc.status, message(exc.key, lang, **exc.values), {**headers, **exc.headers})

    @app.exception_handler(UserError)
    async def _user(request: Request, exc: UserError) -> JSONResponse:
        return error_response(STATUS_BY_CODE.get(exc.code, 400), str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or "body"
        return error_response(400, message("bad_field", request_language(request), field=field))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        key = {404: "not_found", 405: "method"}.get(exc.status_code)
        text = message(key, request_language(request)) if key else str(exc.detail)
        return error_response(exc.status_code, text)

    from assistant.dialogue.retry import DatabaseUnavailable

    @app.exception_handler(DatabaseUnavailable)
    async def _busy(request: Request, exc: DatabaseUnavailable) -> JSONResponse:
        log.error("turn refused, database unavailable after retries: %s", exc)
        return error_response(STATUS_BY_CODE[exc.code], message(exc.message_key or "busy", request_language(request)),
                              {"Retry-After": "5"})

    from assistant.ocr_guard import OcrBusy

    @app.exception_handler(OcrBusy)
    async def _ocr_busy(request: Request, exc: OcrBusy) -> JSONResponse:
        log.warning("upload turned away: %s", exc)
        return error_response(503, message("busy", request_language(request)), {"Retry-After": str(exc.retry_after_s)})

    @app.exception_handler(OSError)
    async def _disk(request: Request, exc: OSError) -> JSONResponse:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            return await _crash(request, exc)
        log.error("no space left for %s %s: %s", request.method, request.url.path, exc)
        return error_response(507, message("storage_full", request_language(request), hotline=hotline))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, ClientDisconnect):  # the client left, or the body limit cut it off (413 sent)
            return error_response(400, message("body_too_large", request_language(request), kb="?"))
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, message("internal", request_language(request), hotline=hotline))
