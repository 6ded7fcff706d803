"""The demo knowledge base that ships with the package: the handbook of the fictional 锦程银行.

A fresh data dir has no knowledge base; the first ``serve``, ``ask`` or ``chat`` builds this one so
that the assistant answers out of the box (``sme-assistant kb init-demo`` does the same on purpose).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge_base.dense import Embedder
from knowledge_base.ingest import IngestReport, ingest
from knowledge_base.store import KnowledgeBaseStore

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_HANDBOOK = DEMO_DIR / "handbook"
DEMO_GLOSSARY = DEMO_DIR / "synonyms.yaml"
DEMO_KB = "demo"  # the knowledge base name the bundled handbook lives under


def ingest_demo(store: KnowledgeBaseStore, name: str, *, embedder: Embedder | None = None,
                max_bytes: int | None = None, progress: Callable[[str], None] | None = None) -> IngestReport:
    """Ingest (or bring up to date: unchanged files are skipped) the demo handbook into ``name``."""
    kwargs = {"max_bytes": max_bytes} if max_bytes is not None else {}
    return ingest(store, name, [DEMO_HANDBOOK], glossary_path=DEMO_GLOSSARY, embedder=embedder,
                  progress=progress, **kwargs)


def ensure_demo(store: KnowledgeBaseStore, *, embedder: Embedder | None = None) -> bool:
    """Build the demo knowledge base, or bring it up to date with the bundled handbook (cheap when
    nothing changed: ingest compares content hashes and skips unchanged files). True when built."""
    existed = store.exists(DEMO_KB)
    ingest_demo(store, DEMO_KB, embedder=embedder)
    return not existed
