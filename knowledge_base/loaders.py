"""Turn files into cleaned text pages.

One loader per format; each returns a ``LoadedDocument`` whose pages are cleaned text in which
headings are Markdown ``#`` lines, so the chunker needs to know only one structure. A file that
cannot be read raises ``SourceError`` with one line saying why; the ingest batch goes on.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.cleaning import clean_text, remove_headers_footers
from knowledge_base.errors import SourceError

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm")


@dataclass(frozen=True)
class LoadedDocument:
    source: str  # stable id: the path relative to the ingested folder
    title: str
    pages: list[tuple[int | None, str]]  # (page number or None, cleaned text)
    sha256: str
    size_bytes: int


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_source(path: Path, source: str, *, max_bytes: int) -> bytes:
    """The file's bytes, after the checks that need no parsing (exists, not empty, size, type)."""
    if not path.exists():
        raise SourceError(source, "文件不存在 (file not found)")
    size = path.stat().st_size
    if size == 0:
        raise SourceError(source, "文件为空 (empty file)")
    if size > max_bytes:
        raise SourceError(
            source,
            f"文件过大：{size / 1e6:.1f} MB，上限 {max_bytes / 1e6:.0f} MB (file too large; "
            "raise SME_MAX_FILE_MB to accept it)",
        )
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceError(source, f"不支持的文件类型 {suffix or '(无扩展名)'} (unsupported type)")
    return path.read_bytes()


def parse_source(data: bytes, path: Path, source: str, digest: str) -> LoadedDocument:
    """Extract and clean the text of a file already read by ``read_source``."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        pages = _pdf_pages(data, source)
    elif suffix == ".docx":
        pages = [(None, _docx_text(data, source))]
    elif suffix in (".html", ".htm"):
        pages = [(None, _html_text(_decode(data, source)))]
    elif suffix in (".md", ".markdown"):
        pages = [(None, clean_text(_decode(data, source), reflow=False))]
    else:
        pages = [(None, clean_text(_decode(data, source), reflow=True))]
    pages = [(n, t) for n, t in pages if t.strip()]
    if not pages:
        raise SourceError(source, "没有可提取的文字 (no extractable text; a scanned PDF needs OCR first)")
    return LoadedDocument(
        source=source,
        title=_title(pages[0][1], path),
        pages=pages,
        sha256=digest,
        size_bytes=len(data),
    )


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(source, "文件内容不是文本 (binary content in a text file)")
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, UnicodeError):
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        if _looks_like_text(text):
            return text
    raise SourceError(source, "无法识别文字编码或内容不是文本 (not UTF-8/GB18030 text)")


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / len(sample) < 0.01


def _title(first_page: str, path: Path) -> str:
    for line in first_page.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:60]
    return path.stem


def _pdf_pages(data: bytes, source: str) -> list[tuple[int | None, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # pypdf raises several types for unsupported encryption
                ok = 0
            if not ok:
                raise SourceError(source, "PDF 已加密，请提供未加密的文件 (encrypted PDF)")
        raw = [page.extract_text() or "" for page in reader.pages]
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SourceError(source, f"PDF 文件损坏或无法解析 (corrupt PDF: {type(exc).__name__})") from exc
    except Exception as exc:  # pypdf on adversarial input raises arbitrary errors
        raise SourceError(source, f"PDF 文件损坏或无法解析 (corrupt PDF: {type(exc).__name__})") from exc
    raw = remove_headers_footers(raw)
    return [(i + 1, clean_text(text, reflow=True)) for i, text in enumerate(raw)]


def _docx_text(data: bytes, source: str) -> str:
    import zipfile

    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(source, "DOCX 文件损坏或无法解析 (corrupt DOCX)") from exc
    except Exception as exc:  # python-docx wraps lxml errors in several types
        raise SourceError(source, f"DOCX 文件损坏或无法解析 (corrupt DOCX: {type(exc).__name__})") from exc
    lines = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        match = re.match(r"heading (\d)", style)
        if match or style == "title":
            level = int(match.group(1)) if match else 1
            lines.append("#" * min(level, 6) + " " + text)
        else:
            lines.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                lines.append("；".join(cells) + "。")
    return clean_text("\n\n".join(lines), reflow=False)


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "nav", "footer", "header", "noscript", "form"]):
        tag.decompose()
    lines = []
    body = soup.body or soup
    for element in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "dt", "dd", "pre"]):
        if element.find(["p", "li", "td"]):  # a container; its children are visited themselves
            continue
        text = element.get_text(" ", strip=True)
        if not text:
            continue
        if element.name and element.name[0] == "h" and element.name[1:].isdigit():
            lines.append("#" * int(element.name[1:]) + " " + text)
        else:
            lines.append(text)
    if not lines:
        lines = [body.get_text("\n", strip=True)]
    return clean_text("\n\n".join(lines), reflow=False)
