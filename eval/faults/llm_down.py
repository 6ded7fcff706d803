"""The LLM endpoint is down: every question is still answered (extractive fallback) within the deadline.

Two outages: SME_LLM_BACKEND=openai pointed at a loopback port nobody listens on (refused at once),
then at one that accepts connections and never answers (hung: the model's timeout must cut it).
Passes when every turn is a 200, question answers keep their citations, p95 stays under the turn
deadline, and the accounting finds everything.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eval.faults.common import Chat, error_statuses, write_result
from eval.load.accounting import account
from eval.load.scripts import COMPLAINT, questions
from eval.load.server import Service, free_port, scratch_dir


@contextmanager
def hung_endpoint() -> Iterator[str]:
    """A loopback port that accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.5)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def run(questions_asked: int = 12) -> dict[str, Any]:
    phases: dict[str, Any] = {}
    with hung_endpoint() as hung:
        for name, endpoint in (("refused", f"http://127.0.0.1:{free_port()}/v1"), ("hung", hung)):
            phases[name] = _phase(endpoint, questions_asked)
    passed = all(p["passed"] for p in phases.values())
    return write_result("llm_down", {"passed": passed, **phases})


def _phase(endpoint: str, questions_asked: int, deadline_s: float = 5) -> dict[str, Any]:
    ledger: list[dict[str, Any]] = []
    latencies: list[float] = []
    cited = 0
    with scratch_dir("sme-fault-llm-") as work:
        env = {"SME_LLM_BACKEND": "openai", "SME_LLM_BASE_URL": endpoint, "SME_LLM_MODEL": "qwen2.5-7b-instruct",
               "SME_LLM_API_KEY": "none", "SME_LLM_TIMEOUT_S": "3", "SME_TURN_DEADLINE_S": str(deadline_s)}
        with Service(work, None, workers=1, extra_env=env) as service:
            chat = Chat(service.url, ledger)
            chat.begin()
            for question in questions()[:questions_asked]:
                started = time.perf_counter()
                reply = chat.insist(question, deadline_s=30)
                latencies.append((time.perf_counter() - started) * 1000)
                cited += bool(reply.get("citations"))
            complaint = Chat(service.url, ledger, kind="complaint")
            complaint.begin()
            for text in COMPLAINT:
                reply = complaint.insist(text)
            ticket = (reply.get("data") or {}).get("ticket")
        accounting = account(ledger, f"sqlite:///{(work / 'assistant.db').resolve()}")
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    passed = (accounting["complete"] and not error_statuses(ledger) and bool(ticket) and p95 < deadline_s * 1000
              and cited >= questions_asked * 0.8)
    return {"passed": passed, "questions": questions_asked, "answered_with_citations": cited,
            "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(p95, 1), "ticket": ticket,
            "client_errors": error_statuses(ledger), "accounting_complete": accounting["complete"]}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
