"""Shared pieces of the fault programs: a chat client that keeps a ledger, background traffic, results.

The ledger has the load test's format, so ``eval.load.accounting.account`` checks every fault run
the same way: every message acknowledged is stored with its reply, every ticket and lead a client
was given exists.
"""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import httpx

from eval.load.scripts import COMPLAINT, LEAD, questions
from eval.load.server import ROOT

RESULTS = ROOT / "eval" / "results" / "faults"


class Chat:
    """One client's conversation over the REST API; failed turns are re-sent, as a person would."""

    def __init__(self, url: str, ledger: list[dict[str, Any]], kind: str = "chat", timeout_s: float = 30) -> None:
        self.client = httpx.Client(base_url=url, timeout=timeout_s)
        self.session = ""
        self.record: dict[str, Any] = {"session": "", "kind": kind, "turns": 0, "sent": 0, "acked": 0,
                                       "uploads_acked": 0, "tickets": [], "leads": [], "errors": []}
        self.ledger = ledger
        self.last: dict[str, Any] = {}

    def begin(self, attempts: int = 20) -> None:
        for _ in range(attempts):
            try:
                response = self.client.post("/api/sessions")
                if response.status_code == 200:
                    self.session = self.record["session"] = response.json()["session_id"]
                    self.ledger.append(self.record)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("could not start a session")

    def say(self, text: str, upload: tuple[str, bytes] | None = None) -> httpx.Response | None:
        """One attempt; returns the response, or None when the connection failed."""
        self.record["sent"] += 1
        try:
            if upload is None:
                response = self.client.post("/api/chat", json={"session_id": self.session, "message": text})
            else:
                response = self.client.post("/api/chat/upload", data={"session_id": self.session},
                                            files={"file": (upload[0], upload[1], "image/png")})
        except httpx.HTTPError as exc:
            self.record["errors"].append({"status": None, "error": type(exc).__name__, "text": text[:20]})
            return None
        if response.status_code != 200:
            self.record["errors"].append({"status": response.status_code, "error": response.text[:200],
                                          "text": text[:20]})
            return response
        self.record["acked"] += 1
        self.record["uploads_acked"] += upload is not None
        self.last = response.json()
        data = self.last.get("data") or {}
        if data.get("ticket"):
            self.record["tickets"].append(data["ticket"])
        if data.get("lead"):
            self.record["leads"].append(data["lead"])
        return response

    def insist(self, text: str, deadline_s: float = 60) -> dict[str, Any]:
        """Re-send until acknowledged (bounded), as a client whose message failed would."""
        until = time.monotonic() + deadline_s
        while time.monotonic() < until:
            response = self.say(text)
            if response is not None and response.status_code == 200:
                return self.last
            time.sleep(0.5)
        raise TimeoutError(f"turn {text[:20]!r} not acknowledged in {deadline_s}s")

    def close(self) -> None:
        self.client.close()


def background_traffic(url: str, ledger: list[dict[str, Any]], stop: threading.Event, clients: int = 4,
                       think_s: float = 0.2) -> list[threading.Thread]:
    """``clients`` threads playing questions, complaints and leads until ``stop`` (one attempt per turn)."""
    pool = questions()

    def play(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            chat = Chat(url, ledger, timeout_s=20)
            try:
                chat.begin()
            except RuntimeError:
                continue
            for text in rng.choice([COMPLAINT, LEAD, rng.sample(pool, 4)]):
                if stop.is_set():
                    break
                chat.say(text)
                time.sleep(think_s)
            chat.close()

    threads = [threading.Thread(target=play, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def write_result(name: str, result: dict[str, Any]) -> dict[str, Any]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"name": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S"), **result}
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def error_statuses(ledger: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in ledger:
        for error in row["errors"]:
            key = str(error["status"] or error["error"])
            counts[key] = counts.get(key, 0) + 1
    return counts
