"""Simulated SME clients holding multi-turn conversations over the REST API (run by eval/load/run.py).

Each client starts a session, plays one conversation turn by turn (a question session, a complaint,
a lead or an upload), then starts another. What each client sent and what the server acknowledged
(session, messages, ticket numbers, lead ids, uploads) goes to the ledger file ``LOAD_LEDGER`` at the
end, for the accounting against the database.

Environment: LOAD_LEDGER (path), LOAD_THINK ("min,max" seconds between turns; "0,0" saturates),
LOAD_KINDS (comma-separated conversation kinds; all when empty).
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import FastHttpUser, between, constant, events, task

from eval.load.scripts import MIX, conversation, multipart, questions, upload_image

POOL = questions()
IMAGE = upload_image()
LEDGER: list[dict[str, Any]] = []
_think = [float(x) for x in os.environ.get("LOAD_THINK", "1,3").split(",")]
# LOAD_KINDS limits the conversation kinds (e.g. "questions,complaint,lead" for chat-only scaling runs).
_kinds = [k for k in os.environ.get("LOAD_KINDS", "").split(",") if k]
KINDS = {kind: weight for kind, weight in MIX.items() if not _kinds or kind in _kinds}


class Client(FastHttpUser):
    wait_time = constant(0) if _think[1] <= 0 else between(*_think)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.record: dict[str, Any] | None = None
        self.turns: list[str] = []

    def _begin(self) -> bool:
        with self.client.post("/api/sessions", name="/api/sessions", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return False
            session = response.json()["session_id"]
        kind = self.rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
        self.turns = conversation(kind, self.rng, POOL)
        self.record = {"session": session, "kind": kind, "turns": len(self.turns), "sent": 0, "acked": 0,
                       "uploads_acked": 0, "tickets": [], "leads": [], "errors": []}
        LEDGER.append(self.record)
        return True

    @task
    def turn(self) -> None:
        if not self.turns and not self._begin():
            return
        record = self.record
        assert record is not None
        text = self.turns.pop(0)
        record["sent"] += 1
        if text == "<upload>":
            body, content_type = multipart({"session_id": record["session"]}, "invoice.png", IMAGE, "image/png")
            response = self.client.post("/api/chat/upload", name="/api/chat/upload", data=body,
                                        headers={"Content-Type": content_type})
        else:
            response = self.client.post("/api/chat", name="/api/chat",
                                        json={"session_id": record["session"], "message": text})
        if response.status_code != 200:
            record["errors"].append({"status": response.status_code, "text": text[:20]})
            return
        body = response.json()
        record["acked"] += 1
        record["uploads_acked"] += text == "<upload>"
        data = body.get("data") or {}
        if data.get("ticket"):
            record["tickets"].append(data["ticket"])
        if data.get("lead"):
            record["leads"].append(data["lead"])


@events.quitting.add_listener
def _write_ledger(environment: Any, **_kwargs: Any) -> None:
    path = os.environ.get("LOAD_LEDGER")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            for row in LEDGER:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
