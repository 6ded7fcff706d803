"""First-stage retrievers: each turns a ``Query`` into a ``Ranking`` of candidate chunks."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from knowledge_base.dense import Embedder
from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.retrieval.types import Query, Ranking

CANDIDATES = 50


@runtime_checkable
class Retriever(Protocol):
    """Anything that proposes candidate chunks for a query, best first."""

    name: str

    def run(self, query: Query, k: int = CANDIDATES) -> Ranking: ...


class Bm25Retriever:
    """BM25 over jieba tokens; the glossary's concepts count twice as much as repeating a word would."""

    name = "bm25"

    def __init__(self, kb: KnowledgeBaseIndex) -> None:
        self.kb = kb

    def scores(self, query: Query) -> np.ndarray:
        tokens = query.tokens
        return self.kb.bm25_scores(tokens + tokens, query.mask)

    def run(self, query: Query, k: int = CANDIDATES) -> Ranking:
        scores = self.scores(query)
        ids = top_ids(scores, k)
        return Ranking(self.name, ids, {i: float(scores[i]) for i in ids})


class DenseRetriever:
    """Inner product of sentence embeddings in the knowledge base's FAISS index."""

    name = "dense"

    def __init__(self, kb: KnowledgeBaseIndex, embedder: Embedder) -> None:
        assert kb.dense is not None, "a dense retriever needs a knowledge base built with vectors"
        self.kb = kb
        self.embedder = embedder

    def run(self, query: Query, k: int = CANDIDATES) -> Ranking:
        assert self.kb.dense is not None
        vector = self.embedder.encode([query.text])[0]
        mask = query.mask
        scores, ids = self.kb.dense.search(vector, k if mask is None else len(self.kb.chunks))
        pairs = [(int(i), float(s)) for i, s in zip(ids, scores, strict=True)
                 if i >= 0 and (mask is None or mask[i] > 0)][:k]
        return Ranking(self.name, [i for i, _ in pairs], dict(pairs))


def top_ids(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` highest positive scores, best first."""
    if len(scores) == 0:
        return []
    k = min(k, len(scores))
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[scores[idx] > 0]
    return [int(i) for i in idx[np.argsort(-scores[idx], kind="stable")]]
