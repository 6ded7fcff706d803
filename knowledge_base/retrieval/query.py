"""Query analysis: the question's content words and the glossary concepts it names."""

from __future__ import annotations

import numpy as np

from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.retrieval.types import Query


class QueryAnalyzer:
    def __init__(self, kb: KnowledgeBaseIndex) -> None:
        self.kb = kb
        # Each chunk's source as a number, so a source filter is one vectorised lookup.
        self._source_ids: dict[str, int] = {}
        self._chunk_source = np.array([self._source_ids.setdefault(c.source, len(self._source_ids))
                                       for c in kb.chunks], dtype="int32")

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
            wanted = np.zeros(len(self._source_ids) + 1, dtype="float32")
            wanted[[self._source_ids[s] for s in sources if s in self._source_ids]] = 1.0
            mask = wanted[self._chunk_source] if len(self._chunk_source) else np.zeros(0, dtype="float32")
        return Query(text, words, concepts, concept_tokens, mask)
