"""What retrieval components pass to each other: the analysed query, candidates, hits."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from knowledge_base.chunking import Chunk
from knowledge_base.glossary import ConceptMatch


@dataclass
class Query:
    """A question as the components see it: its words, the glossary concepts it names, a filter."""

    text: str
    words: list[str]  # content words left once the glossary's phrases are taken out
    concepts: list[ConceptMatch]
    concept_tokens: dict[str, list[str]]
    mask: np.ndarray | None = None  # 1.0 for chunks of the allowed sources, None for all

    @property
    def tokens(self) -> list[str]:
        return self.words + [t for toks in self.concept_tokens.values() for t in toks]

    @property
    def english(self) -> bool:
        return self.text.isascii()

    @property
    def products(self) -> set[str]:
        return {m.concept for m in self.concepts if m.kind == "product"}

    @property
    def terms(self) -> list[str]:
        return [m.concept for m in self.concepts if m.kind == "term"]


@dataclass
class Ranking:
    """One retriever's candidates, best first, with its own scores (not comparable across retrievers)."""

    name: str
    ids: list[int]
    scores: dict[int, float] = field(default_factory=dict)


@dataclass
class Fused:
    """Candidates after fusion, best first; ``lexical`` is each one's 0..1-ish strength for rescoring."""

    ids: list[int]
    score: dict[int, float]
    lexical: dict[int, float]


@dataclass
class Hit:
    chunk: Chunk
    score: float  # final ranking score (rescored fusion, or the cross-encoder's score)
    relevance: float  # 0..1, comparable across questions: compared with the refusal threshold
    bm25: float = 0.0
    match: float = 0.0  # share of the question's words and concepts the passage contains
    dense: float | None = None
    index: int = -1  # position of the chunk in its knowledge base

    def to_citation(self) -> dict:
        return {"source": self.chunk.source, "title": self.chunk.title, "section": self.chunk.section,
                "page": self.chunk.page, "text": self.chunk.text, "score": round(self.relevance, 4)}


@dataclass
class RetrievalResult:
    query: str
    tokens: list[str]
    hits: list[Hit] = field(default_factory=list)

    @property
    def relevance(self) -> float:
        return self.hits[0].relevance if self.hits else 0.0
