"""Memory of invoices already verified, so a second submission of the same invoice is caught.

A small SQLite file in a directory passed in (the data dir in production); one row per invoice
key. Writes are single transactions, so a crash never leaves a half-written record.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class SeenRecord:
    key: str
    file_sha256: str
    file_name: str
    first_seen: str


class SeenInvoices:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._path = directory / "seen_invoices.sqlite3"
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS seen_invoice (key TEXT PRIMARY KEY, file_sha256 TEXT NOT NULL, "
                "file_name TEXT NOT NULL, first_seen TEXT NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        # A generous timeout: batch workers in two processes may write at the same moment.
        return sqlite3.connect(self._path, timeout=30)

    def lookup(self, key: str) -> SeenRecord | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT key, file_sha256, file_name, first_seen FROM seen_invoice WHERE key = ?", (key,)
            ).fetchone()
        return SeenRecord(*row) if row else None

    def remember(self, key: str, file_sha256: str, file_name: str, seen_at: datetime) -> tuple[SeenRecord, bool]:
        """Record the invoice unless already known: (the first record, whether it is this one).

        ``seen_at`` comes from the caller's clock (timezone-aware) and is stored in UTC.
        """
        if seen_at.tzinfo is None:
            raise ValueError("seen_at must be timezone-aware")
        now = seen_at.astimezone(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT key, file_sha256, file_name, first_seen FROM seen_invoice WHERE key = ?", (key,)
            ).fetchone()
            if row:
                return SeenRecord(*row), False
            db.execute("INSERT INTO seen_invoice VALUES (?, ?, ?, ?)", (key, file_sha256, file_name, now))
        return SeenRecord(key, file_sha256, file_name, now), True


def invoice_key(code: str | None, number: str | None) -> str | None:
    """Code + number identify a paper invoice nationally; a 数电票's 20-digit number alone does."""
    if not number:
        return None
    return f"{code or '-'}|{number}"
