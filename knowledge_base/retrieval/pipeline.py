"""The retrieval pipeline, assembled from components in one place (``build_pipeline``).

analyse the query → each first-stage ``Retriever`` ranks candidates → a ``Fusion`` merges the
rankings → ``Coverage`` scores each candidate's relevance → a ``Rescorer`` gives the final order.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge_base.dense import Embedder, Reranker
from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.retrieval.fusion import Fusion, MaxNormalisedFusion, ReciprocalRankFusion
from knowledge_base.retrieval.query import QueryAnalyzer
from knowledge_base.retrieval.rescoring import (
    Coverage,
    CrossEncoderRescorer,
    Rescorer,
    RescoreWeights,
    StructureRescorer,
)
from knowledge_base.retrieval.retrievers import CANDIDATES, Bm25Retriever, DenseRetriever, Retriever
from knowledge_base.retrieval.types import Hit, RetrievalResult

RESCORE_POOL = 30  # candidates kept after fusion for the (costlier) coverage and rescoring


@dataclass
class RetrievalPipeline:
    kb: KnowledgeBaseIndex
    analyzer: QueryAnalyzer
    bm25: Bm25Retriever
    retrievers: list[Retriever]
    fusion: Fusion
    coverage: Coverage
    rescorer: Rescorer

    def run(self, query: str, top_k: int = 5, sources: set[str] | None = None) -> RetrievalResult:
        q = self.analyzer.run(query, sources)
        result = RetrievalResult(query=query, tokens=q.tokens)
        if not self.kb.chunks or not q.tokens:
            return result
        bm25 = self.bm25.scores(q)
        rankings = [r.run(q, CANDIDATES) for r in self.retrievers]
        dense = next((r.scores for r in rankings if r.name == "dense"), {})
        fused = self.fusion.run(rankings)
        hits = []
        for i in fused.ids[: max(top_k, RESCORE_POOL)]:
            match, relevance = self.coverage.run(q, i)
            hits.append(Hit(chunk=self.kb.chunks[i], score=fused.score[i], relevance=relevance,
                            bm25=float(bm25[i]), dense=dense.get(i), match=match, index=i))
        result.hits = self.rescorer.run(q, hits, fused.lexical)[:top_k]
        return result


def build_pipeline(kb: KnowledgeBaseIndex, embedder: Embedder | None = None, reranker: Reranker | None = None,
                   weights: RescoreWeights | None = None) -> RetrievalPipeline:
    """BM25 always; dense vectors and RRF when the knowledge base has them; a cross-encoder if given."""
    bm25 = Bm25Retriever(kb)
    retrievers: list[Retriever] = [bm25]
    fusion: Fusion = MaxNormalisedFusion()
    if embedder is not None and kb.dense is not None:
        retrievers.append(DenseRetriever(kb, embedder))
        fusion = ReciprocalRankFusion()
    rescorer: Rescorer = CrossEncoderRescorer(reranker) if reranker is not None else StructureRescorer(kb, weights)
    return RetrievalPipeline(kb, QueryAnalyzer(kb), bm25, retrievers, fusion, Coverage(kb), rescorer)
