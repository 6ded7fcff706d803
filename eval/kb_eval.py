"""Knowledge-base answering evaluation: hit@k, MRR, answer-contains-fact, refusal P/R.

``answer_contains_fact`` counts an answer only when it contains EVERY expected fact.

A dataset line: ``{"id", "question", "type", "expected_sources", "expected_facts", "refuse"}``, and
``"history"`` (the client's earlier messages) for a follow-up.
A citation *hits* when it comes from an expected source and its text contains an expected fact,
so retrieving the right document for the wrong reason does not count.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

DATASETS = Path(__file__).parent / "datasets"


@dataclass
class QaItem:
    id: str
    question: str
    type: str
    expected_sources: list[str]
    expected_facts: list[str]
    refuse: bool
    history: list[str] = field(default_factory=list)  # the client's earlier messages, oldest first


@dataclass
class ItemResult:
    item: QaItem
    grounded: bool
    rank: int | None  # 1-based rank of the first hitting citation
    contains_fact: bool
    relevance: float
    answer: str
    citations: list[dict] = field(default_factory=list)


def load_dataset(path: Path) -> list[QaItem]:
    items = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            data = json.loads(line)
            try:
                items.append(QaItem(str(data["id"]), data["question"], data.get("type", ""),
                                    list(data.get("expected_sources") or []),
                                    list(data.get("expected_facts") or []), bool(data.get("refuse")),
                                    [str(h) for h in data.get("history") or []]))
            except KeyError as exc:
                raise ValueError(f"{path}:{n}: missing field {exc}") from exc
    return items


def judge(item: QaItem, answer: dict) -> ItemResult:
    citations = answer.get("citations") or []
    rank = None
    for i, citation in enumerate(citations, 1):
        if citation["source"] in item.expected_sources and any(f in citation["text"] for f in item.expected_facts):
            rank = i
            break
    text = answer.get("answer", "")
    contains = bool(item.expected_facts) and all(f in text for f in item.expected_facts)
    relevance = citations[0]["score"] if citations else 0.0
    return ItemResult(item, bool(answer.get("grounded")), rank, contains, relevance, text, citations)


def metrics(results: list[ItemResult]) -> dict:
    answerable = [r for r in results if not r.item.refuse]
    refused = [r for r in results if not r.grounded]
    should = [r for r in results if r.item.refuse]
    n = max(len(answerable), 1)
    out = {
        "questions": len(results),
        "answerable": len(answerable),
        "should_refuse": len(should),
        "hit@1": sum(1 for r in answerable if r.grounded and r.rank == 1) / n,
        "hit@3": sum(1 for r in answerable if r.grounded and r.rank is not None and r.rank <= 3) / n,
        "mrr": sum(1.0 / r.rank for r in answerable if r.grounded and r.rank) / n,
        "answer_contains_fact": sum(1 for r in answerable if r.grounded and r.contains_fact) / n,
        "refusal_precision": (sum(1 for r in refused if r.item.refuse) / len(refused)) if refused else 1.0,
        "refusal_recall": (sum(1 for r in should if not r.grounded) / len(should)) if should else 1.0,
    }
    by_type: dict[str, list[ItemResult]] = defaultdict(list)
    for r in answerable:
        by_type[r.item.type].append(r)
    out["hit@1_by_type"] = {t: round(sum(1 for r in rs if r.grounded and r.rank == 1) / len(rs), 3)
                            for t, rs in sorted(by_type.items())}
    out["every_fact_by_type"] = {t: round(sum(1 for r in rs if r.grounded and r.contains_fact) / len(rs), 3)
                                 for t, rs in sorted(by_type.items())}
    followups = [r for r in answerable if r.item.history]
    if followups:
        out["followups"] = len(followups)
        carried = sum(1 for r in followups if r.grounded and r.contains_fact)
        out["followup_answer_contains_fact"] = carried / len(followups)
    return out


def run(ask: Callable[..., dict], items: Iterable[QaItem]) -> list[ItemResult]:
    """``ask(question)``; a follow-up is asked as ``ask(question, history)``, after the client's
    earlier messages (so a set with follow-ups needs an ``ask`` that takes them)."""
    return [judge(item, ask(item.question, item.history) if item.history else ask(item.question)) for item in items]


def failures(results: list[ItemResult]) -> list[dict]:
    rows = []
    for r in results:
        ok = (not r.grounded) if r.item.refuse else (r.grounded and r.rank == 1 and r.contains_fact)
        if not ok:
            top = r.citations[0] if r.citations else {}
            rows.append({"id": r.item.id, "type": r.item.type, "question": r.item.question,
                         "grounded": r.grounded, "rank": r.rank, "contains_fact": r.contains_fact,
                         "relevance": round(r.relevance, 3), "expected": r.item.expected_facts,
                         "top": f"{top.get('source')} · {top.get('section')}" if top else None})
    return rows


def calibrate(ask_unthresholded: Callable[[str], dict], items: list[QaItem]) -> list[dict]:
    """Refusal precision/recall and hit@1 for a sweep of thresholds, from one unthresholded run."""
    results = run(lambda q, h=None: ask_unthresholded(q), items)
    table = []
    for step in range(0, 20):
        t = step / 20
        adjusted = [ItemResult(r.item, r.grounded and r.relevance >= t, r.rank, r.contains_fact, r.relevance,
                               r.answer, r.citations) for r in results]
        m = metrics(adjusted)
        table.append({"threshold": t, "hit@1": round(m["hit@1"], 3),
                      "refusal_precision": round(m["refusal_precision"], 3),
                      "refusal_recall": round(m["refusal_recall"], 3)})
    return table
