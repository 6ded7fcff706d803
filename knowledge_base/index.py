"""One knowledge base in memory: its chunks, their tokens, the BM25 index and the dense index.

``KnowledgeBaseIndex.build`` makes one from chunks; ``save``/``load`` move it to and from a
version directory (see ``store.py`` for how versions are published).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np

from knowledge_base.chunking import Chunk
from knowledge_base.dense import DenseIndex, Embedder
from knowledge_base.errors import ModelUnavailable
from knowledge_base.glossary import Glossary
from knowledge_base.tokenize import Tokenizer

FORMAT_VERSION = 1
logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass
class KnowledgeBaseIndex:
    name: str
    chunks: list[Chunk]
    tokens: list[list[str]]
    documents: dict[str, dict]  # source -> {"sha256", "title", "chunks", "size_bytes", "ingested_at"}
    glossary: Glossary
    tokenizer: Tokenizer
    bm25: bm25s.BM25 | None = None
    dense: DenseIndex | None = None
    idf: dict[str, float] = field(default_factory=dict)
    _token_sets: list[frozenset[str]] = field(default_factory=list)
    # Document level: one BM25 "document" per source, to tell which document a question is about.
    doc_bm25: bm25s.BM25 | None = None
    doc_of_chunk: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="int32"))

    # Building ---------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        name: str,
        chunks: list[Chunk],
        tokens: list[list[str]],
        documents: dict[str, dict],
        glossary: Glossary,
        tokenizer: Tokenizer,
        embedder: Embedder | None = None,
        previous_vectors: dict[str, np.ndarray] | None = None,
    ) -> KnowledgeBaseIndex:
        kb = cls(name, chunks, tokens, documents, glossary, tokenizer)
        kb.bm25 = _bm25_from_tokens(tokens)
        if embedder is not None:
            kb.dense = DenseIndex.build(_embed(chunks, embedder, previous_vectors or {}), embedder.name)
        kb._derive()
        return kb

    def _derive(self) -> None:
        self._token_sets = [frozenset(t) for t in self.tokens]
        df: Counter[str] = Counter()
        for token_set in self._token_sets:
            df.update(token_set)
        n = max(len(self.tokens), 1)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        sources: dict[str, int] = {}
        doc_tokens: list[list[str]] = []
        doc_of_chunk = np.zeros(len(self.chunks), dtype="int32")
        for i, (chunk, toks) in enumerate(zip(self.chunks, self.tokens, strict=True)):
            d = sources.setdefault(chunk.source, len(sources))
            if d == len(doc_tokens):
                doc_tokens.append([])
            doc_tokens[d].extend(toks)
            doc_of_chunk[i] = d
        self.doc_of_chunk = doc_of_chunk
        self.doc_bm25 = _bm25_from_tokens(doc_tokens) if len(doc_tokens) > 1 else None

    def doc_scores(self, query_tokens: list[str]) -> np.ndarray | None:
        """BM25 of each source document as a whole, normalised to 0..1, per chunk."""
        if self.doc_bm25 is None:
            return None
        known = [t for t in query_tokens if t in self.doc_bm25.vocab_dict]
        if not known:
            return None
        scores = self.doc_bm25.get_scores(known)
        top = float(scores.max())
        return (scores / top)[self.doc_of_chunk] if top > 0 else None

    # Queries ----------------------------------------------------------------------------
    def token_set(self, i: int) -> frozenset[str]:
        return self._token_sets[i]

    def unknown_idf(self) -> float:
        """Weight of a question word the knowledge base never uses (the rarest possible)."""
        return math.log(1 + (len(self.tokens) + 0.5) / 0.5)

    def bm25_scores(self, query_tokens: list[str], mask: np.ndarray | None = None) -> np.ndarray:
        assert self.bm25 is not None
        known = [t for t in query_tokens if t in self.bm25.vocab_dict]
        if not known or not self.chunks:
            return np.zeros(len(self.chunks), dtype="float32")
        return self.bm25.get_scores(known, weight_mask=mask)

    # Persistence ------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        with open(directory / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for chunk in self.chunks:
                fh.write(json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")
        with open(directory / "tokens.jsonl", "w", encoding="utf-8") as fh:
            for toks in self.tokens:
                fh.write(json.dumps(toks, ensure_ascii=False) + "\n")
        if self.bm25 is not None and self.chunks:
            self.bm25.save(str(directory / "bm25"), show_progress=False)
        if self.dense is not None:
            self.dense.save(directory / "dense.faiss")
        manifest = {
            "format": FORMAT_VERSION,
            "name": self.name,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "chunk_count": len(self.chunks),
            "documents": self.documents,
            "dense_model": self.dense.model_name if self.dense else None,
            "glossary": self.glossary.to_dict(),
        }
        (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")

    @classmethod
    def load(
        cls, directory: Path, embedder: Embedder | None = None, *, vectors_optional: bool = False
    ) -> KnowledgeBaseIndex:
        """Load a version; with ``vectors_optional`` (re-ingest) a model mismatch just drops them."""
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        glossary = Glossary.from_dict(manifest.get("glossary"))
        with open(directory / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [Chunk.from_json(json.loads(line)) for line in fh if line.strip()]
        with open(directory / "tokens.jsonl", encoding="utf-8") as fh:
            tokens = [json.loads(line) for line in fh if line.strip()]
        kb = cls(manifest["name"], chunks, tokens, manifest["documents"], glossary,
                 Tokenizer(glossary.words()))
        kb.bm25 = (bm25s.BM25.load(str(directory / "bm25"), mmap=False, show_progress=False)
                   if (directory / "bm25").exists() else _bm25_from_tokens(tokens))
        dense_model = manifest.get("dense_model")
        if embedder is not None:
            matches = dense_model == embedder.name and (directory / "dense.faiss").exists()
            if matches:
                kb.dense = DenseIndex.load(directory / "dense.faiss", embedder.name)
            elif not vectors_optional:
                raise ModelUnavailable(
                    f"SME_EMBEDDING_MODEL: knowledge base {manifest['name']!r} was built "
                    f"{'without dense vectors' if not dense_model else 'with ' + repr(dense_model)}, "
                    f"not with {embedder.name!r}; re-run `sme-assistant kb ingest --rebuild` "
                    "with the model you want to use"
                )
        kb._derive()
        return kb

    def vectors_by_id(self) -> dict[str, np.ndarray]:
        if self.dense is None:
            return {}
        vectors = self.dense.vectors()
        return {c.id: vectors[i] for i, c in enumerate(self.chunks)}


def _bm25_from_tokens(tokens: list[list[str]]) -> bm25s.BM25 | None:
    retriever = bm25s.BM25()
    if tokens:
        # bm25s cannot index an empty document; a lone placeholder keeps positions aligned.
        retriever.index([t or ["∅"] for t in tokens], show_progress=False)
    return retriever


def _embed(chunks: list[Chunk], embedder: Embedder, previous: dict[str, np.ndarray]) -> np.ndarray:
    vectors = np.zeros((len(chunks), embedder.dim), dtype="float32")
    todo = [i for i, c in enumerate(chunks) if c.id not in previous]
    for i, c in enumerate(chunks):
        if c.id in previous:
            vectors[i] = previous[c.id]
    if todo:
        vectors[todo] = embedder.encode([chunks[i].index_text() for i in todo])
    return vectors
