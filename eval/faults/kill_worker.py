"""kill -9 a worker mid-flow, then the whole service; restart; the same complaint goes on to its ticket.

PostgreSQL, two workers, background clients chatting. Halfway through a complaint one worker is
SIGKILLed (uvicorn's supervisor starts a new one); later the whole service is SIGKILLed and started
again on the same database. The client re-sends any turn that failed. Passes when the complaint ends
with a ticket that exists and the accounting finds every acknowledged message, ticket and lead.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

from eval.faults.common import Chat, background_traffic, error_statuses, write_result
from eval.load.accounting import account
from eval.load.scripts import COMPLAINT
from eval.load.server import Service, pg_database, scratch_dir


def run() -> dict[str, Any]:
    ledger: list[dict[str, Any]] = []
    events: list[str] = []
    with scratch_dir("sme-fault-kill-") as work, pg_database("sme_fault") as url:
        service = Service(work, url, workers=2).start()
        stop = threading.Event()
        threads: list[threading.Thread] = []
        try:
            threads = background_traffic(service.url, ledger, stop)
            chat = Chat(service.url, ledger, kind="complaint")
            chat.begin()
            for text in COMPLAINT[:5]:
                chat.insist(text)
            victim = service.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            events.append(f"SIGKILL worker {victim} after turn 5")
            for text in COMPLAINT[5:9]:
                chat.insist(text)
            os.killpg(service.proc.pid, signal.SIGKILL)  # type: ignore[union-attr]
            service.proc.wait(timeout=10)  # type: ignore[union-attr]
            events.append("SIGKILL the whole service after turn 9")
            restarted = time.monotonic()
            service.start()
            events.append(f"restarted, ready in {time.monotonic() - restarted:.1f}s")
            for text in COMPLAINT[9:]:
                reply = chat.insist(text)
            ticket = (reply.get("data") or {}).get("ticket")
            chat.close()
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            service.stop()
        accounting = account(ledger, url)
    passed = bool(ticket) and accounting["complete"]
    return write_result("kill_worker", {"passed": passed, "ticket": ticket, "events": events,
                                        "client_errors": error_statuses(ledger), "accounting": accounting})


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
