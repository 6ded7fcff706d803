"""Load on the staff inbox: concurrent hand-overs, staff replying, 2 workers on PostgreSQL, a worker killed.

Each simulated client asks for a person, then writes every few seconds and listens on the
server-sent-events stream; each staff member claims waiting conversations and replies to the ones
they hold. Halfway through, one worker is SIGKILLed (uvicorn starts another). Every message carries
a unique token; a request that failed is re-sent only after checking that it was not stored, as a
careful client would. At the end the database is counted against what was sent, and the event
streams against what staff wrote: lost and duplicated messages in both directions, and the
staff-to-client delivery time (from the start of the staff POST to the event reaching the client).

Usage: python -m eval.load.handover [--minutes 10] [--clients 30] [--staff 5]
Writes eval/results/handover_load.json. Needs PostgreSQL on 127.0.0.1:5432 (a throw-away database).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from assistant.staff_accounts import add_staff
from assistant.store.db import make_engine, session_factory
from assistant.store.models import Conversation, Message
from eval.load.server import ROOT, Service, pg_database, scratch_dir
from eval.sse import SseParser

RESULTS = Path(__file__).resolve().parents[1] / "results" / "handover_load.json"


class Client(threading.Thread):
    def __init__(self, url: str, index: int, stop: threading.Event, done: threading.Event) -> None:
        super().__init__(daemon=True)
        self.url, self.index, self.stop = url, index, stop
        self.done = done  # set a little after ``stop``: replies sent at the very end still reach the stream
        self.session_id = ""
        self.sent: list[str] = []
        self.received: dict[int, tuple[float, dict[str, Any]]] = {}
        self.duplicate_events = 0
        self.retries = 0
        self.reconnects = 0  # event streams re-opened (a worker died under them)

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            while not self.session_id and not self.stop.is_set():
                try:
                    self.session_id = http.post("/api/chat", json={"message": "转人工"}).json()["session_id"]
                except (httpx.HTTPError, KeyError, ValueError):
                    time.sleep(1)
            threading.Thread(target=self._listen, daemon=True).start()
            n = 0
            while not self.stop.wait(random.uniform(3, 6)):
                n += 1
                token = f"客户{self.index}-{n} 还在吗"
                self._send(http, token)

    def _send(self, http: httpx.Client, token: str) -> None:
        for _ in range(20):
            try:
                response = http.post("/api/chat", json={"session_id": self.session_id, "message": token})
                if response.status_code == 200:
                    self.sent.append(token)
                    return
            except httpx.HTTPError:
                pass
            self.retries += 1
            time.sleep(1)
            if self._stored(http, token):  # the turn committed, only the answer was lost
                self.sent.append(token)
                return

    def _stored(self, http: httpx.Client, token: str) -> bool:
        try:
            listed = http.get(f"/api/chat/{self.session_id}/messages").json()["messages"]
        except (httpx.HTTPError, KeyError, ValueError):
            return False
        return any(m["role"] == "client" and m["text"] == token for m in listed)

    def _listen(self) -> None:
        last = 0
        while not self.done.is_set():
            try:
                with httpx.Client(timeout=httpx.Timeout(10, read=60)) as http, http.stream(
                        "GET", f"{self.url}/api/chat/{self.session_id}/events",
                        headers={"Last-Event-ID": str(last)}) as response:
                    parser = SseParser()
                    for line in response.iter_lines():
                        if self.done.is_set():
                            return
                        got = parser.feed(line)
                        if got is not None and got[0] == "message":
                            message = got[1]
                            if message["id"] in self.received:
                                self.duplicate_events += 1
                            self.received[message["id"]] = (time.monotonic(), message)
                            last = max(last, message["id"])
            except httpx.HTTPError:
                self.reconnects += 1
                time.sleep(0.5)  # the worker died: reconnect, resuming after the last id seen


class StaffMember(threading.Thread):
    def __init__(self, url: str, name: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.url, self.name, self.stop = url, name, stop
        self.sent: dict[str, float] = {}  # token → when its POST started
        self.errors = Counter[str]()

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            headers = self._login(http)
            n = 0
            while not self.stop.wait(random.uniform(0.5, 1.5)):
                try:
                    waiting = http.get("/api/staff/handovers?status=waiting", headers=headers).json()
                    if waiting:
                        http.post(f"/api/staff/handovers/{random.choice(waiting)['id']}/claim", headers=headers)
                    held = http.get("/api/staff/handovers?status=held&mine=true", headers=headers).json()
                except (httpx.HTTPError, ValueError, TypeError):
                    self.errors["list"] += 1
                    continue
                if held:
                    n += 1
                    self._reply(http, headers, random.choice(held)["id"], f"客服{self.name}-{n} 正在处理")

    def _login(self, http: httpx.Client) -> dict[str, str]:
        while True:
            try:
                token = http.post("/api/staff/login", json={"username": self.name, "password": "Inbox-Load-4471-Wm"})
                return {"Authorization": f"Bearer {token.json()['token']}"}
            except (httpx.HTTPError, KeyError, ValueError):
                time.sleep(1)

    def _reply(self, http: httpx.Client, headers: dict[str, str], hid: int, token: str) -> None:
        started = time.monotonic()
        for _ in range(20):
            try:
                response = http.post(f"/api/staff/handovers/{hid}/reply", headers=headers, json={"text": token})
                if response.status_code == 200:
                    self.sent[token] = started
                    return
                if response.status_code < 500:
                    self.errors[str(response.status_code)] += 1
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
            try:
                transcript = http.get(f"/api/staff/handovers/{hid}", headers=headers).json()["transcript"]
                if any(m["role"] == "staff" and m["text"] == token for m in transcript):
                    self.sent[token] = started
                    return
            except (httpx.HTTPError, KeyError, ValueError):
                pass


def count(clients: list[Client], staff: list[StaffMember], url: str) -> dict[str, Any]:
    engine = make_engine(url)
    stored: dict[str, Counter[tuple[str, str]]] = {}
    with session_factory(engine)() as db:
        for c in clients:
            rows = db.execute(select(Message.role, Message.text).join(Conversation).where(
                Conversation.session_id == c.session_id)).all()
            stored[c.session_id] = Counter((role, text) for role, text in rows)
    engine.dispose()
    sent_by_staff = {t: at for s in staff for t, at in s.sent.items()}
    lost_in = dup_in = lost_out = dup_out = not_delivered = 0
    delays: list[float] = []
    staff_tokens_seen: set[str] = set()
    for c in clients:
        kept = stored.get(c.session_id, Counter())
        for token in c.sent:
            n = kept[("user", token)]
            lost_in += n == 0
            dup_in += max(0, n - 1)
        for (role, text), n in kept.items():
            if role == "staff" and text in sent_by_staff:
                staff_tokens_seen.add(text)
                dup_out += max(0, n - 1)
                events = [arrived for arrived, m in c.received.values() if m["role"] == "staff" and m["text"] == text]
                if not events:
                    not_delivered += 1
                else:
                    delays.append(events[0] - sent_by_staff[text])
    lost_out = sum(1 for t in sent_by_staff if t not in staff_tokens_seen)
    delays.sort()
    return {
        "client_messages_sent": sum(len(c.sent) for c in clients), "client_messages_lost": lost_in,
        "client_messages_duplicated": dup_in, "staff_replies_sent": len(sent_by_staff),
        "staff_replies_lost": lost_out, "staff_replies_duplicated": dup_out,
        "staff_replies_not_streamed": not_delivered, "duplicate_events": sum(c.duplicate_events for c in clients),
        "client_retries": sum(c.retries for c in clients),
        "stream_reconnects": sum(c.reconnects for c in clients),
        "staff_errors": dict(sum((s.errors for s in staff), Counter())),
        "delivery_p50_s": round(statistics.median(delays), 3) if delays else None,
        "delivery_p95_s": round(delays[int(0.95 * (len(delays) - 1))], 3) if delays else None,
        "delivery_max_s": round(delays[-1], 3) if delays else None,
    }


class Workers(Service):
    """``serve --workers 2`` started as ``python -m ui.cli`` (independent of an installed console script)."""

    def start(self, ready_timeout_s: float = 180) -> Workers:
        log = open(self.log_path, "ab")  # noqa: SIM115  (kept open for the child's lifetime)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "serve", "--no-widget", "--port", str(self.port), "--workers",
             str(self.workers)], env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready(ready_timeout_s)
        return self

    def worker_pids(self) -> list[int]:
        """Only the uvicorn workers, not multiprocessing's resource tracker."""
        pids = []
        for pid in super().worker_pids():
            try:
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    pids.append(pid)
            except OSError:
                pass
        return pids


