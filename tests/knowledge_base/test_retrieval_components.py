"""Retrieval is assembled from components; each can be run, and swapped, on its own."""

from __future__ import annotations

from pathlib import Path

from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.retrieval import Bm25Retriever, Retriever, build_pipeline
from knowledge_base.retrieval.fusion import MaxNormalisedFusion, ReciprocalRankFusion
from knowledge_base.retrieval.query import QueryAnalyzer
from knowledge_base.retrieval.rescoring import RescoreWeights, StructureRescorer
from knowledge_base.retrieval.types import Ranking
from knowledge_base.store import KnowledgeBaseStore


def _kb(demo_data_dir: Path) -> KnowledgeBaseIndex:
    return KnowledgeBaseIndex.load(KnowledgeBaseStore(demo_data_dir / "kb").current_dir("demo"))


def test_bm25_is_a_retriever_and_ranks_the_product_document_first(demo_data_dir: Path):
    kb = _kb(demo_data_dir)
    bm25 = Bm25Retriever(kb)
    assert isinstance(bm25, Retriever)
    ranking = bm25.run(QueryAnalyzer(kb).run("发票贷的参考利率"), k=5)
    assert kb.chunks[ranking.ids[0]].source == "products/发票贷.md"
    assert list(ranking.scores.values()) == sorted(ranking.scores.values(), reverse=True)


def test_fusions_merge_rankings():
    a, b = Ranking("a", [1, 2, 3], {1: 9.0, 2: 3.0, 3: 1.0}), Ranking("b", [3, 1], {3: 0.9, 1: 0.8})
    rrf = ReciprocalRankFusion(k=60).run([a, b])
    assert rrf.ids[0] == 1 and set(rrf.ids) == {1, 2, 3}
    single = MaxNormalisedFusion().run([a])
    assert single.ids == [1, 2, 3] and single.lexical[1] == 1.0


def test_the_pipeline_without_structure_weights_still_retrieves(demo_data_dir: Path):
    kb = _kb(demo_data_dir)
    flat = build_pipeline(kb, weights=RescoreWeights(product=0, section=0, faq_question=0, doc_prior=0))
    assert isinstance(flat.rescorer, StructureRescorer)
    result = flat.run("税金贷的额度上限是多少？", top_k=3)
    assert result.hits and any(h.chunk.source == "products/税金贷.md" for h in result.hits)
    assert 0.0 <= result.relevance <= 1.0
