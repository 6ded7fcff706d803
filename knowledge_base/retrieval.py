"""Hybrid retrieval: BM25 over jieba tokens, dense vectors when configured, RRF, optional rerank.

The result carries a calibrated ``relevance`` in 0..1 for the best passage: the IDF-weighted
share of the question's content words (or their glossary synonyms) that the passage contains.
Words the knowledge base never uses count at full weight, so a question about the weather or
stocks scores near 0 however well its function words match. With a reranker, its sigmoid score
is used instead. The answer layer compares it with ``SME_RELEVANCE_THRESHOLD``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from knowledge_base.chunking import Chunk
from knowledge_base.dense import Embedder, Reranker
from knowledge_base.index import KnowledgeBaseIndex

RRF_K = 60
CANDIDATES = 50


@dataclass
class Hit:
    chunk: Chunk
    score: float  # fused ranking score (RRF, or rerank score)
    relevance: float  # 0..1, comparable across questions
    bm25: float = 0.0
    dense: float | None = None

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


class Retriever:
    """Finds the passages that answer a question in one knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBaseIndex,
        embedder: Embedder | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.kb = kb
        self.embedder = embedder if kb.dense is not None else None
        self.reranker = reranker

    def run(self, query: str, top_k: int = 5, sources: set[str] | None = None) -> RetrievalResult:
        kb = self.kb
        tokens = kb.tokenizer.tokens(query)
        expansion_tokens = [t for term in kb.glossary.expansions(query) for t in kb.tokenizer.tokens(term)]
        result = RetrievalResult(query=query, tokens=tokens)
        if not kb.chunks or not (tokens or expansion_tokens):
            return result
        mask = self._mask(sources)
        # The client's own words count twice; glossary expansions once.
        bm25 = kb.bm25_scores(tokens + tokens + expansion_tokens, mask)
        rankings = [_top(bm25, CANDIDATES)]
        dense_scores: dict[int, float] = {}
        if self.embedder is not None and kb.dense is not None:
            vector = self.embedder.encode([query])[0]
            scores, ids = kb.dense.search(vector, CANDIDATES if mask is None else len(kb.chunks))
            pairs = [(int(i), float(s)) for i, s in zip(ids, scores, strict=True)
                     if i >= 0 and (mask is None or mask[i] > 0)][:CANDIDATES]
            dense_scores = dict(pairs)
            rankings.append([i for i, _ in pairs])
        fused = _rrf(rankings)
        candidates = sorted(fused, key=lambda i: (-fused[i], -bm25[i]))[: max(top_k, 20)]
        hits = [
            Hit(chunk=kb.chunks[i], score=fused[i], relevance=self.coverage(tokens, expansion_tokens, i),
                bm25=float(bm25[i]), dense=dense_scores.get(i))
            for i in candidates
            if bm25[i] > 0 or i in dense_scores
        ]
        if self.reranker is not None and hits:
            scores = self.reranker.scores(query, [h.chunk.index_text() for h in hits])
            for hit, s in zip(hits, scores, strict=True):
                hit.score = float(s)
                hit.relevance = 1.0 / (1.0 + math.exp(-float(s)))
            hits.sort(key=lambda h: -h.score)
        elif self.embedder is None:
            # Lexical only: BM25 favours repeating one question word; weigh in how many of the
            # question's words the passage covers.
            hits.sort(key=lambda h: -h.bm25 * (0.5 + 0.5 * h.relevance))
        result.hits = hits[:top_k]
        return result

    def coverage(self, tokens: list[str], expansion_tokens: list[str], i: int) -> float:
        """IDF-weighted share of the question's words found in chunk ``i``."""
        kb = self.kb
        present = kb.token_set(i)
        unknown = kb.unknown_idf()
        words = dict.fromkeys(tokens)
        if not words:
            return 0.0
        total = covered = 0.0
        expansions_hit = any(t in present for t in expansion_tokens)
        for word in words:
            # Single characters are often fragments jieba could not join; count them half.
            weight = kb.idf.get(word, unknown) * (0.5 if len(word) == 1 else 1.0)
            total += weight
            if word in present:
                covered += weight
        share = covered / total if total else 0.0
        if expansions_hit and share < 1.0:
            # A synonym of the question's wording matched: credit half of what is missing.
            share += 0.5 * (1.0 - share) * _share_known(words, kb)
        return min(share, 1.0)

    def _mask(self, sources: set[str] | None) -> np.ndarray | None:
        if not sources:
            return None
        return np.array([1.0 if c.source in sources else 0.0 for c in self.kb.chunks], dtype="float32")


def _share_known(words: dict[str, None], kb: KnowledgeBaseIndex) -> float:
    known = sum(1 for w in words if w in kb.idf)
    return known / len(words) if words else 0.0


def _top(scores: np.ndarray, k: int) -> list[int]:
    if len(scores) == 0:
        return []
    k = min(k, len(scores))
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[scores[idx] > 0]
    return [int(i) for i in idx[np.argsort(-scores[idx], kind="stable")]]


def _rrf(rankings: list[list[int]]) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, i in enumerate(ranking):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused
