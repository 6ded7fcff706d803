"""Each signed (timestamp, nonce) pair carries one message, on every worker (table ``wechat_nonce``).

WeChat's URL signature covers the token, timestamp and nonce but not the body, so a triple seen
once (in a proxy's access log, say) could carry any other message from any other sender while
the timestamp is within the allowed skew. The pair is remembered with the hash of the body it
came with for that window: WeChat's own retry of the same message (same body) passes, and the
deduplicator answers it; a different body under a used pair is a replay and is refused.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assistant.clock import Clock, system_clock
from assistant.store.models import WeChatNonce


class StoredNonces:
    def __init__(self, sessions: sessionmaker[Session], window_s: float, clock: Clock = system_clock) -> None:
        self.sessions, self.window_s, self._now = sessions, window_s, clock
        self._last_purge = 0.0

    def first_use(self, timestamp: str, nonce: str, body: bytes) -> bool:
        """True when this pair is new, or comes again with the same body (a retry); False for a replay."""
        self._purge()
        key = f"{timestamp}:{nonce}"[:200]
        digest = hashlib.sha256(body).hexdigest()
        try:
            with self.sessions.begin() as db:
                db.add(WeChatNonce(key=key, body_sha256=digest, seen_at=self._now()))
            return True
        except IntegrityError:
            with self.sessions() as db:
                seen = db.get(WeChatNonce, key)
            return seen is not None and seen.body_sha256 == digest

    def _purge(self) -> None:
        # Twice the skew: a pair older than that is refused as stale before it gets here.
        if time.monotonic() - self._last_purge < 60:
            return
        self._last_purge = time.monotonic()
        with self.sessions.begin() as db:
            db.execute(delete(WeChatNonce).where(WeChatNonce.seen_at < self._now() - timedelta(
                seconds=2 * self.window_s)))
