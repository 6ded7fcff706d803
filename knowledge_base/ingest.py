"""Ingest files into a knowledge base: detect changes, load, chunk, tokenize, index, publish.

Unchanged files (same content hash) are skipped; a changed file replaces its old chunks; a file
that cannot be read is reported in one line and the rest of the batch goes on. The new index is
built aside and published atomically (see ``store.py``), so a crash never leaves it half-written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge_base.chunking import Chunk, chunk_document
from knowledge_base.dense import Embedder
from knowledge_base.errors import SourceError
from knowledge_base.glossary import Glossary
from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.loaders import SUPPORTED_SUFFIXES, file_sha256, parse_source, read_source
from knowledge_base.store import KnowledgeBaseStore
from knowledge_base.tokenize import Tokenizer


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[SourceError] = field(default_factory=list)
    chunks: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    published: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[SourceError]]:
    """Expand files and folders into (path, source id); the id is relative to a given folder."""
    found: list[tuple[Path, str]] = []
    errors: list[SourceError] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not files:
                errors.append(SourceError(str(path), "文件夹中没有可导入的文件 (no .md/.txt/.pdf/.docx/.html files)"))
            found.extend((p, p.relative_to(path).as_posix()) for p in files)
        elif path.exists():
            found.append((path, path.name))
        else:
            errors.append(SourceError(str(path), "文件不存在 (file not found)"))
    return found, errors


def ingest(
    store: KnowledgeBaseStore,
    name: str,
    paths: Iterable[Path],
    *,
    glossary_path: Path | None = None,
    embedder: Embedder | None = None,
    max_bytes: int = 50 * 1024 * 1024,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    files, report.failed = discover(paths)

    # The manifest alone says which files changed; the index is loaded only when one did.
    manifest = store.manifest(name) if not rebuild and store.exists(name) else None
    stored_glossary = Glossary.from_dict(manifest.get("glossary")) if manifest else Glossary()
    glossary = Glossary.load(glossary_path) if glossary_path else stored_glossary
    glossary_changed = glossary_path is not None and (manifest is None or glossary != stored_glossary)
    documents: dict[str, dict] = dict(manifest["documents"]) if manifest else {}

    new_docs: dict[str, list[Chunk]] = {}
    for path, source in files:
        if progress:
            progress(source)
        try:
            data = read_source(path, source, max_bytes=max_bytes)
            digest = file_sha256(data)
            if source in documents and documents[source]["sha256"] == digest:
                report.unchanged.append(source)
                continue
            doc = parse_source(data, path, source, digest)
            doc_chunks = chunk_document(doc)
            if not doc_chunks:
                raise SourceError(source, "清理后没有可用的文字 (no usable text after cleanup)")
        except SourceError as exc:
            report.failed.append(exc)
            continue
        except OSError as exc:
            report.failed.append(SourceError(source, f"无法读取文件 (cannot read: {exc.strerror or exc})"))
            continue
        (report.updated if source in documents else report.added).append(source)
        report.bytes_read += doc.size_bytes
        new_docs[source] = doc_chunks
        documents[source] = {"sha256": doc.sha256, "title": doc.title, "chunks": len(doc_chunks),
                             "size_bytes": doc.size_bytes, "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%S")}

    needs_vectors = embedder is not None and manifest is not None and manifest.get("dense_model") != embedder.name
    if not (report.changed or glossary_changed or needs_vectors or manifest is None):
        report.seconds = time.perf_counter() - started
        return report

    previous = (KnowledgeBaseIndex.load(store.current_dir(name), embedder, vectors_optional=True)
                if manifest else None)
    tokenizer = previous.tokenizer if previous and not glossary_changed else Tokenizer(glossary.words())
    by_source: dict[str, list[int]] = {}
    if previous:
        for i, chunk in enumerate(previous.chunks):
            by_source.setdefault(chunk.source, []).append(i)
    new_chunks = {source: (doc_chunks, [tokenizer.tokens(c.index_text()) for c in doc_chunks])
                  for source, doc_chunks in new_docs.items()}

    chunks: list[Chunk] = []
    tokens: list[list[str]] = []
    if previous:
        for source, indices in by_source.items():
            if source in new_chunks:
                continue
            chunks.extend(previous.chunks[i] for i in indices)
            tokens.extend(previous.tokens[i] for i in indices)
    for source_chunks, source_tokens in new_chunks.values():
        chunks.extend(source_chunks)
        tokens.extend(source_tokens)
    if glossary_changed and previous:
        # New glossary words change how every passage is segmented.
        tokens = [tokenizer.tokens(c.index_text()) for c in chunks]
    if not chunks:
        report.seconds = time.perf_counter() - started
        return report

    index = KnowledgeBaseIndex.build(
        name, chunks, tokens, documents, glossary, tokenizer, embedder,
        previous_vectors=previous.vectors_by_id() if previous and embedder else None,
    )
    build_dir = store.new_build_dir(name)
    try:
        index.save(build_dir)
        store.publish(name, build_dir)
    except BaseException:
        store.discard(build_dir)
        raise
    report.chunks = len(chunks)
    report.published = True
    report.seconds = time.perf_counter() - started
    return report
