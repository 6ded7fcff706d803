"""Retrieval as components: see ``pipeline.py`` for how they are assembled."""

from knowledge_base.retrieval.pipeline import RetrievalPipeline, build_pipeline
from knowledge_base.retrieval.retrievers import Bm25Retriever, DenseRetriever, Retriever
from knowledge_base.retrieval.types import Hit, Query, RetrievalResult

__all__ = ["Bm25Retriever", "DenseRetriever", "Hit", "Query", "RetrievalPipeline", "RetrievalResult",
           "Retriever", "build_pipeline"]
