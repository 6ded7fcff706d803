"""Query analysis: the question's content words and the glossary concepts it names."""

from __future__ import annotations

import numpy as np

from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.retrieval.types import Query


class QueryAnalyzer:
    def __init__(self, kb: KnowledgeBaseIndex) -> None:
        self.kb = kb

    def run(self, text: str, sources: set[str] | None = None) -> Query:
        kb = self.kb
        concepts = kb.glossary.matches(text)
        # Words the glossary explained are replaced by its concepts; the rest stay as they are.
        residual = text.lower()
        for m in sorted(concepts, key=lambda m: -m.start):
            residual = residual[: m.start] + " " + residual[m.end :]
        words = kb.tokenizer.tokens(residual)
        concept_tokens = {m.concept: kb.tokenizer.tokens(m.concept) for m in concepts}
        mask = None
        if sources:
            mask = np.array([1.0 if c.source in sources else 0.0 for c in kb.chunks], dtype="float32")
        return Query(text, words, concepts, concept_tokens, mask)
