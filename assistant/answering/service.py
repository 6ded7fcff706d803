"""Answering one question: guard → rewrite the query → retrieve → compose → a cited ``Answer``.

``build_answerer`` assembles the pipeline from settings once at start-up (the composer chosen by
``SME_LLM_BACKEND``); callers (CLI, dialogue manager, HTTP) keep the object and call ``answer``
per question, or ``stream`` to show the reply as it is written (see ``StreamEvent``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from assistant.answering.extractive import Composition, ExtractiveComposer
from assistant.answering.guard import classify_scope
from assistant.answering.language import Language, detect_language
from assistant.answering.messages import Messages
from assistant.answering.rewrite import rewrite_query
from assistant.answering.turn import Turn
from assistant.settings import Settings
from knowledge_base.dense import Embedder, Reranker
from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.retrieval import build_pipeline
from knowledge_base.store import KnowledgeBaseStore

MAX_QUESTION_CHARS = 2000


class Composer(Protocol):
    def compose(self, question: str, lang: Language, history: list[str] | None = None) -> Composition: ...


@runtime_checkable
class TurnComposer(Protocol):
    """A composer that needs the whole turn (history, deadline) and can stream: the LLM composer."""

    def compose_turn(self, turn: Turn) -> Composition: ...

    def stream_turn(self, turn: Turn) -> Iterator[str | Composition]: ...


@dataclass
class Answer:
    question: str
    answer: str
    grounded: bool
    citations: list[dict] = field(default_factory=list)
    latency_ms: float = 0.0
    language: Language = "zh"
    reason: str = ""
    composer: str = "extractive"  # "llm" when the model's checked reply is the answer
    fallback_reason: str = ""  # why the model's reply was replaced by the extractive answer
    # The extractive composition behind an extractive answer: handed back as ``prepared`` so a
    # model-written answer to the same question does not retrieve again. Not part of the JSON.
    composition: Composition | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "grounded": self.grounded,
            "citations": self.citations,
            "latency_ms": round(self.latency_ms, 1),
        }


@dataclass
class StreamEvent:
    """One event of a streamed answer.

    ``delta`` events carry provisional text to show as it arrives; exactly one ``final`` event
    ends the stream with the checked ``Answer``. Its text is complete and replaces whatever was
    shown; ``retracted`` is True when the streamed text was withdrawn (the model's reply failed a
    check or the model failed, and the extractive answer is given instead).
    """

    kind: Literal["delta", "final"]
    text: str = ""
    answer: Answer | None = None
    retracted: bool = False

    def to_json(self) -> dict:
        if self.kind == "delta":
            return {"text": self.text}
        assert self.answer is not None
        return {**self.answer.to_json(), "retracted": self.retracted}


class QuestionAnswerer:
    def __init__(self, composer: Composer, messages: Messages, turn_deadline_s: float = 8.0) -> None:
        self.composer = composer
        self.messages = messages
        self.turn_deadline_s = turn_deadline_s

    @property
    def streams(self) -> bool:
        """Whether answers are written by a model, so streaming them is worth it."""
        return isinstance(self.composer, TurnComposer)

    def answer(self, question: str, history: list[str] | None = None, *, use_llm: bool = True,
               prepared: Answer | None = None) -> Answer:
        """Answer one question; ``history`` is the client's earlier messages, newest last.

        ``use_llm=False`` gives the extractive answer even when a model is configured: routing
        needs to know whether the documents answer a message, not a model's phrasing of it.
        """
        started = time.perf_counter()
        turn, early = self._prepare(question, history, prepared)
        extractive = getattr(self.composer, "extractive", None)
        if early is not None:
            composition = early
        elif not use_llm and extractive is not None:
            composition = extractive.compose(turn.question, turn.lang, turn.history)
        elif isinstance(self.composer, TurnComposer):
            composition = self.composer.compose_turn(turn)
        else:
            composition = self.composer.compose(turn.question, turn.lang, turn.history)
        return self._answer(turn, composition, started)

    def stream(self, question: str, history: list[str] | None = None,
               prepared: Answer | None = None) -> Iterator[StreamEvent]:
        """The answer as it is written: ``delta`` events, then one ``final`` event (always).

        ``prepared``: the extractive answer to the same question and history, when routing made one.
        """
        started = time.perf_counter()
        turn, early = self._prepare(question, history, prepared)
        if early is not None or not isinstance(self.composer, TurnComposer):
            composition = early or self.composer.compose(turn.question, turn.lang, turn.history)
            yield StreamEvent("final", answer=self._answer(turn, composition, started))
            return
        shown: list[str] = []
        final: Composition | None = None
        for item in self.composer.stream_turn(turn):
            if isinstance(item, str):
                shown.append(item)
                yield StreamEvent("delta", text=item)
            else:
                final = item
        assert final is not None, "a streaming composer ends with its composition"
        answer = self._answer(turn, final, started)
        yield StreamEvent("final", answer=answer,
                          retracted=bool(shown) and not answer.answer.startswith("".join(shown).strip()))

    def _prepare(self, question: str, history: list[str] | None,
                 prepared: Answer | None = None) -> tuple[Turn, Composition | None]:
        """The turn to compose, or the reply already decided (guard, empty question)."""
        deadline = time.monotonic() + self.turn_deadline_s
        question = question.strip()
        lang = detect_language(question)
        scope = classify_scope(question[:MAX_QUESTION_CHARS])
        turn = Turn(question, question, lang, list(history or []), deadline)
        if scope is not None:
            text = {
                "injection": self.messages.refused_instruction,
                "fraud": self.messages.fraud_warning,
                "greeting": self.messages.greeting,
                "thanks": self.messages.thanks,
                "chitchat": self.messages.out_of_scope,
            }[scope](lang)
            return turn, Composition(text, False, [], scope)
        if not question:
            return turn, Composition(self.messages.out_of_scope(lang), False, [], "empty")
        # Overlong messages are answered from their beginning; the rest is usually pasted noise.
        head = question[:MAX_QUESTION_CHARS]
        reuse = prepared.composition if prepared is not None and prepared.composer == "extractive" else None
        return Turn(head, self.with_context(head, turn.history), lang, turn.history, deadline, reuse), None

    def _answer(self, turn: Turn, composition: Composition, started: float) -> Answer:
        citations = [h.to_citation() for h in composition.hits] if composition.grounded else []
        return Answer(
            question=turn.question,
            answer=composition.text,
            grounded=composition.grounded,
            citations=citations,
            latency_ms=(time.perf_counter() - started) * 1000,
            language=turn.lang,
            reason=composition.reason,
            composer=getattr(composition, "composer", "extractive"),
            fallback_reason=getattr(composition, "fallback_reason", ""),
            composition=composition,
        )

    def with_context(self, question: str, history: list[str]) -> str:
        """A follow-up (那利率呢？, 科技贷呢？) is completed from the client's recent messages."""
        retriever = getattr(self.composer, "retriever", None)
        if retriever is None or not history:
            return question
        return rewrite_query(question, history, retriever.kb.glossary)


def build_answerer(settings: Settings, kb_name: str | None = None) -> QuestionAnswerer:
    """Load the knowledge base and the configured models; raise a clear error if one is missing."""
    store = KnowledgeBaseStore(settings.kb_dir)
    embedder = Embedder(settings.embedding_model) if settings.embedding_model else None
    reranker = Reranker(settings.reranker_model) if settings.reranker_model else None
    kb = KnowledgeBaseIndex.load(store.current_dir(kb_name or settings.default_kb), embedder)
    messages = Messages(bank_name=settings.bank_name, hotline=settings.service_hotline,
                        bank_name_en=settings.bank_name_en)
    retriever = build_pipeline(kb, embedder, reranker)
    extractive = ExtractiveComposer(retriever, messages, settings.relevance_threshold, settings.retrieval_top_k)
    composer: Composer = extractive
    if settings.llm_backend != "extractive":
        from assistant.answering.llm import LlmComposer, chat_model_from_settings

        composer = LlmComposer(chat_model_from_settings(settings), extractive, messages, settings.llm_timeout_s)
    return QuestionAnswerer(composer, messages, settings.turn_deadline_s)
