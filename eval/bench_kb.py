"""Benchmark: ingest throughput and extractive `ask` latency at 1k, 10k and 100k chunks.

Generated Chinese business text (product-handbook-like sections with random figures) is written
to a temporary folder, ingested through the real pipeline, and queried with the demo QA set's
questions. Then the answers' quality on the demo handbook: every QA set, per question kind, with
and without the glossary (``--no-quality`` skips it). Writes ``eval/results/bench_kb.json``.
Not a test: run it on a quiet machine.

    python -m eval.bench_kb [--sizes 1000 10000 100000] [--out eval/results/bench_kb.json] [--no-quality]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant.answering.service import build_answerer
from assistant.settings import load_settings
from eval.kb_eval import DATASETS, load_dataset
from knowledge_base.ingest import ingest
from knowledge_base.store import KnowledgeBaseStore

WORDS = ("企业 贷款 额度 期限 利率 担保 抵押 质押 发票 纳税 信用 应收账款 订单 供应链 科技 研发 专利 审批 放款 还款 "
         "材料 营业执照 财务报表 征信 客户经理 网点 线上 授信 评估 风险 补偿 政府 核心企业 上下游 票据 贴现 "
         "流动资金 经营 周转 采购 设备 厂房 收入 利润 现金流 合同 账期 结算 账户 保证 银行 申请 条件").split()
SECTIONS = ("产品简介", "申请条件", "贷款额度", "贷款期限", "参考利率", "担保方式", "申请材料", "办理流程")


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(5, 9))
    figure = rng.choice([f"{rng.randint(1, 999)}万元", f"{rng.randint(1, 60)}个月", f"{rng.uniform(2, 9):.2f}%",
                         f"{rng.randint(1, 15)}个工作日"])
    return "、".join(words[:3]) + "相关" + "".join(words[3:]) + "为" + figure + "。"


def generate(folder: Path, chunks: int, seed: int = 7) -> int:
    """Write documents of 8 sections each, about one chunk per section; returns bytes written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    docs = max(1, chunks // len(SECTIONS))
    for d in range(docs):
        parts = [f"# 产品{d:06d}\n"]
        for section in SECTIONS:
            parts.append(f"## {section}\n" + "".join(_sentence(rng) for _ in range(rng.randint(5, 8))) + "\n")
        text = "\n".join(parts)
        (folder / f"p{d // 1000:03d}" / f"doc{d:06d}.md").parent.mkdir(exist_ok=True)
        (folder / f"p{d // 1000:03d}" / f"doc{d:06d}.md").write_text(text, encoding="utf-8")
        written += len(text.encode())
    return written


def bench(size: int, work: Path) -> dict:
    docs = work / f"docs-{size}"
    data = work / f"data-{size}"
    generated = generate(docs, size)
    store = KnowledgeBaseStore(data / "kb")
    report = ingest(store, "bench", [docs])
    settings = load_settings(assistant_data_dir=data, default_kb="bench")
    load_started = time.perf_counter()
    answerer = build_answerer(settings)
    load_s = time.perf_counter() - load_started
    questions = [item.question for item in load_dataset(DATASETS / "kb_qa.jsonl")]
    for q in questions[:5]:
        answerer.answer(q)  # warm caches
    latencies = []
    for q in questions * 2:
        started = time.perf_counter()
        answerer.answer(q)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {
        "chunks": report.chunks,
        "documents": len(report.added),
        "text_mb": round(generated / 1e6, 2),
        "ingest_s": round(report.seconds, 2),
        "ingest_kb_per_s": round(report.bytes_read / 1e3 / report.seconds, 1),
        "load_s": round(load_s, 2),
        "ask_p50_ms": round(statistics.median(latencies), 2),
        "ask_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "questions": len(latencies),
    }


QUALITY_SETS = ("kb_qa", "kb_qa_dev", "kb_qa_dev2", "kb_qa_dev3", "kb_qa_heldout", "kb_qa_heldout2", "kb_qa_heldout3",
                "kb_qa_english", "kb_qa_blind", "kb_qa_blind2", "kb_qa_blind3", "kb_qa_blind4",
                "kb_qa_blind5")
QUALITY_KEYS = ("questions", "hit@1", "hit@3", "answer_contains_fact", "refusal_precision", "refusal_recall",
                "every_fact_by_type", "followups", "followup_answer_contains_fact")


def quality(work: Path) -> dict:
    """Metrics of each demo QA set (aggregates only), with the glossary and without it."""
    from eval.kb_run import evaluate

    settings = load_settings(assistant_data_dir=work / "quality")
    out: dict = {}
    for name in QUALITY_SETS:
        dataset = DATASETS / f"{name}.jsonl"
        if not dataset.is_file():
            continue
        for glossary in (True, False):
            metrics = evaluate(settings, dataset, progress=False, glossary=glossary)["metrics"]
            key = name if glossary else f"{name} (no glossary)"
            out[key] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in metrics.items()
                        if k in QUALITY_KEYS}
    return out


def run(sizes: list[int], report: Callable[[dict], object] = lambda _row: None, with_quality: bool = True) -> dict:
    """Ingest throughput and ask latency at each size (chunks), each in a throw-away data dir;
    then (``with_quality``) the answers' quality on the demo handbook."""
    results: dict = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "runs": []}
    with tempfile.TemporaryDirectory(prefix="bench-kb-") as tmp:
        for size in sizes:
            results["runs"].append(bench(size, Path(tmp)))
            report(results["runs"][-1])
        if with_quality:
            results["quality"] = quality(Path(tmp))
            report({"quality": results["quality"]})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--out", type=Path, default=Path("eval/results/bench_kb.json"))
    parser.add_argument("--no-quality", action="store_true", help="Skip the QA sets' quality metrics.")
    args = parser.parse_args()
    results = run(args.sizes, report=lambda row: print(json.dumps(row, ensure_ascii=False), flush=True),
                  with_quality=not args.no_quality)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
