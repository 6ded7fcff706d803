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
from knowledge_base.bundled import DEMO_HANDBOOK
from knowledge_base.ingest import ingest
from knowledge_base.store import KnowledgeBaseStore

NO_GLOSSARY_SUFFIX = "-noglossary"


def ensure_demo(settings: Settings, name: str) -> None:
    """The demo handbook is ingested when the default knowledge base is missing (a fresh clone)."""
    ensure_default_kb(settings, name)


def ensure_demo_without_glossary(settings: Settings, name: str) -> str:
    """The demo handbook ingested with no glossary at all, to measure what the glossary buys.

    A separate knowledge base (``<name>-noglossary``), rebuilt each time so that it follows the
    handbook; the glossary also shapes tokenisation at ingest, so stripping it at load would not do.
    """
    if name != settings.default_kb:
        raise ValueError("--no-glossary is measured on the demo knowledge base only")
    store = KnowledgeBaseStore(settings.kb_dir)
    bare = name + NO_GLOSSARY_SUFFIX
    ingest(store, bare, [DEMO_HANDBOOK], glossary_path=None, rebuild=True)
    return bare


def evaluate(settings: Settings, dataset: Path, kb: str | None = None, progress: bool = True,
             glossary: bool = True) -> dict[str, Any]:
    """Answer every question of ``dataset``; returns ``{"metrics", "failures"}``.

    ``glossary=False`` answers from the demo handbook ingested without its glossary."""
    name = kb or settings.default_kb
    ensure_demo(settings, name)
    if not glossary:
        name = ensure_demo_without_glossary(settings, name)
    answerer = build_answerer(settings, name)
    items = kb_eval.load_dataset(dataset)
    bar = tqdm(items, desc=f"eval kb ({dataset.name})", unit="q", file=sys.stderr, disable=not progress, leave=False)
    given: list[tuple[dict, str, str]] = []

    def ask(question: str, history: list[str] | None = None) -> dict:
        answer = answerer.answer(question, history)
        given.append((answer.to_json(), answer.composer, answer.fallback_reason))
        return given[-1][0]

    results = kb_eval.run(ask, bar)
    metrics = kb_eval.metrics(results)
    if settings.llm_backend != "extractive":
        metrics.update(llm_eval.summary(given))
    return {"metrics": metrics, "failures": kb_eval.failures(results)}
