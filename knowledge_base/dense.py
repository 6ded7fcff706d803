"""Dense retrieval: sentence-transformers embeddings in a FAISS inner-product index.

Used only when ``SME_EMBEDDING_MODEL`` names a model (a local path, or a name already in the
Hugging Face cache, e.g. a downloaded BAAI/bge-small-zh-v1.5). Nothing is downloaded: the
machines this runs on cannot reach a model hub, so a missing model is a configuration error that
names the setting. Cross-encoder reranking (``SME_RERANKER_MODEL``) lives here for the same reason.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.errors import ModelUnavailable

log = logging.getLogger(__name__)


def _missing(setting: str, model: str, exc: Exception) -> ModelUnavailable:
    return ModelUnavailable(
        f"{setting}: model {model!r} is not available on this machine ({type(exc).__name__}: "
        f"{str(exc)[:160]}). Models are never downloaded at run time: copy the model directory to "
        f"this machine and set {setting} to its local path, or unset {setting} to run without it."
    )


class Embedder:
    """A sentence-transformers model, loaded from a local path or the local HF cache only."""

    def __init__(self, model: str, *, batch_size: int = 64) -> None:
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "not here"
            raise _missing("SME_EMBEDDING_MODEL", model, exc) from exc
        self.name = model
        self.batch_size = batch_size
        # sentence-transformers renamed the method; support both the old and the new name.
        model = self._model
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype="float32")


class Reranker:
    """A cross-encoder that scores (question, passage) pairs; higher is more relevant."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import CrossEncoder

            self._model = CrossEncoder(model, device="cpu", local_files_only=True)
        except Exception as exc:
            raise _missing("SME_RERANKER_MODEL", model, exc) from exc
        self.name = model

    def scores(self, question: str, passages: Sequence[str]) -> np.ndarray:
        if not passages:
            return np.zeros(0, dtype="float32")
        raw = self._model.predict([(question, p) for p in passages], show_progress_bar=False)
        return np.asarray(raw, dtype="float32").reshape(len(passages), -1)[:, -1]


class DenseIndex:
    def __init__(self, index: Any, model_name: str) -> None:
        self.index = index
        self.model_name = model_name

    @classmethod
    def build(cls, vectors: np.ndarray, model_name: str) -> DenseIndex:
        import faiss

        index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype="float32"))
        return cls(index, model_name)

    def vectors(self) -> np.ndarray:
        if self.index.ntotal == 0:
            return np.zeros((0, self.index.d), dtype="float32")
        return self.index.reconstruct_n(0, self.index.ntotal)

    def search(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, self.index.ntotal)
        if k == 0:
            return np.zeros(0, dtype="float32"), np.zeros(0, dtype="int64")
        scores, ids = self.index.search(np.ascontiguousarray(query_vector.reshape(1, -1)), k)
        return scores[0], ids[0]

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, model_name: str) -> DenseIndex:
        import faiss

        return cls(faiss.read_index(str(path)), model_name)
