"""Cleanup of text extracted from real documents.

PDF extraction of Chinese papers leaves: hard line breaks in the middle of sentences (often with a
blank line between the halves), spaces between CJK characters, running headers and footers, page
numbers, runs of garbled glyphs from broken font encodings (Devanagari, Arabic, Armenian … letters
standing in for Chinese), and full-width digits and letters. Each function fixes one defect; the
``clean_text`` pipeline applies them in an order that keeps real paragraph breaks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Characters a Chinese business document legitimately contains. Anything else inside a run of
# CJK text is treated as a garbled glyph.
_ALLOWED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0009, 0x000A),
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (·, ×, é …)
    (0x0391, 0x03C9),  # Greek letters used in formulas
    (0x2010, 0x2027),  # dashes, quotes, ellipsis
    (0x2030, 0x203B),  # per-mille, primes, reference mark
    (0x2103, 0x2103),  # ℃
    (0x2160, 0x217F),  # Roman numerals
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # maths operators
    (0x2460, 0x24FF),  # circled numbers ①
    (0x25A0, 0x25FF),  # geometric shapes used as bullets ■ ●
    (0x2605, 0x2606),  # stars
    (0x3000, 0x303F),  # CJK punctuation
    (0x3200, 0x32FF),  # enclosed CJK ㈠
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xFF01, 0xFF5E),  # full-width forms
    (0xFFE0, 0xFFE5),  # full-width ￥ etc.
)

_SENTENCE_END = "。！？；：!?;…”’」』）)"
_CJK = r"\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e"
_HEADING_RE = re.compile(
    r"^(#{1,6}\s|第[一二三四五六七八九十百0-9]+[章节部分条]|[一二三四五六七八九十]+、|"
    r"[（(][一二三四五六七八九十]+[)）]|\d+(\.\d+)*[、.\s]\s*\S)"
)
_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—–·]?\s*\d{1,4}\s*[-—–·]?|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|"
    r"page\s*\d+(?:\s*of\s*\d+)?|\d+\s*/\s*\d+)\s*$",
    re.IGNORECASE,
)


def _allowed(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _ALLOWED_RANGES)


def normalise_width(text: str) -> str:
    """Full-width digits, letters and spaces to half-width; Chinese punctuation is kept."""
    out = []
    for ch in text:
        cp = ord(ch)
        if 0xFF10 <= cp <= 0xFF19 or 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A:
            out.append(chr(cp - 0xFEE0))
        elif ch in "\u3000\u00a0\u2002\u2003\u2009":
            out.append(" ")
        elif ch in "％＄＃＆＠＋＝":
            out.append(chr(cp - 0xFEE0))
        else:
            out.append(ch)
    text = "".join(out)
    # A full-width full stop between digits is a decimal point (3．85%).
    return re.sub(r"(?<=\d)[．。](?=\d)", ".", text)


def remove_garbled(text: str) -> str:
    """Drop glyphs outside the scripts a Chinese business document uses.

    A line that is nearly all garbage is dropped whole; otherwise only the garbage is removed, so
    a heading like "ॕ▁ৼ中小企业金融服务ࣩڪ" keeps its Chinese words.
    """
    text = unicodedata.normalize("NFC", text)
    kept_lines = []
    for line in text.split("\n"):
        bad = sum(1 for ch in line if not _allowed(ch))
        visible = sum(1 for ch in line if not ch.isspace())
        if visible and (bad / visible > 0.8 or visible - bad < 2):
            continue
        kept_lines.append("".join(ch for ch in line if _allowed(ch)) if bad else line)
    return "\n".join(kept_lines)


def remove_cjk_spaces(text: str) -> str:
    """Spaces between two CJK characters are extraction artefacts (摘    要 → 摘要)."""
    return re.sub(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])", "", text)


def remove_headers_footers(pages: list[str]) -> list[str]:
    """Remove page numbers and lines that repeat at the top or bottom of many pages."""
    if len(pages) < 3:
        return [_drop_page_numbers(p) for p in pages]
    edge_counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln.strip() for ln in page.split("\n") if ln.strip()]
        # Running headers are short and are not sentences; body text that merely repeats with a
        # different number (正文第3页…。) must stay.
        edges = {ln for ln in lines[:2] + lines[-2:] if len(ln) <= 40 and not ln.endswith(("。", "."))}
        edge_counts.update(_fingerprint(ln) for ln in edges)
    repeated = {fp for fp, n in edge_counts.items() if n >= max(3, len(pages) // 2) and fp}
    cleaned = []
    for page in pages:
        lines = [ln for ln in page.split("\n") if _fingerprint(ln.strip()) not in repeated]
        cleaned.append(_drop_page_numbers("\n".join(lines)))
    return cleaned


def _fingerprint(line: str) -> str:
    # Headers often carry the page number: compare them without digits.
    return re.sub(r"\d+", "#", line)[:80]


def _drop_page_numbers(page: str) -> str:
    return "\n".join(ln for ln in page.split("\n") if not _PAGE_NUMBER_RE.match(ln))


def is_heading(line: str) -> bool:
    line = line.strip()
    return bool(line) and len(line) <= 40 and bool(_HEADING_RE.match(line)) and not line.endswith("。")


def join_broken_lines(text: str) -> str:
    """Re-join sentences that hard line breaks split, keeping real paragraph breaks.

    In extracted PDFs every visual line ends with a newline, often followed by a blank line, so a
    blank line is not evidence of a paragraph. A break is kept only when the previous line ends a
    sentence, or either side is a heading or list item; otherwise the lines are joined (with a
    space between Latin words, nothing between CJK characters).
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    # A line much shorter than the page's usual width ended its paragraph (titles, by-lines).
    widths = sorted(len(ln) for ln in lines)
    typical = widths[len(widths) * 3 // 4] if widths else 0
    paragraphs: list[str] = []
    current = ""
    previous = ""
    for line in lines:
        if not current:
            current = previous = line
            continue
        prev_ends = current[-1] in _SENTENCE_END
        prev_short = len(previous) < 0.6 * typical and typical >= 15
        if is_heading(line) or (is_heading(current) and len(current) < 25) or prev_ends or prev_short:
            paragraphs.append(current)
            current = previous = line
            continue
        previous = line
        joiner = " " if (current[-1].isascii() and current[-1].isalnum() and line[0].isascii()) else ""
        current = current + joiner + line
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def clean_text(text: str, *, reflow: bool = True) -> str:
    """The full cleanup for one page or one document of extracted text.

    ``reflow`` joins broken lines; Markdown, DOCX and HTML sources already have real paragraphs.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = normalise_width(text)
    text = remove_garbled(text)
    text = remove_cjk_spaces(text)
    text = re.sub(r"[ \t]+", " ", text)
    if reflow:
        text = join_broken_lines(text)
    else:
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
