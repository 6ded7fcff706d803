"""Turn latency benchmark (no LLM): scripted complaint and lead dialogues plus questions, p50/p95 per turn.

Usage: .venv/bin/python -m eval.bench_turns [--rounds N]; writes eval/results/bench_turns.json.
Uses SME_ASSISTANT_DATA_DIR (the demo KB is ingested when missing) and SME_DATABASE_URL if set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from pathlib import Path

from assistant.dialogue import IncomingMessage
from assistant.settings import Settings, load_settings
from assistant.store.db import upgrade_schema
from assistant.wiring import build_dialogue_manager

RESULTS = Path(__file__).parent / "results" / "bench_turns.json"
SCRIPT = ["你好", "科技贷最多能贷多少？", "我要投诉", "杭州明远科技有限公司", "跳过", "张伟", "13912345678", "贷款",
          "网点",
          "收费", "上个月被扣了200元年费，事先没有通知", "上周五", "200元", "退还费用", "确认", "我想贷300万",
          "杭州明远科技有限公司", "91350100M000100Y43", "软件开发", "5年", "2000万", "采购原材料", "1年", "房产抵押",
          "A级", "高新技术企业", "杭州", "张伟", "13912345678", "同意", "确认", "谢谢"]


def run(settings: Settings, rounds: int = 10) -> dict:
    """Play SCRIPT ``rounds`` times as new clients; p50/p95/max per turn and the raw timings (ms)."""
    upgrade_schema(settings.sqlalchemy_url)
    manager = build_dialogue_manager(settings)
    timings: list[float] = []
    for _ in range(rounds):
        user = f"bench-{uuid.uuid4().hex[:8]}"
        for text in SCRIPT:
            started = time.perf_counter()
            manager.reply(IncomingMessage("bench", user, "s1", text))
            timings.append((time.perf_counter() - started) * 1000)
    ordered = sorted(timings)
    return {"turns": len(ordered), "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1), "max_ms": round(ordered[-1], 1),
            "database": settings.sqlalchemy_url.split("@")[-1].split("?")[0], "timings_ms": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    result = run(load_settings(), args.rounds)
    result.pop("timings_ms")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
