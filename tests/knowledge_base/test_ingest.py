"""`kb ingest`: what a user sees for good files, changed files and bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.ingest import ingest
from knowledge_base.store import KnowledgeBaseStore

CLI = [sys.executable, "-m", "ui.cli"]


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, ASCII), written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def run_cli(data: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SME_ASSISTANT_DATA_DIR": str(data)}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120)


def test_pdf_text_layer_is_ingested_and_answerable(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "rates.pdf").write_bytes(tiny_pdf("The factoring fee is 0.35 percent of the invoice amount."))
    assert "factoring fee" in PdfReader(docs / "rates.pdf").pages[0].extract_text()
    store = KnowledgeBaseStore(tmp_path / "kb")
    report = ingest(store, "t", [docs])
    assert report.added == ["rates.pdf"] and not report.failed
    kb = KnowledgeBaseIndex.load(store.current_dir("t"))
    assert kb.chunks[0].page == 1 and "0.35 percent" in kb.chunks[0].text


def test_bad_files_get_one_clear_line_each_and_the_rest_of_the_batch_ingests(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text("# 好产品\n\n## 额度\n好产品的额度最高88万元。\n", encoding="utf-8")
    (docs / "empty.txt").write_bytes(b"")
    (docs / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (docs / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    writer = PdfWriter()
    writer.append(PdfReader(__import__("io").BytesIO(tiny_pdf("secret terms"))))
    writer.encrypt("owner-pass-1", "user-pass-2")
    with open(docs / "encrypted.pdf", "wb") as fh:
        writer.write(fh)
    with open(docs / "huge.txt", "wb") as fh:
        fh.truncate(51 * 1024 * 1024)  # sparse: 51 MB without writing them
    result = run_cli(tmp_path / "data", "kb", "ingest", str(docs), str(tmp_path / "missing.md"), "--kb", "t", "-q")
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("跳过")]
    assert len(lines) == 6, result.stderr
    by_file = {name: next(ln for ln in lines if name in ln)
               for name in ("empty.txt", "junk.txt", "corrupt.pdf", "encrypted.pdf", "huge.txt", "missing.md")}
    assert "文件为空" in by_file["empty.txt"]
    assert "不是文本" in by_file["junk.txt"]
    assert "损坏" in by_file["corrupt.pdf"]
    assert "加密" in by_file["encrypted.pdf"]
    assert "文件过大" in by_file["huge.txt"] and "SME_MAX_FILE_MB" in by_file["huge.txt"]
    assert "不存在" in by_file["missing.md"]
    assert "1 added" in result.stdout
    answer = run_cli(tmp_path / "data", "ask", "好产品额度多少", "--kb", "t", "--json")
    assert "88万元" in json.loads(answer.stdout)["answer"]


def test_unchanged_files_are_skipped_and_a_changed_file_replaces_its_chunks(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# 甲产品\n\n## 额度\n甲产品的额度最高100万元。\n", encoding="utf-8")
    (docs / "b.md").write_text("# 乙产品\n\n## 期限\n乙产品的期限最长12个月。\n", encoding="utf-8")
    store = KnowledgeBaseStore(tmp_path / "kb")
    first = ingest(store, "t", [docs])
    version = store.current_dir("t")
    again = ingest(store, "t", [docs])
    assert sorted(again.unchanged) == ["a.md", "b.md"] and not again.published
    assert store.current_dir("t") == version  # nothing rewritten

    (docs / "a.md").write_text("# 甲产品\n\n## 额度\n甲产品的额度最高200万元。\n", encoding="utf-8")
    changed = ingest(store, "t", [docs])
    assert changed.updated == ["a.md"] and changed.unchanged == ["b.md"]
    kb = KnowledgeBaseIndex.load(store.current_dir("t"))
    texts = " ".join(c.text for c in kb.chunks)
    assert "200万元" in texts and "100万元" not in texts and "12个月" in texts
    assert first.chunks == changed.chunks


def test_a_crash_while_writing_leaves_the_previous_version_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# 甲产品\n\n## 额度\n甲产品的额度最高100万元。\n", encoding="utf-8")
    store = KnowledgeBaseStore(tmp_path / "kb")
    ingest(store, "t", [docs])
    live = store.current_dir("t")
    (docs / "a.md").write_text("# 甲产品\n\n## 额度\n甲产品的额度最高999万元。\n", encoding="utf-8")

    def crash_after_chunks(self: KnowledgeBaseIndex, directory: Path) -> None:
        (directory / "chunks.jsonl").write_text("half-written", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(KnowledgeBaseIndex, "save", crash_after_chunks)
    with pytest.raises(OSError):
        ingest(store, "t", [docs])
    monkeypatch.undo()
    assert store.current_dir("t") == live
    assert not [p for p in (tmp_path / "kb" / "t").iterdir() if p.name.startswith(".building")]
    kb = KnowledgeBaseIndex.load(live)
    assert "100万元" in kb.chunks[0].text


def test_kb_list_stats_and_remove(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# 甲产品\n\n## 额度\n甲产品的额度最高100万元。\n", encoding="utf-8")
    data = tmp_path / "data"
    assert run_cli(data, "kb", "ingest", str(docs), "--kb", "t1", "-q").returncode == 0
    listing = run_cli(data, "kb", "list")
    assert listing.stdout.startswith("t1\t1 documents")
    stats = json.loads(run_cli(data, "kb", "stats", "--kb", "t1", "--json").stdout)
    assert stats["documents"] == 1 and stats["per_document"]["a.md"]["title"] == "甲产品"
    assert run_cli(data, "kb", "remove", "--kb", "t1", "--yes").returncode == 0
    missing = run_cli(data, "ask", "额度", "--kb", "t1")
    assert missing.returncode == 2 and "不存在" in missing.stderr and "kb ingest" in missing.stderr
