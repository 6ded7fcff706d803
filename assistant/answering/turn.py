"""One client question as the composers see it: what was asked, what to retrieve, by when."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from assistant.answering.language import Language


@dataclass(frozen=True)
class Turn:
    question: str  # as the client wrote it (trimmed)
    query: str  # the retrieval query, rewritten from the recent turns for follow-ups
    lang: Language
    history: list[str] = field(default_factory=list)  # the client's earlier messages, newest last
    deadline: float = field(default_factory=lambda: time.monotonic() + 8.0)  # time.monotonic() clock
    # The extractive composition already made for this very query (routing makes one): a model's
    # composer starts from its passages instead of retrieving a second time.
    prepared: Any = None

    def remaining(self) -> float:
        return self.deadline - time.monotonic()
