"""The audit log's own transactions: what must be recorded even when the action it records fails.

A view or an action that succeeds is audited inside its own transaction (it commits with the
change). A refused action rolls its transaction back, and with it anything written there, so the
refusal is recorded here afterwards, in a transaction of its own; so are logins and downloads,
which have no transaction of their own to ride on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import UserError
from assistant.store.models import AuditLog

log = logging.getLogger(__name__)
T = TypeVar("T")


def record(sessions: sessionmaker[Session], actor: str, action: str, entity_type: str, entity_id: str,
           now: datetime, **detail: Any) -> None:
    """Write one audit row now, in its own transaction. Call it outside any open write transaction:
    on SQLite a second writer would wait for the first."""
    try:
        with sessions.begin() as db:
            db.add(AuditLog(at=now, actor=actor[:128], action=action[:64], entity_type=entity_type[:32],
                            entity_id=str(entity_id)[:64], detail=detail))
    except SQLAlchemyError:
        # The refusal itself already reached the user; a lost audit row must show in the log.
        log.exception("audit row lost: %s %s %s/%s", actor, action, entity_type, entity_id)


def attempt(sessions: sessionmaker[Session], actor: str, action: str, entity_type: str, entity_id: str,
            now: datetime, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one transaction; when it is refused, record the refusal after the rollback."""
    try:
        with sessions.begin() as db:
            return work(db)
    except UserError as exc:
        record(sessions, actor, "refused", entity_type, entity_id, now, attempted=action,
               code=exc.code, reason=str(exc)[:500])
        raise
