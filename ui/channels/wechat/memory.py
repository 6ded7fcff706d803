"""What the WeChat bridge must remember between requests, kept in the database.

WeChat retries a message it got no answer to, and a client answers numbered choices with a bare
number; with several workers the retry or the number may reach a worker that did not see the first
request, so both memories live in the store (tables of migration 0003), not in one process.
"""

from __future__ import annotations

import time
from datetime import UTC, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assistant.clock import Clock, system_clock
from assistant.store.models import WeChatChoice, WeChatInbound


class StoredDeduplicator:
    """Each MsgId is handled once across all workers.

    ``claim`` inserts the key; the primary key decides who is first. A retry ``wait``s for the first
    attempt's outcome: the same passive reply if there was one (the first response was lost), else
    ``None`` (the answer goes by customer-service API). A claim left unsettled past ``orphan_s`` means
    its worker died mid-turn; the next retry takes it over so the client is still answered.
    """

    def __init__(self, sessions: sessionmaker[Session], ttl_s: float = 600, orphan_s: float = 12,
                 poll_s: float = 0.05, clock: Clock = system_clock) -> None:
        self._now = clock
        self.sessions, self.ttl_s, self.orphan_s, self.poll_s = sessions, ttl_s, orphan_s, poll_s
        self._last_purge = 0.0

    def claim(self, key: str) -> bool:
        self._purge()
        now = self._now()
        try:
            with self.sessions.begin() as db:
                db.add(WeChatInbound(key=key, created_at=now, settled=False, reply=None))
            return True
        except IntegrityError:
            pass
        with self.sessions.begin() as db:
            taken = db.execute(update(WeChatInbound).where(
                WeChatInbound.key == key, WeChatInbound.settled.is_(False),
                WeChatInbound.created_at < now - timedelta(seconds=self.orphan_s)).values(created_at=now))
            return bool(taken.rowcount)

    def settle(self, key: str, reply: str | None) -> None:
        with self.sessions.begin() as db:
            db.execute(update(WeChatInbound).where(WeChatInbound.key == key).values(settled=True, reply=reply))

    def wait(self, key: str, timeout_s: float) -> str | None:
        deadline = time.monotonic() + timeout_s
        while True:
            with self.sessions() as db:
                row = db.execute(select(WeChatInbound.settled, WeChatInbound.reply)
                                 .where(WeChatInbound.key == key)).first()
            if row is not None and row.settled:
                return row.reply
            if time.monotonic() >= deadline:
                return None
            time.sleep(self.poll_s)

    def _purge(self) -> None:
        # Keys only matter while WeChat may still retry (about 15 s); purge old ones once a minute.
        if time.monotonic() - self._last_purge < 60:
            return
        self._last_purge = time.monotonic()
        with self.sessions.begin() as db:
            cutoff = self._now() - timedelta(seconds=self.ttl_s)
            db.execute(delete(WeChatInbound).where(WeChatInbound.created_at < cutoff))


class StoredChoices:
    """The numbered choices last shown to each client; they expire after ``ttl_s`` (30 minutes)."""

    def __init__(self, sessions: sessionmaker[Session], ttl_s: float = 1800, clock: Clock = system_clock) -> None:
        self._now = clock
        self.sessions, self.ttl_s = sessions, ttl_s

    def put(self, openid: str, choices: list[str]) -> None:
        openid = openid[:128]
        for _attempt in range(3):  # two workers inserting the first row for one client: the loser updates
            try:
                with self.sessions.begin() as db:
                    row = db.get(WeChatChoice, openid)
                    if not choices:
                        if row is not None:
                            db.delete(row)
                    elif row is None:
                        db.add(WeChatChoice(openid=openid, choices=list(choices), updated_at=self._now()))
                    else:
                        row.choices, row.updated_at = list(choices), self._now()
                return
            except IntegrityError:
                continue

    def take(self, openid: str) -> list[str]:
        with self.sessions() as db:
            row = db.get(WeChatChoice, openid[:128])
            if row is None:
                return []
            at = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
            return list(row.choices) if self._now() - at < timedelta(seconds=self.ttl_s) else []
