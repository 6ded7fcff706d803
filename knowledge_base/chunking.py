"""Chunking on Chinese sentence boundaries, keeping the section a passage belongs to.

A chunk never crosses a section heading, so a quoted passage can always be cited as
"document · section". FAQ entries (``## 问：…`` followed by ``答：…``) become one chunk each, since
the question is the best possible match for a client's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge_base.cleaning import is_heading
from knowledge_base.loaders import LoadedDocument

_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)]*|\n|$)")
_FAQ_Q_RE = re.compile(r"^(?:问|Q)\s*[:：]\s*", re.IGNORECASE)
_FAQ_A_RE = re.compile(r"^(?:答|A)\s*[:：]\s*", re.IGNORECASE)


@dataclass
class Chunk:
    id: str
    source: str
    title: str
    section: str
    page: int | None
    text: str
    kind: str = "passage"  # or "faq"
    question: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def index_text(self) -> str:
        """What retrieval sees: the passage with the headings that give it context."""
        parts = [self.title, self.section, self.question or "", self.text]
        return "\n".join(p for p in parts if p)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "page": self.page,
            "text": self.text,
            "kind": self.kind,
            "question": self.question,
        }

    @classmethod
    def from_json(cls, data: dict) -> Chunk:
        return cls(**{k: data.get(k) for k in ("id", "source", "title", "section", "page", "text")},
                   kind=data.get("kind") or "passage", question=data.get("question"))


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


# Latin-script text needs about this many times the characters to say what Chinese says.
LATIN_SCALE = 2.5


def chunk_document(doc: LoadedDocument, *, max_chars: int = 360, overlap_chars: int = 80) -> list[Chunk]:
    sample = "".join(text for _, text in doc.pages)[:4000]
    if sum(ch.isascii() and ch.isalpha() for ch in sample) > 3 * sum("\u4e00" <= ch <= "\u9fff" for ch in sample):
        max_chars, overlap_chars = int(max_chars * LATIN_SCALE), int(overlap_chars * LATIN_SCALE)
    chunks: list[Chunk] = []
    section = ""
    faq_question: str | None = None

    def add(text: str, page: int | None, kind: str = "passage", question: str | None = None) -> None:
        chunks.append(
            Chunk(
                id=f"{doc.sha256[:12]}-{len(chunks)}",
                source=doc.source,
                title=doc.title,
                section=section,
                page=page,
                text=text,
                kind=kind,
                question=question,
            )
        )

    for page_no, page_text in doc.pages:
        buffer: list[str] = []

        def flush(page_no: int | None = page_no) -> None:
            nonlocal buffer
            if buffer:
                for piece in _pack("\n".join(buffer), max_chars, overlap_chars):
                    add(piece, page_no)
            buffer = []

        lines = page_text.split("\n")
        i = 0
        while i < len(lines):
            line = lines[i].strip()
            i += 1
            if not line:
                continue
            heading = _heading_text(line)
            if heading is None:
                buffer.append(line)
                continue
            flush()
            if _FAQ_Q_RE.match(heading):
                faq_question = _FAQ_Q_RE.sub("", heading)
                answer: list[str] = []
                while i < len(lines) and _heading_text(lines[i].strip()) is None:
                    if lines[i].strip():
                        answer.append(_FAQ_A_RE.sub("", lines[i].strip()))
                    i += 1
                if answer:
                    add(_join(answer), page_no, kind="faq", question=faq_question)
                continue
            if line.startswith("# ") and not section and heading == doc.title:
                continue  # the document title is already carried by every chunk
            section = heading
        flush()
    return chunks


def _heading_text(line: str) -> str | None:
    if line.startswith("#"):
        return line.lstrip("#").strip() or None
    if _FAQ_Q_RE.match(line) and len(line) <= 80:
        return line
    if is_heading(line) and not re.search(r"[，。；]", line):
        return line
    return None


def _pack(text: str, max_chars: int, overlap_chars: int) -> list[str]:
    """Pack sentences into pieces of at most ``max_chars``, carrying a short overlap forward."""
    sentences: list[str] = []
    for sentence in split_sentences(text):
        while len(sentence) > max_chars:  # a run-on "sentence" from a bad extraction
            # At a comma, else at a space: never inside a word.
            cut = max(sentence.rfind("，", 0, max_chars), sentence.rfind(", ", 0, max_chars))
            if cut <= max_chars // 3:
                cut = sentence.rfind(" ", 0, max_chars)
            cut = cut + 1 if cut > max_chars // 3 else max_chars
            sentences.append(sentence[:cut])
            sentence = sentence[cut:]
        if sentence:
            sentences.append(sentence)
    pieces: list[str] = []
    current: list[str] = []
    length = 0
    for sentence in sentences:
        if current and length + len(sentence) > max_chars:
            pieces.append(_join(current))
            # Overlap: the last sentences of the previous piece, up to overlap_chars.
            carry: list[str] = []
            carried = 0
            for prev in reversed(current):
                if carried + len(prev) > overlap_chars:
                    break
                carry.insert(0, prev)
                carried += len(prev)
            current, length = carry, carried
        current.append(sentence)
        length += len(sentence)
    if current:
        pieces.append(_join(current))
    return pieces


def _join(sentences: list[str]) -> str:
    """Join sentences: nothing between Chinese ones, a space between Latin ones."""
    out = sentences[0]
    for sentence in sentences[1:]:
        latin = out[-1].isascii() and sentence[0].isascii()
        out += (" " if latin else "") + sentence
    return out
