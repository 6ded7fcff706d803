"""Hybrid retrieval: BM25 over jieba tokens, dense vectors when configured, RRF, optional rerank.

The result carries a calibrated ``relevance`` in 0..1 for the best passage: the IDF-weighted
share of the question's content words (or their glossary synonyms) that the passage contains.
Words the knowledge base never uses count at full weight, so a question about the weather or
stocks scores near 0 however well its function words match. With a reranker, its sigmoid score
is used instead. The answer layer compares it with ``SME_RELEVANCE_THRESHOLD``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from knowledge_base.chunking import Chunk
from knowledge_base.dense import Embedder, Reranker
from knowledge_base.glossary import ConceptMatch
from knowledge_base.index import KnowledgeBaseIndex

RRF_K = 60
CANDIDATES = 50
DOC_PRIOR = 0.3


@dataclass
class Hit:
    chunk: Chunk
    score: float  # fused ranking score (RRF, or rerank score)
    relevance: float  # 0..1, comparable across questions: compared with the refusal threshold
    bm25: float = 0.0
    match: float = 0.0  # share of the question's words and concepts the passage contains
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
        concepts = kb.glossary.matches(query)
        # Words the glossary explained are replaced by its concepts; the rest stay as they are.
        residual = query.lower()
        for m in sorted(concepts, key=lambda m: -m.start):
            residual = residual[: m.start] + " " + residual[m.end :]
        words = kb.tokenizer.tokens(residual)
        concept_tokens = {m.concept: kb.tokenizer.tokens(m.concept) for m in concepts}
        tokens = words + [t for toks in concept_tokens.values() for t in toks]
        result = RetrievalResult(query=query, tokens=tokens)
        if not kb.chunks or not tokens:
            return result
        mask = self._mask(sources)
        bm25 = kb.bm25_scores(tokens + tokens, mask)
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
        candidates = sorted(fused, key=lambda i: (-fused[i], -bm25[i]))[: max(top_k, 30)]
        english = query.isascii()
        hits = []
        index_of: dict[int, int] = {}
        for i in candidates:
            if bm25[i] > 0 or i in dense_scores:
                match, relevance = self.coverage(words, concepts, concept_tokens, i, english)
                hits.append(Hit(chunk=kb.chunks[i], score=fused[i], relevance=relevance, bm25=float(bm25[i]),
                                dense=dense_scores.get(i), match=match))
                index_of[id(hits[-1])] = i
        if self.reranker is not None and hits:
            scores = self.reranker.scores(query, [h.chunk.index_text() for h in hits])
            for hit, s in zip(hits, scores, strict=True):
                hit.score = float(s)
                hit.relevance = 1.0 / (1.0 + math.exp(-float(s)))
            hits.sort(key=lambda h: -h.score)
        elif hits:
            # BM25 favours repeating one question word; weigh in how much of the question the
            # passage covers, and whether it is the product and the section the question is about.
            top = max(h.bm25 for h in hits) or 1.0
            products = {m.concept for m in concepts if m.kind == "product"}
            # Which document the whole question points to (a client describing their situation
            # names no product, but its words gather in that product's document).
            doc_prior = kb.doc_scores(tokens) if not products else None
            terms = [m.concept for m in concepts if m.kind == "term"]
            for hit in hits:
                structure = 0.0
                if products and hit.chunk.title in products:
                    structure += 0.4
                if hit.chunk.section and any(_names_section(t, hit.chunk.section) for t in terms):
                    structure += 0.3
                if hit.chunk.question:
                    # A FAQ whose question is worded like the client's is the answer they want.
                    structure += 0.8 * _dice(query, hit.chunk.question)
                if doc_prior is not None:
                    structure += DOC_PRIOR * float(doc_prior[index_of[id(hit)]])
                lexical = hit.bm25 / top if self.embedder is None else hit.score * RRF_K
                hit.score = lexical * (0.5 + 0.5 * hit.match) + structure
            hits.sort(key=lambda h: -h.score)
        result.hits = hits[:top_k]
        return result

    def coverage(self, words: list[str], concepts: list[ConceptMatch], concept_tokens: dict[str, list[str]],
                 i: int, english: bool = False) -> tuple[float, float]:
        """(match, relevance) of chunk ``i``: IDF-weighted share of the question's words and
        glossary concepts it contains, and the same leaning on the concepts (for refusal)."""
        kb = self.kb
        chunk = kb.chunks[i]
        present = kb.token_set(i)
        unknown = kb.unknown_idf()
        word_total = word_covered = concept_total = concept_covered = 0.0
        for word in dict.fromkeys(words):
            weight = kb.idf.get(word, unknown)
            if len(word) == 1:
                weight *= 0.5  # often a fragment jieba could not join
            if english and word.isascii() and word not in kb.idf:
                weight *= 0.25  # an English word cannot match a Chinese handbook; the concepts carry it
            word_total += weight
            word_covered += weight if word in present else 0.0
        for m in concepts:
            toks = concept_tokens.get(m.concept) or []
            weight = max((kb.idf.get(t, unknown) for t in toks), default=unknown)
            concept_total += weight
            if m.kind == "product":
                hit = chunk.title == m.concept or m.concept in chunk.text or m.concept in (chunk.question or "")
            else:
                hit = m.concept in chunk.section or (bool(toks) and all(t in present for t in toks))
            concept_covered += weight if hit else 0.0
        if english and not concepts:
            return 0.0, 0.0
        total = word_total + concept_total
        share = (word_covered + concept_covered) / total if total else 0.0
        relevance = share
        if concept_total:
            # The glossary recognised what the client asks about: how well the passage covers those
            # concepts is the stronger evidence; colloquial filler words should not sink it.
            relevance = max(share, 0.8 * concept_covered / concept_total)
        return share, relevance

    def _mask(self, sources: set[str] | None) -> np.ndarray | None:
        if not sources:
            return None
        return np.array([1.0 if c.source in sources else 0.0 for c in self.kb.chunks], dtype="float32")


def _names_section(concept: str, section: str) -> bool:
    """Whether a glossary concept is what a section is about: 时效 names 办理流程与时效, but the
    generic 贷款 does not name 贷款期限."""
    return section.endswith(concept) or (len(concept) >= 3 and concept in section)


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in text.lower() if ch.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


def _dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


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
