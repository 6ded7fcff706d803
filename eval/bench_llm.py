"""Benchmark: what the LLM path costs a client in time when the model fails, and when it streams.

Against the loopback OpenAI-compatible server (``eval.fake_llm_server``), through the real
``ChatOpenAI`` client and ``QuestionAnswerer``:

- fallback overhead: a stalled endpoint, with the turn deadline (or the LLM timeout) as the
  binding limit; overhead = time to the extractive answer − the configured limit (issue: ≤ 50 ms);
- failures that are not stalls (HTTP 500, garbage JSON, endpoint down): total time to the answer;
- time to first token: from the server writing the first streamed piece to ``QuestionAnswerer.stream``
  handing its first ``delta`` event to the caller (issue: ≤ 300 ms), and the whole stream.

Writes ``eval/results/bench_llm.json``. Not a test: run it on a quiet machine.

    SME_ASSISTANT_DATA_DIR=/tmp/llm-data python -m eval.bench_llm [--runs 20] [--out eval/results/bench_llm.json]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from assistant.answering.service import QuestionAnswerer, build_answerer
from assistant.settings import Settings, load_settings
from eval.fake_llm_server import ChatRequest, Completion, FakeLlmServer
from eval.kb_run import ensure_demo

QUESTION = "科技贷最多能贷多少？"
GOOD = "科技贷的单户授信额度为50万元至1000万元，即最高1000万元[{n}]。具体额度根据企业营业收入、研发投入综合核定[{n}]。"


def _stats(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"runs": len(values), "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def _signed(totals: list[float], limit: float) -> dict:
    """Time past the limit (negative: the answer came before it), so nothing is hidden by clamping."""
    over = sorted((t - limit) * 1000 for t in totals)
    return {"p50": round(statistics.median(over), 1), "max": round(over[-1], 1)}


def _timed(answerer: QuestionAnswerer, runs: int, expect_reason: str) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = answerer.answer(QUESTION)
        times.append(time.perf_counter() - started)
        assert answer.fallback_reason == expect_reason, (answer.fallback_reason, expect_reason)
    return times


def fallback_overhead(base: Settings, server: FakeLlmServer, runs: int) -> dict:
    server.responder = lambda r: Completion("科技贷最高1000万元[1]。", stall_s=30)
    out = {}
    for label, update, limit in (
        ("turn_deadline_1s", {"turn_deadline_s": 1.0, "llm_timeout_s": 30.0}, 1.0),
        ("llm_timeout_0.5s", {"turn_deadline_s": 8.0, "llm_timeout_s": 0.5}, 0.5),
    ):
        answerer = build_answerer(base.model_copy(update=update))
        totals = _timed(answerer, runs, "timeout")
        out[label] = {"limit_s": limit, "total": _stats(totals),
                      "overhead_beyond_limit_ms": _signed(totals, limit)}
    return out


def other_failures(base: Settings, server: FakeLlmServer, runs: int) -> dict:
    out = {}
    for label, reply, reason in (("http_500", Completion(status=500), "http_500"),
                                 ("garbage_json", Completion(raw=b'{"choices": [{'), "malformed")):
        server.responder = _constant(reply)
        out[label] = _stats(_timed(build_answerer(base), runs, reason))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = build_answerer(base.model_copy(update={"llm_base_url": f"http://127.0.0.1:{port}/v1"}))
    out["endpoint_down"] = _stats(_timed(down, runs, "unreachable"))
    extractive = build_answerer(base.model_copy(update={"llm_backend": "extractive"}))
    out["extractive_only_for_reference"] = _stats(_timed(extractive, runs, ""))
    return out


def time_to_first_token(base: Settings, server: FakeLlmServer, runs: int) -> dict:
    # The model "thinks" 200 ms, then writes 4 characters every 20 ms.
    server.responder = lambda r: Completion(GOOD.format(n=r.passage_with("1000万元")), stall_s=0.2, piece_chars=4,
                                            piece_delay_s=0.02)
    answerer = build_answerer(base)
    first, whole = [], []
    for _ in range(runs):
        server.requests.clear()
        started = time.perf_counter()
        first_delta = None
        for event in answerer.stream(QUESTION):
            if event.kind == "delta" and first_delta is None:
                first_delta = time.monotonic()
            if event.kind == "final":
                assert event.answer is not None and event.answer.composer == "llm", event.answer
        whole.append(time.perf_counter() - started)
        sent = server.requests[-1].first_piece_sent
        assert first_delta is not None and sent is not None
        first.append(max(first_delta - sent, 0.0))
    return {"first_token_sent_to_first_delta": _stats(first), "whole_streamed_answer": _stats(whole)}


def _constant(reply: Completion) -> Callable[[ChatRequest], Completion]:
    return lambda request: reply


def run(runs: int = 20, data_dir: Path | None = None) -> dict:
    """Fallback overhead, failure fallbacks and time to first token against the loopback scripted model.

    ``data_dir`` defaults to SME_ASSISTANT_DATA_DIR; the demo knowledge base is built there if missing.
    """
    with FakeLlmServer() as server:
        overrides = {"assistant_data_dir": data_dir} if data_dir else {}
        base = load_settings(llm_backend="openai", llm_base_url=server.base_url, llm_model="scripted", **overrides)
        ensure_demo(base, base.default_kb)
        build_answerer(base).answer(QUESTION)  # warm up: KB load, client connection pool, jieba
        return {
            "question": QUESTION,
            "fallback_on_stall": fallback_overhead(base, server, runs),
            "fallback_on_failure": other_failures(base, server, runs),
            "streaming": time_to_first_token(base, server, runs),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "bench_llm.json")
    args = parser.parse_args()
    results = run(args.runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
