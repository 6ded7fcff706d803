"""Keep credentials out of the access log: WeChat's signature, nonce and timestamp (one captured
triple could be replayed while it is fresh), the safe-mode ``msg_signature`` and the client's
``openid`` are in the query string of every WeChat request, which uvicorn logs as it came.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAMS = ("signature", "msg_signature", "nonce", "timestamp", "echostr", "openid")
_PARAM = re.compile(r"(?i)(?<=[?&])(" + "|".join(SECRET_PARAMS) + r")=[^&\s]*")


def redact(path: str) -> str:
    return _PARAM.sub(lambda m: f"{m[1]}=…", path)


class RedactQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn.access formats (client, method, path with query, http version, status).
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            record.args = (*record.args[:2], redact(record.args[2]), *record.args[3:])
        return True


def install_log_redaction() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQuery) for f in logger.filters):
        logger.addFilter(RedactQuery())
