"""Run the fault programs; each writes eval/results/faults/<name>.json and says passed or not.

  python -m eval.faults.run                  # all of them (about 5 minutes; root for disk_full)
  python -m eval.faults.run llm_down disk_full

Loopback only, every loop bounded. pg_restart restarts the local PostgreSQL cluster (shared: run it
when nothing else depends on it) and leaves it running.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from typing import Any

FAULTS = ["kill_worker", "pg_restart", "llm_down", "disk_full", "wechat_retries"]


def run_faults(names: list[str] | None = None, report: Callable[[str], object] = lambda _n: None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in names or FAULTS:
        report(name)
        try:
            results[name] = importlib.import_module(f"eval.faults.{name}").run()
        except Exception as exc:  # one broken fault program must not hide the others' results
            results[name] = {"name": name, "passed": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
    return results


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or FAULTS
    unknown = [n for n in names if n not in FAULTS]
    if unknown:
        print(f"unknown fault(s) {unknown}; choose from {FAULTS}", file=sys.stderr)
        return 2
    results = run_faults(names, report=lambda n: print(f"… {n}", file=sys.stderr, flush=True))
    for name, result in results.items():
        print(f"{name:16} {'PASS' if result.get('passed') else 'FAIL'}  "
              + json.dumps({k: v for k, v in result.items() if k in ("error", "client_errors", "recovery_s")},
                           ensure_ascii=False))
    return 0 if all(r.get("passed") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
