"""The penetration test of issue 13, run against a real server on loopback.

    python -m eval.security.attack [--out eval/results/security/attack.json]

Starts ``sme-assistant serve`` (widget, WeChat safe mode, three staff accounts) on a free
127.0.0.1 port in a scratch data dir, runs each attack once (about 250 requests in all, each
attack bounded in count; the whole run is cut at ``--max-seconds``), stops the server and writes
one JSON result per attack. It sends nothing anywhere but the server it started.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eval.load.server import ROOT, scratch_dir
from eval.security import client_attacks as client
from eval.security import staff_attacks as staff
from eval.security.server import attacked_service

RESULTS = ROOT / "eval" / "results" / "security"


def run_attacks(max_seconds: float = 600) -> dict[str, Any]:
    started = time.monotonic()
    results: list[dict[str, Any]] = []
    with scratch_dir("sme-attack-") as work, attacked_service(work) as service:
        url, data = service.url, service.data_dir
        masked, lead, ticket = staff.masking(url)
        steps: list[Callable[[], dict[str, Any]]] = [
            lambda: client.widget_file_read(url, str(data)), lambda: masked,
            lambda: client.pixel_bomb(url), lambda: staff.brute_force(url),
            lambda: client.wechat_replay_and_downgrade(url), lambda: staff.revocation(url),
            lambda: staff.extension_and_claims(url, ticket), lambda: staff.audit_trail(url, data, lead),
            lambda: client.malformed_input(url), lambda: client.chat_flood(url),
            lambda: client.what_clients_learn(url), lambda: staff.headers_and_files(url, data)]
        for step in steps:
            if time.monotonic() - started > max_seconds:
                results.append({"attack": "(not run: time limit)", "passed": None})
                continue
            try:
                results.append(step())
            except Exception as exc:  # an attack that crashes the program is a finding, not a pass
                results.append({"attack": getattr(step, "__name__", "?"), "passed": False,
                                "observed": f"{type(exc).__name__}: {exc}"[:300]})
    return {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seconds": round(time.monotonic() - started),
            "passed": sum(1 for r in results if r.get("passed")), "failed": sum(1 for r in results if r.get("passed")
                                                                                is False),
            "attacks": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "attack.json")
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    report = run_attacks(args.max_seconds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for item in report["attacks"]:
        print(f"{'PASS' if item.get('passed') else 'FAIL'}  {item.get('attack')}: {item.get('observed')}")
    print(f"{report['passed']} passed, {report['failed']} failed")


if __name__ == "__main__":
    main()
