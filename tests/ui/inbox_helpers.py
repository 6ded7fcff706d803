"""Shared by the staff-inbox channel tests: a clock the tests can move, and a reader of server-sent events."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from eval.sse import SseParser

# Tuesday 1 December 2026, 10:00 Shanghai: the bank is open (tests never depend on the wall clock).
OPEN_BASE = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


class MovableClock:
    """Runs in real time from ``OPEN_BASE``; ``advance`` jumps (the 48-hour WeChat window)."""

    def __init__(self, base: datetime = OPEN_BASE) -> None:
        self.base, self.started, self.offset = base, time.monotonic(), timedelta()

    def __call__(self) -> datetime:
        return self.base + self.offset + timedelta(seconds=time.monotonic() - self.started)

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


class EventReader:
    """Reads ``/api/chat/{sid}/events`` in a thread and notes when each message arrived."""

    def __init__(self, base_url: str, session_id: str, after: int = 0) -> None:
        self.url = f"{base_url}/api/chat/{session_id}/events?after={after}"
        self.messages: list[tuple[float, dict[str, Any]]] = []
        self.states: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> EventReader:
        self._thread.start()
        return self

    def _run(self) -> None:
        with httpx.Client(timeout=httpx.Timeout(30, read=60)) as client, client.stream("GET", self.url) as response:
            parser = SseParser()
            for line in response.iter_lines():
                if self._stop.is_set():
                    return
                got = parser.feed(line)
                if got is not None and got[0] == "message":
                    self.messages.append((time.monotonic(), got[1]))
                elif got is not None and got[0] == "handover":
                    self.states.append(got[1])

    def wait_for(self, predicate: Any, timeout: float = 10) -> tuple[float, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for arrived, message in list(self.messages):
                if predicate(message):
                    return arrived, message
            time.sleep(0.02)
        raise AssertionError(f"no matching event within {timeout}s: {[m for _, m in self.messages]}")

    def stop(self) -> None:
        self._stop.set()
