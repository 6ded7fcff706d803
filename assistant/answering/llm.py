"""The LLM composer: a LangChain chat model phrases the answer; code decides what may reach a client.

The extractive answer is computed first (milliseconds, no model). It decides whether the question
is answerable at all and which passages the model sees, and it is the reply whenever the model
fails: endpoint down, timeout, an HTTP error, malformed output, or a reply that does not pass
``checks.check_reply``. So the turn never fails and never waits past its deadline, and a figure
only reaches a client when a cited passage contains it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from assistant.answering.checks import check_reply
from assistant.answering.extractive import _TERMS_RE, Composition, ExtractiveComposer, sources_line
from assistant.answering.language import Language
from assistant.answering.messages import Messages
from assistant.answering.prompt import Passage, build_messages, passages_for
from assistant.answering.streaming import LlmTimeout, invoke_within, stream_within
from assistant.answering.turn import Turn
from assistant.errors import ConfigError
from assistant.settings import Settings
from knowledge_base.retrieval import RetrievalPipeline

log = logging.getLogger(__name__)
# Time kept back from the deadline for the checks and the reply itself.
CHECK_RESERVE_S = 0.02


@dataclass
class LlmComposition(Composition):
    composer: str = "extractive"  # which composer wrote the text the client gets
    fallback_reason: str = ""  # why the model's reply was not used
    fallback_detail: str = ""
    unsupported: list[str] = field(default_factory=list)  # figures the model stated without a source


class LlmComposer:
    def __init__(self, model: BaseChatModel, extractive: ExtractiveComposer, messages: Messages,
                 timeout_s: float) -> None:
        self.model = model
        self.extractive = extractive
        self.messages = messages
        self.timeout_s = timeout_s
        self.outcomes: Counter[str] = Counter()  # llm, fallback:<reason>, refused, extractive_only
        self._lock = threading.Lock()

    # The extractive composer's knowledge-base helpers, so follow-up rewriting works the same.
    @property
    def retriever(self) -> RetrievalPipeline:
        return self.extractive.retriever

    def products_in(self, text: str) -> list[str]:
        return self.extractive.products_in(text)

    def compose(self, question: str, lang: Language, history: list[str] | None = None) -> Composition:
        return self.compose_turn(Turn(question, question, lang, list(history or [])))

    def compose_turn(self, turn: Turn) -> LlmComposition:
        result: LlmComposition | None = None
        for item in self._run(turn, stream=False):
            if isinstance(item, LlmComposition):
                result = item
        assert result is not None
        return result

    def stream_turn(self, turn: Turn) -> Iterator[str | LlmComposition]:
        """Text pieces as the model writes them, then the checked composition (always last)."""
        yield from self._run(turn, stream=True)

    def _run(self, turn: Turn, stream: bool) -> Iterator[str | LlmComposition]:
        fallback = turn.prepared or self.extractive.compose(turn.question, turn.lang, turn.history)
        if not fallback.grounded:
            self._count("extractive_only")
            yield _as_llm(fallback)
            return
        passages, removed = passages_for(fallback.hits)
        if removed:
            log.warning("removed %d instruction-like sentence(s) from the passages given to the model", removed)
        messages = build_messages(turn.question, passages, turn.history, self.messages.bank_name)
        deadline = min(time.monotonic() + self.timeout_s, turn.deadline) - CHECK_RESERVE_S
        pieces: list[str] = []
        try:
            if stream:
                for piece in stream_within(self.model, messages, deadline):
                    pieces.append(piece)
                    yield piece
            else:
                pieces.append(invoke_within(self.model, messages, deadline))
        except Exception as exc:  # every model failure ends in the extractive answer
            reason = _failure_reason(exc)
            yield self._fall_back(fallback, reason, f"{type(exc).__name__}: {str(exc)[:200]}")
            return
        yield self._finish("".join(pieces), passages, fallback, turn)

    def _finish(self, reply: str, passages: list[Passage], fallback: Composition, turn: Turn) -> LlmComposition:
        verdict = check_reply(reply, passages)
        if verdict.reason == "refused":
            # The model read the passages and found no answer: say so rather than quote a near miss.
            self._count("refused")
            return LlmComposition(self.messages.out_of_scope(turn.lang), False, [], "llm_refused",
                                  composer="llm")
        if not verdict.ok:
            return self._fall_back(fallback, verdict.reason, verdict.detail, verdict.unsupported)
        self._count("llm")
        body = reply.strip()
        by_number = {p.number: p for p in passages}
        cited = sorted(verdict.cited)
        text = body + "\n" + sources_line([by_number[n].hit for n in cited], turn.lang, cited)
        if _TERMS_RE.search(turn.question) or _TERMS_RE.search(body):
            text += "\n" + self.messages.compliance(turn.lang)
        return LlmComposition(text, True, [p.hit for p in passages], composer="llm")

    def _fall_back(self, fallback: Composition, reason: str, detail: str,
                   unsupported: list[str] | None = None) -> LlmComposition:
        self._count(f"fallback:{reason}")
        log.warning("LLM reply not used, extractive answer instead: %s (%s)", reason, detail)
        result = _as_llm(fallback)
        result.fallback_reason, result.fallback_detail = reason, detail
        result.unsupported = list(unsupported or [])
        return result

    def _count(self, outcome: str) -> None:
        with self._lock:
            self.outcomes[outcome] += 1


def _as_llm(c: Composition) -> LlmComposition:
    return LlmComposition(c.text, c.grounded, c.hits, c.reason)


def _failure_reason(exc: Exception) -> str:
    """timeout, unreachable, http_<status> or malformed — without importing each client's errors."""
    name = type(exc).__name__.lower()
    if isinstance(exc, LlmTimeout | TimeoutError) or "timeout" in name:
        return "timeout"
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return f"http_{status}"
    if "connect" in name:
        return "unreachable"
    return "malformed"


