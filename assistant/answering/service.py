"""Answering one question: guard → retrieve → compose → a cited ``Answer``.

``build_answerer`` assembles the pipeline from settings once at start-up; callers (CLI, dialogue
manager, HTTP) keep the object and call ``answer`` per question.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answering.extractive import Composition, ExtractiveComposer, Messages
from assistant.answering.guard import classify_scope
from assistant.answering.language import Language, detect_language
from assistant.settings import Settings
from knowledge_base.dense import Embedder, Reranker
from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.retrieval import Retriever
from knowledge_base.store import KnowledgeBaseStore

MAX_QUESTION_CHARS = 2000


class Composer(Protocol):
    def compose(self, question: str, lang: Language) -> Composition: ...


@dataclass
class Answer:
    question: str
    answer: str
    grounded: bool
    citations: list[dict] = field(default_factory=list)
    latency_ms: float = 0.0
    language: Language = "zh"
    reason: str = ""

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "grounded": self.grounded,
            "citations": self.citations,
            "latency_ms": round(self.latency_ms, 1),
        }


class QuestionAnswerer:
    def __init__(self, composer: Composer, messages: Messages) -> None:
        self.composer = composer
        self.messages = messages

    def answer(self, question: str, history: list[str] | None = None) -> Answer:
        """Answer one question; ``history`` is the client's earlier messages, newest last."""
        started = time.perf_counter()
        question = question.strip()
        lang = detect_language(question)
        scope = classify_scope(question[:MAX_QUESTION_CHARS])
        if scope is not None:
            text = {
                "injection": self.messages.refused_instruction,
                "greeting": self.messages.greeting,
                "thanks": self.messages.thanks,
                "chitchat": self.messages.out_of_scope,
            }[scope](lang)
            composition = Composition(text, False, [], scope)
        elif not question:
            composition = Composition(self.messages.out_of_scope(lang), False, [], "empty")
        else:
            # Overlong messages are answered from their beginning; the rest is usually pasted noise.
            query = self.with_context(question[:MAX_QUESTION_CHARS], history or [])
            composition = self.composer.compose(query, lang)
        citations = [h.to_citation() for h in composition.hits] if composition.grounded else []
        return Answer(
            question=question,
            answer=composition.text,
            grounded=composition.grounded,
            citations=citations,
            latency_ms=(time.perf_counter() - started) * 1000,
            language=lang,
            reason=composition.reason,
        )


    def with_context(self, question: str, history: list[str]) -> str:
        """A follow-up (那利率呢？) names no product: carry the one the client was asking about."""
        products_in = getattr(self.composer, "products_in", None)
        if products_in is None or products_in(question):
            return question
        for earlier in reversed(history[-4:]):
            named = products_in(earlier)
            if named:
                return " ".join(named) + " " + question
        return question


def build_answerer(settings: Settings, kb_name: str | None = None) -> QuestionAnswerer:
    """Load the knowledge base and the configured models; raise a clear error if one is missing."""
    store = KnowledgeBaseStore(settings.kb_dir)
    embedder = Embedder(settings.embedding_model) if settings.embedding_model else None
    reranker = Reranker(settings.reranker_model) if settings.reranker_model else None
    kb = KnowledgeBaseIndex.load(store.current_dir(kb_name or settings.default_kb), embedder)
    messages = Messages(bank_name=settings.bank_name, hotline=settings.service_hotline)
    retriever = Retriever(kb, embedder, reranker)
    composer = ExtractiveComposer(retriever, messages, settings.relevance_threshold, settings.retrieval_top_k)
    return QuestionAnswerer(composer, messages)
