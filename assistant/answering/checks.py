"""Checks a generated reply must pass before a client sees it as final.

Each failure has a short reason (logged, counted, and the reply falls back to the extractive
answer): the reply cites a passage that was not given, states a figure no cited passage contains,
carries a link or an instruction-like phrase the passages do not, or makes claims whose words are
not in the passages it cites (what an obeyed injection or an invention looks like).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from assistant.answering.figures import unsupported_figures
from assistant.answering.guard import classify_scope
from assistant.answering.prompt import REFUSAL, Passage
from knowledge_base.chunking import split_sentences

_CITES = re.compile(r"\[(\d+(?:\s*[,，、]\s*\d+)*)\]")
_LINK = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|(?:微信|vx|wx|QQ)[号:：\s]*[A-Za-z0-9_-]{5,}", re.I)
# A sentence of the reply whose Chinese is mostly not in the cited passages is not grounded.
MIN_SENTENCE_SUPPORT = 0.4
MIN_CJK_TO_CHECK = 6


@dataclass
class Verdict:
    ok: bool
    reason: str = ""  # refused, empty, no_citation, unknown_citation, unsupported_figure, injection, unsupported_text
    detail: str = ""
    cited: list[int] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # the figures, as written


def citations_in(text: str) -> list[int]:
    numbers: list[int] = []
    for m in _CITES.finditer(text):
        for n in re.split(r"[,，、]", m.group(1)):
            if int(n) not in numbers:
                numbers.append(int(n))
    return numbers


def check_reply(text: str, passages: list[Passage]) -> Verdict:
    body = text.strip()
    if not body:
        return Verdict(False, "empty")
    if REFUSAL.rstrip("。") in body:
        return Verdict(False, "refused")
    cited = citations_in(body)
    if not cited:
        return Verdict(False, "no_citation")
    known = {p.number: p for p in passages}
    unknown = [n for n in cited if n not in known]
    if unknown:
        return Verdict(False, "unknown_citation", f"cites {unknown}, {len(passages)} passages given", cited)
    sources = [known[n].text for n in cited]
    missing = unsupported_figures(body, sources)
    if missing:
        return Verdict(False, "unsupported_figure", ", ".join(f.text for f in missing), cited,
                       [f.text for f in missing])
    joined = "".join(sources)
    links = [m.group() for m in _LINK.finditer(body) if m.group() not in joined]
    if links or classify_scope(_CITES.sub("", body)) == "injection":
        return Verdict(False, "injection", ", ".join(links) or "instruction-like wording", cited)
    source_bigrams = _cjk_bigrams(joined)
    for sentence in split_sentences(_CITES.sub("", body)):
        grams = _cjk_bigrams(sentence)
        if len(grams) + 1 < MIN_CJK_TO_CHECK:
            continue
        support = len(grams & source_bigrams) / len(grams)
        if support < MIN_SENTENCE_SUPPORT:
            return Verdict(False, "unsupported_text", f"{sentence.strip()[:60]} (support {support:.2f})", cited)
    return Verdict(True, cited=cited)


def _cjk_bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    return {a + b for a, b in itertools.pairwise(chars)}