def chat_model_from_settings(settings: Settings) -> BaseChatModel:
    """The configured chat model; a missing setting or model is a ConfigError naming the setting."""
    if settings.llm_backend == "openai":
        return _openai_model(settings)
    if settings.llm_backend == "transformers":
        return _transformers_model(settings)
    raise ConfigError(f"SME_LLM_BACKEND: {settings.llm_backend!r} has no chat model (use openai or transformers)")


def _openai_model(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    if not settings.llm_base_url:
        raise ConfigError("SME_LLM_BASE_URL: set it to the OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    if not settings.llm_model:
        raise ConfigError("SME_LLM_MODEL: set it to the model name the endpoint serves, e.g. Qwen2.5-7B-Instruct")
    # No retries: a retry would spend the turn's deadline; the extractive answer is the retry.
    return ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url,
                      api_key=settings.llm_api_key or "not-needed", timeout=settings.llm_timeout_s,
                      max_retries=0, temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens)


def _transformers_model(settings: Settings) -> BaseChatModel:
    path = Path(settings.llm_model or "").expanduser()
    if not settings.llm_model or not (path / "config.json").is_file():
        raise ConfigError(f"SME_LLM_MODEL: {settings.llm_model!r} is not a local transformers model directory "
                          "(with config.json and a tokenizer), e.g. a copy of Qwen2.5-1.5B-Instruct")
    from langchain_huggingface import ChatHuggingFace, HuggingFacePipeline
    from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline

    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
    generate = {"max_new_tokens": settings.llm_max_tokens, "do_sample": False, "return_full_text": False}
    llm = HuggingFacePipeline(pipeline=pipeline("text-generation", model=model, tokenizer=tokenizer, **generate),
                              model_id=str(path), pipeline_kwargs=generate)
    return ChatHuggingFace(llm=llm, tokenizer=tokenizer, model_id=str(path))
