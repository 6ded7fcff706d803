"""Calling a chat model within a deadline, whole or token by token.

The call runs in a daemon thread and the caller waits on a queue with a timeout, so a stalled
endpoint (or a local model that is still generating) cannot hold the client's turn past its
deadline, whatever the model client's own timeout does. The abandoned thread ends when the HTTP
client times out (``SME_LLM_TIMEOUT_S``) or generation finishes; being a daemon it never keeps
the process alive.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage


class LlmTimeout(Exception):
    """The model did not answer (or finish) before the turn's deadline."""


def _text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks: keep the text ones
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content if b)
    return ""


def invoke_within(model: BaseChatModel, messages: Sequence[BaseMessage], deadline: float) -> str:
    """The model's whole reply, or ``LlmTimeout`` at ``deadline`` (``time.monotonic()`` clock)."""
    box: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=1)

    def work() -> None:
        try:
            box.put((True, model.invoke(list(messages))))
        except BaseException as exc:  # handed to the caller, which decides
            box.put((False, exc))

    threading.Thread(target=work, name="llm-invoke", daemon=True).start()
    try:
        ok, value = box.get(timeout=max(deadline - time.monotonic(), 0.0))
    except queue.Empty:
        raise LlmTimeout("no reply before the deadline") from None
    if not ok:
        raise value  # type: ignore[misc]
    return _text(getattr(value, "content", None))


def stream_within(model: BaseChatModel, messages: Sequence[BaseMessage], deadline: float) -> Iterator[str]:
    """Text pieces as the model produces them; ``LlmTimeout`` if it has not finished by ``deadline``."""
    pieces: queue.Queue[tuple[str, object]] = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            for chunk in model.stream(list(messages)):
                if stop.is_set():
                    return  # nobody is listening any more
                pieces.put(("piece", _text(chunk.content)))
            pieces.put(("end", None))
        except BaseException as exc:
            pieces.put(("error", exc))

    threading.Thread(target=work, name="llm-stream", daemon=True).start()
    try:
        while True:
            try:
                kind, value = pieces.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                raise LlmTimeout("the reply did not finish before the deadline") from None
            if kind == "end":
                return
            if kind == "error":
                raise value  # type: ignore[misc]
            if value:
                yield value  # type: ignore[misc]
    finally:
        stop.set()
