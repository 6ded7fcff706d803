"""`sme-assistant kb …` — build and inspect knowledge bases."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from knowledge_base.bundled import ingest_demo
from knowledge_base.dense import Embedder
from knowledge_base.ingest import IngestReport, discover, ingest
from knowledge_base.store import KnowledgeBaseStore
from ui.cli.common import EXIT_FINDINGS, EXIT_OK, settings_from_cli

app = typer.Typer(no_args_is_help=True)

KbOption = Annotated[str | None, typer.Option("--kb", help="Knowledge base name [default: SME_DEFAULT_KB]")]


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (.md .txt .pdf .docx .html).")],
    kb: KbOption = None,
    synonyms: Annotated[
        Path | None, typer.Option(help="Glossary YAML (synonym groups, product aliases) to store with the KB.")
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Rebuild from these files only, dropping everything else.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> int:
    """Add or update documents. Unchanged files are skipped; changed files replace their chunks."""
    settings = settings_from_cli()
    name = kb or settings.default_kb
    if synonyms is not None and not synonyms.is_file():
        raise typer.BadParameter(f"{synonyms} does not exist", param_hint="--synonyms")
    embedder = Embedder(settings.embedding_model) if settings.embedding_model else None
    total = len(discover(paths)[0])
    with tqdm(total=total, desc=f"ingest → {name}", unit="file", disable=quiet or total == 0,
              file=sys.stderr) as bar:
        def progress(source: str) -> None:
            bar.set_postfix_str(source[-40:])
            bar.update(1)

        report = ingest(KnowledgeBaseStore(settings.kb_dir), name, paths, glossary_path=synonyms,
                        embedder=embedder, max_bytes=settings.max_file_mb * 1024 * 1024,
                        rebuild=rebuild, progress=progress)
    _print_report(name, report)
    return EXIT_FINDINGS if report.failed else EXIT_OK


@app.command("init-demo")
def init_demo(kb: KbOption = None, quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> int:
    """Ingest the bundled demo handbook of the fictional 锦程银行 (idempotent)."""
    settings = settings_from_cli()
    name = kb or settings.default_kb
    embedder = Embedder(settings.embedding_model) if settings.embedding_model else None
    report = ingest_demo(KnowledgeBaseStore(settings.kb_dir), name, embedder=embedder,
                         max_bytes=settings.max_file_mb * 1024 * 1024)
    if not quiet:
        _print_report(name, report)
    return EXIT_FINDINGS if report.failed else EXIT_OK


@app.command("list")
def list_cmd() -> None:
    """List knowledge bases with their document and chunk counts."""
    settings = settings_from_cli()
    store = KnowledgeBaseStore(settings.kb_dir)
    names = store.names()
    if not names:
        print("（还没有知识库）no knowledge bases yet: run `sme-assistant kb ingest PATH --kb NAME`")
    for name in names:
        manifest = store.manifest(name)
        print(f"{name}\t{len(manifest['documents'])} documents\t{manifest['chunk_count']} chunks"
              f"\tbuilt {manifest['built_at']}")


@app.command("stats")
def stats_cmd(kb: KbOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Documents, chunks, sizes and the dense model of one knowledge base."""
    settings = settings_from_cli()
    name = kb or settings.default_kb
    manifest = KnowledgeBaseStore(settings.kb_dir).manifest(name)
    docs = manifest["documents"]
    stats = {
        "kb": name,
        "documents": len(docs),
        "chunks": manifest["chunk_count"],
        "bytes": sum(d["size_bytes"] for d in docs.values()),
        "dense_model": manifest.get("dense_model"),
        "glossary_groups": len(manifest.get("glossary", {}).get("groups", [])),
        "built_at": manifest["built_at"],
        "per_document": {s: {"title": d["title"], "chunks": d["chunks"]} for s, d in sorted(docs.items())},
    }
    if as_json:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
        return
    for key in ("kb", "documents", "chunks", "bytes", "dense_model", "glossary_groups", "built_at"):
        print(f"{key:16} {stats[key]}")
    for source, doc in stats["per_document"].items():
        print(f"  {doc['chunks']:5}  {source}  ({doc['title']})")


@app.command("gaps")
def gaps_cmd(kb: KbOption = None, days: Annotated[int, typer.Option(min=1, help="Look back this many days.")] = 30,
             limit: Annotated[int, typer.Option(min=1)] = 20) -> None:
    """Questions clients asked that the documents did not answer, most frequent first."""
    from assistant.answering.log import knowledge_gaps
    from assistant.store.db import make_engine, session_factory, upgrade_schema

    settings = settings_from_cli()
    engine = make_engine(settings.sqlalchemy_url)
    upgrade_schema(settings.sqlalchemy_url, engine)
    rows = knowledge_gaps(session_factory(engine), kb or settings.default_kb, days, limit)
    if not rows:
        print(f"no unanswered questions in the last {days} days")
    for question, count in rows:
        print(f"{count:5}  {question}")


@app.command("remove")
def remove_cmd(kb: Annotated[str, typer.Option("--kb", help="Knowledge base to delete.")],
               yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False) -> None:
    """Delete a knowledge base and all its files."""
    settings = settings_from_cli()
    store = KnowledgeBaseStore(settings.kb_dir)
    store.current_dir(kb)
    if not yes and not typer.confirm(f"Delete knowledge base {kb!r}?"):
        raise typer.Abort()
    store.remove(kb)
    print(f"removed {kb}")


def _print_report(name: str, report: IngestReport) -> None:
    for error in report.failed:
        print(f"跳过 skipped {error}", file=sys.stderr)
    mb = report.bytes_read / 1e6
    rate = f", {report.bytes_read / 1e3 / report.seconds:.0f} KB/s" if report.seconds and report.bytes_read else ""
    state = "published" if report.published else "no change"
    print(f"{name}: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
          f"{len(report.failed)} failed; {report.chunks or '-'} chunks; {mb:.2f} MB in {report.seconds:.2f}s{rate}"
          f" ({state})")
