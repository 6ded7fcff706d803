"""Running a turn's transaction again when the database connection was lost.

A turn's database work is one transaction, so a turn that lost its connection (PostgreSQL
restarting, a worker's pooled connection cut, SQLite busy past its timeout) rolled back whole
and can simply run again. Anything else is a real error and is raised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from assistant.errors import AssistantError

log = logging.getLogger(__name__)
RETRY_DELAYS_S = (0.2, 0.4, 0.8, 1.6, 3.2)
T = TypeVar("T")


class DatabaseUnavailable(AssistantError):
    """The store did not answer after the retries; the client is told to try again shortly."""

    code = "database_unavailable"
    message_key = "busy"


def transient(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


def with_retries(work: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    for delay in (*RETRY_DELAYS_S, None):
        try:
            return work()
        except DBAPIError as exc:
            if not transient(exc):
                raise
            if delay is None:
                raise DatabaseUnavailable(str(exc.orig)[:200]) from exc
            log.warning("database unavailable (%s); retrying the turn in %.1fs", type(exc.orig).__name__, delay)
            sleep(delay)
    raise AssertionError("unreachable")
