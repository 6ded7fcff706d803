"""Second stage: how much of the question a candidate covers (relevance), and its final order.

``Coverage`` gives the calibrated ``relevance`` in 0..1 that the answer layer compares with
``SME_RELEVANCE_THRESHOLD``: the IDF-weighted share of the question's content words (or their
glossary concepts) that the passage contains. Words the knowledge base never uses count at full
weight, so a question about the weather scores near 0 however well its function words match.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Protocol

from knowledge_base.dense import Reranker
from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.retrieval.types import Hit, Query


class Coverage:
    def __init__(self, kb: KnowledgeBaseIndex) -> None:
        self.kb = kb

    def run(self, query: Query, i: int) -> tuple[float, float]:
        """(match, relevance) of chunk ``i``: IDF-weighted share of the question's words and
        glossary concepts it contains, and the same leaning on the concepts (for refusal)."""
        kb = self.kb
        chunk = kb.chunks[i]
        present = kb.token_set(i)
        unknown = kb.unknown_idf()
        english = query.english
        word_total = word_covered = concept_total = concept_covered = 0.0
        for word in dict.fromkeys(query.words):
            weight = kb.idf.get(word, unknown)
            if len(word) == 1:
                weight *= 0.5  # often a fragment jieba could not join
            if english and word.isascii() and word not in kb.idf:
                weight *= 0.25  # an English word cannot match a Chinese handbook; the concepts carry it
            word_total += weight
            word_covered += weight if word in present else 0.0
        for m in query.concepts:
            toks = query.concept_tokens.get(m.concept) or []
            weight = max((kb.idf.get(t, unknown) for t in toks), default=unknown)
            concept_total += weight
            if m.kind == "product":
                hit = chunk.title == m.concept or m.concept in chunk.text or m.concept in (chunk.question or "")
            else:
                hit = m.concept in chunk.section or (bool(toks) and all(t in present for t in toks))
            concept_covered += weight if hit else 0.0
        if english and not query.concepts:
            return 0.0, 0.0
        total = word_total + concept_total
        share = (word_covered + concept_covered) / total if total else 0.0
        relevance = share
        if concept_total:
            # The glossary recognised what the client asks about: how well the passage covers those
            # concepts is the stronger evidence; colloquial filler words should not sink it.
            relevance = max(share, 0.8 * concept_covered / concept_total)
        return share, relevance


class Rescorer(Protocol):
    def run(self, query: Query, hits: list[Hit], lexical: dict[int, float]) -> list[Hit]: ...


@dataclass(frozen=True)
class RescoreWeights:
    """How much each piece of structural evidence adds to a candidate's lexical strength."""

    product: float = 0.4  # the passage belongs to the product the question names
    section: float = 0.3  # its section heading is the concept the question asks about
    faq_question: float = 0.8  # times the bigram overlap of a FAQ's question with the client's
    doc_prior: float = 0.3  # no product named: how strongly the whole question points to its document
    match_floor: float = 0.5  # lexical × (floor + (1 - floor) × share of the question covered)


class StructureRescorer:
    """BM25 favours repeating one question word; weigh in how much of the question the passage
    covers, and whether it is the product and the section the question is about."""

    def __init__(self, kb: KnowledgeBaseIndex, weights: RescoreWeights | None = None) -> None:
        self.kb = kb
        self.weights = weights or RescoreWeights()

    def run(self, query: Query, hits: list[Hit], lexical: dict[int, float]) -> list[Hit]:
        w = self.weights
        products = query.products
        terms = query.terms
        # Which document the whole question points to (a client describing their situation
        # names no product, but its words gather in that product's document).
        doc_prior = self.kb.doc_scores(query.tokens) if not products else None
        for hit in hits:
            structure = 0.0
            if products and hit.chunk.title in products:
                structure += w.product
            if hit.chunk.section and any(names_section(t, hit.chunk.section) for t in terms):
                structure += w.section
            if hit.chunk.question:
                # A FAQ whose question is worded like the client's is the answer they want.
                structure += w.faq_question * dice(query.text, hit.chunk.question)
            if doc_prior is not None:
                structure += w.doc_prior * float(doc_prior[hit.index])
            hit.score = lexical[hit.index] * (w.match_floor + (1 - w.match_floor) * hit.match) + structure
        return sorted(hits, key=lambda h: -h.score)


class CrossEncoderRescorer:
    """A cross-encoder's score orders the candidates; its sigmoid is the relevance."""

    def __init__(self, reranker: Reranker) -> None:
        self.reranker = reranker

    def run(self, query: Query, hits: list[Hit], lexical: dict[int, float]) -> list[Hit]:
        if not hits:
            return hits
        scores = self.reranker.scores(query.text, [h.chunk.index_text() for h in hits])
        for hit, s in zip(hits, scores, strict=True):
            hit.score = float(s)
            hit.relevance = 1.0 / (1.0 + math.exp(-float(s)))
        return sorted(hits, key=lambda h: -h.score)


def names_section(concept: str, section: str) -> bool:
    """Whether a glossary concept is what a section is about: 时效 names 办理流程与时效, but the
    generic 贷款 does not name 贷款期限."""
    return section.endswith(concept) or (len(concept) >= 3 and concept in section)


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in text.lower() if ch.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


def dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0
