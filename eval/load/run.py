"""Load test: locust (headless) against `sme-assistant serve` on loopback, then the accounting.

  python -m eval.load.run --db sqlite --workers 1 --users 50 --duration 60
  python -m eval.load.run --db postgres --workers 2 --users 50 --duration 600     # the 10-minute run
  python -m eval.load.run --scaling --users 30 --duration 60                      # 1 vs 2 workers, PostgreSQL

Writes eval/results/load/<label>.json: throughput, p50/p95/p99 per endpoint, error rate and the
accounting (every message, ticket, lead and upload the clients were acknowledged, found in the
database). PostgreSQL runs use a database created for the run and dropped after it. The load
generator shares the machine's cores with the service: numbers are for this machine as loaded.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from eval.load.accounting import account
from eval.load.scripts import multipart, upload_image
from eval.load.server import BIN, ROOT, Service, pg_database, scratch_dir

RESULTS = ROOT / "eval" / "results" / "load"
CHAT_KINDS = "questions,complaint,lead"
PERCENTILES = ["50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "100%"]


def _warm_up(url: str, workers: int) -> None:
    """Load each worker's indexes and OCR models before measuring (requests spread over workers)."""
    body, ctype = multipart({}, "warm.png", upload_image(), "image/png")
    with httpx.Client(base_url=url, timeout=120) as client:
        for _ in range(3 * workers):
            client.post("/api/chat", json={"message": "科技贷最多能贷多少？"})
            client.post("/api/chat/upload", content=body, headers={"Content-Type": ctype})


def _stats(prefix: Path) -> dict[str, Any]:
    endpoints: dict[str, Any] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            endpoints[row["Name"]] = {
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2), "mean_ms": round(float(row["Average Response Time"]), 1),
                **{f"p{p.rstrip('%')}_ms": float(row[p]) for p in PERCENTILES if row.get(p) not in (None, "N/A")},
            }
    return endpoints


def run_load(*, db: str = "sqlite", workers: int = 1, users: int = 50, spawn_rate: float = 10, duration_s: int = 60,
             think: str = "1,3", label: str | None = None, out_dir: Path = RESULTS,
             kinds: str = "") -> dict[str, Any]:
    """One load run on a fresh data dir (and a fresh PostgreSQL database); returns and writes the result."""
    label = label or f"{db}-{workers}w-{users}u-{duration_s}s"
    out_dir.mkdir(parents=True, exist_ok=True)
    with scratch_dir("sme-load-") as work:
        if db == "postgres":
            with pg_database() as url:
                result = _run(work, url, workers, users, spawn_rate, duration_s, think, out_dir, label, kinds)
        else:
            result = _run(work, None, workers, users, spawn_rate, duration_s, think, out_dir, label, kinds)
    result.update(label=label, db=db, workers=workers, users=users, duration_s=duration_s, think_s=think,
                  kinds=kinds or "all",
                  cores=os.cpu_count(), when=time.strftime("%Y-%m-%dT%H:%M:%S"))
    (out_dir / f"{label}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def _run(work: Path, url: str | None, workers: int, users: int, spawn_rate: float, duration_s: int, think: str,
         out_dir: Path, label: str, kinds: str = "") -> dict[str, Any]:
    data_dir = work / "data"
    data_dir.mkdir()
    service = Service(data_dir, url, workers=workers)
    database_url = url or f"sqlite:///{(data_dir / 'assistant.db').resolve()}"
    ledger_path, prefix = work / "ledger.jsonl", work / "locust"
    with service:
        _warm_up(service.url, workers)
        env = {**os.environ, "LOAD_LEDGER": str(ledger_path), "LOAD_THINK": think, "LOAD_KINDS": kinds}
        started = time.monotonic()
        with open(out_dir / f"{label}.locust.log", "wb") as log:
            subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "eval/load/locustfile.py"), "--headless",
                            "-u", str(users), "-r", str(spawn_rate), "-t", f"{duration_s}s", "--host", service.url,
                            "--csv", str(prefix), "--stop-timeout", "30", "--only-summary"],
                           env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=duration_s + 180,
                           check=False)
        elapsed = time.monotonic() - started
    if service.log_path.exists():  # the server's own log, for the errors the clients saw
        shutil.copyfile(service.log_path, out_dir / f"{label}.serve.log")
    ledger = [json.loads(line) for line in ledger_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    endpoints = _stats(prefix)
    total = endpoints.pop("Aggregated", {})
    errors = [e for row in ledger for e in row["errors"]]
    return {
        "elapsed_s": round(elapsed, 1), "requests": total.get("requests", 0), "failures": total.get("failures", 0),
        "error_rate": round(total.get("failures", 0) / max(1, total.get("requests", 0)), 5),
        "throughput_rps": total.get("rps", 0.0), "endpoints": endpoints,
        "turn_throughput_rps": round(sum(e["requests"] for n, e in endpoints.items() if n != "/api/sessions")
                                     / max(1, duration_s), 2),
        "error_samples": errors[:10], "accounting": account(ledger, database_url),
    }


def run_scaling(users: int = 30, duration_s: int = 60, think: str = "0,0", out_dir: Path = RESULTS,
                kinds: str = CHAT_KINDS) -> dict[str, Any]:
    """Throughput with 1 then 2 workers on PostgreSQL, back to back, clients not pausing (saturation).

    By default the conversations are chat only (questions, complaints, leads): an upload's OCR already
    runs on every core inside one worker (onnxruntime threads), so it gains nothing from a second
    worker, while chat turns are Python held to one core per process — what more workers are for.
    """
    one = run_load(db="postgres", workers=1, users=users, duration_s=duration_s, think=think,
                   label=f"scaling-1w-{users}u", out_dir=out_dir, kinds=kinds)
    two = run_load(db="postgres", workers=2, users=users, duration_s=duration_s, think=think,
                   label=f"scaling-2w-{users}u", out_dir=out_dir, kinds=kinds)
    result = {"users": users, "duration_s": duration_s, "kinds": kinds or "all",
              "one_worker_rps": one["turn_throughput_rps"], "two_workers_rps": two["turn_throughput_rps"],
              "ratio": round(two["turn_throughput_rps"] / max(0.01, one["turn_throughput_rps"]), 2),
              "errors": one["failures"] + two["failures"],
              "complete": one["accounting"]["complete"] and two["accounting"]["complete"]}
    (out_dir / "scaling.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--think", default="1,3", help="seconds between a client's turns, 'min,max'")
    parser.add_argument("--label")
    parser.add_argument("--scaling", action="store_true", help="1 vs 2 workers on PostgreSQL, back to back")
    parser.add_argument("--kinds", default=None, help="conversation kinds, comma-separated "
                        f"(questions,complaint,lead,upload); default all, or {CHAT_KINDS!r} with --scaling")
    args = parser.parse_args(argv)
    if args.scaling:
        result = run_scaling(args.users, args.duration, args.think if args.think != "1,3" else "0,0",
                             kinds=CHAT_KINDS if args.kinds is None else args.kinds)
        print(json.dumps(result, indent=1))
        return 0 if result["errors"] == 0 and result["complete"] else 1
    result = run_load(db=args.db, workers=args.workers, users=args.users, spawn_rate=args.spawn_rate,
                      duration_s=args.duration, think=args.think, label=args.label, kinds=args.kinds or "")
    print(json.dumps({k: v for k, v in result.items() if k != "error_samples"}, ensure_ascii=False, indent=1))
    return 0 if result["failures"] == 0 and result["accounting"]["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
