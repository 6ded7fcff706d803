"""One QA set answered end to end: the metrics (and, with an LLM, its summary) as a dict.

Shared by ``sme-assistant eval kb`` and the report, so both measure the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.answering.service import build_answerer
from assistant.settings import Settings
from assistant.wiring import ensure_default_kb
from eval import kb_eval, llm_eval


def ensure_demo(settings: Settings, name: str) -> None:
    """The demo handbook is ingested when the default knowledge base is missing (a fresh clone)."""
    ensure_default_kb(settings, name)


def evaluate(settings: Settings, dataset: Path, kb: str | None = None, progress: bool = True) -> dict[str, Any]:
    """Answer every question of ``dataset``; returns ``{"metrics", "failures"}``."""
    name = kb or settings.default_kb
    ensure_demo(settings, name)
    answerer = build_answerer(settings, name)
    items = kb_eval.load_dataset(dataset)
    bar = tqdm(items, desc=f"eval kb ({dataset.name})", unit="q", file=sys.stderr, disable=not progress, leave=False)
    given: list[tuple[dict, str, str]] = []

    def ask(question: str) -> dict:
        answer = answerer.answer(question)
        given.append((answer.to_json(), answer.composer, answer.fallback_reason))
        return given[-1][0]

    results = kb_eval.run(ask, bar)
    metrics = kb_eval.metrics(results)
    if settings.llm_backend != "extractive":
        metrics.update(llm_eval.summary(given))
    return {"metrics": metrics, "failures": kb_eval.failures(results)}