def _demo_kb(work: Path) -> None:
    from knowledge_base.ingest import ingest
    from knowledge_base.store import KnowledgeBaseStore

    demo = ROOT / "knowledge_base" / "demo"
    ingest(KnowledgeBaseStore(work / "kb"), "demo", [demo / "handbook"], glossary_path=demo / "synonyms.yaml")


def run(minutes: float, clients_n: int, staff_n: int) -> dict[str, Any]:
    events: list[str] = []
    with scratch_dir("sme-handover-load-") as work, pg_database("sme_handover") as url:
        _demo_kb(work)
        service = Workers(work, url, workers=2).start()
        try:
            with session_factory(make_engine(url)).begin() as db:
                for j in range(staff_n):
                    add_staff(db, f"staff{j}", "agent", "Inbox-Load-4471-Wm", display_name=f"客服{j}")
            stop, done = threading.Event(), threading.Event()
            clients = [Client(service.url, i, stop, done) for i in range(clients_n)]
            staff = [StaffMember(service.url, f"staff{j}", stop) for j in range(staff_n)]
            for thread in [*staff, *clients]:
                thread.start()
            started = time.monotonic()
            stop.wait(minutes * 30)
            victim = service.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            events.append(f"SIGKILL worker {victim} at {time.monotonic() - started:.0f}s")
            stop.wait(max(0.0, minutes * 60 - (time.monotonic() - started)))
            stop.set()
            for thread in staff:
                thread.join(timeout=60)  # a reply in flight finishes (and is counted) first
            time.sleep(3)  # the last events reach the streams
            done.set()
            result = count(clients, staff, url)
        finally:
            service.stop()
    return {"minutes": minutes, "clients": clients_n, "staff": staff_n, "workers": 2, "database": "postgresql",
            "events": events, **result,
            "passed": result["client_messages_lost"] == result["client_messages_duplicated"] == 0
            and result["staff_replies_lost"] == result["staff_replies_duplicated"] == 0
            and result["staff_replies_not_streamed"] == 0
            and (result["delivery_p95_s"] is not None and result["delivery_p95_s"] <= 2.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--staff", type=int, default=5)
    args = parser.parse_args()
    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), **run(args.minutes, args.clients, args.staff)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
