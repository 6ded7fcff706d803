"""Restart PostgreSQL under load: turns in flight are retried by the service or refused with a clear 503.

Two workers on a throw-away database, clients chatting; PostgreSQL is restarted twice. Passes when
every error a client saw is a 503 saying to try again (no 500, no hang), the service answers again
within seconds, and the accounting finds everything acknowledged. PostgreSQL is running again at
the end whatever happens (``finally``).
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from eval.faults.common import background_traffic, error_statuses, write_result
from eval.load.accounting import account
from eval.load.server import Service, pg_database, scratch_dir


def _cluster() -> list[str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def restart_postgres() -> None:
    subprocess.run([*_cluster(), "restart"], check=True, timeout=120, capture_output=True)


def ensure_postgres_running() -> None:
    status = subprocess.run([*_cluster(), "status"], timeout=30, capture_output=True, check=False)
    if status.returncode != 0:
        subprocess.run([*_cluster(), "start"], timeout=120, capture_output=True, check=False)


def _recovery_s(url: str, limit_s: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        try:
            if httpx.post(url + "/api/chat", json={"message": "你好"}, timeout=10).status_code == 200:
                return round(time.monotonic() - started, 2)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return -1.0


def run(restarts: int = 2, clients: int = 6) -> dict[str, Any]:
    ledger: list[dict[str, Any]] = []
    recoveries: list[float] = []
    try:
        with scratch_dir("sme-fault-pg-") as work, pg_database("sme_fault") as url:
            service = Service(work, url, workers=2).start()
            stop = threading.Event()
            threads: list[threading.Thread] = []
            try:
                threads = background_traffic(service.url, ledger, stop, clients=clients)
                for _ in range(restarts):
                    time.sleep(8)
                    restart_postgres()
                    recoveries.append(_recovery_s(service.url))
                time.sleep(8)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=60)
                service.stop()
            accounting = account(ledger, url)
    finally:
        ensure_postgres_running()
    errors = error_statuses(ledger)
    unclear = {k: v for k, v in errors.items() if k != "503"}
    passed = accounting["complete"] and not unclear and all(0 <= r < 15 for r in recoveries)
    return write_result("pg_restart", {"passed": passed, "restarts": restarts, "recovery_s": recoveries,
                                       "client_errors": errors, "accounting": accounting})


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
