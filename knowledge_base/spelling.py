"""English typos: "mortage" → "mortgage", "bulding" → "building", "recievable" → "receivable".

The English counterpart of ``pinyin``: a word the knowledge base never uses but which is one slip
(a letter left out, doubled or swapped) from a word it does use is read as that word. Only words
of five letters or more are corrected, and only when exactly one known word is that close.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

MIN_LEN = 5
_WORD = re.compile(r"[A-Za-z]+")
# A few very common shorthand spellings of function words, which no vocabulary holds.
_SHORTHAND = {"wats": "what's", "whats": "what's", "wat": "what", "pls": "please", "plz": "please",
              "u": "you", "ur": "your", "abt": "about", "thx": "thanks"}


class SpellingCorrector:
    def __init__(self, texts: Iterable[str]) -> None:
        self._known = {w.lower() for text in texts for w in _WORD.findall(text)}
        self._candidates = sorted(w for w in self._known if len(w) >= MIN_LEN - 1)

    def correct(self, text: str) -> str:
        """``text`` with each misspelt English word replaced by the knowledge-base word it is closest to."""
        if not text.isascii():
            return text
        return _WORD.sub(lambda m: self._word(m.group(0)), text)

    def _word(self, word: str) -> str:
        low = word.lower()
        if low in _SHORTHAND:
            return _SHORTHAND[low]
        if len(low) < MIN_LEN or low in self._known:
            return word
        return self._closest(low) or word

    @lru_cache(maxsize=4096)  # noqa: B019 - one corrector per knowledge base, kept for its lifetime
    def _closest(self, low: str) -> str | None:
        pool = [w for w in self._candidates if abs(len(w) - len(low)) <= 1 and w[0] == low[0]]
        matches = [w for w in pool if _one_slip(low, w)]
        return min(matches) if len(matches) == 1 else None  # two candidates: no way to choose


def _one_slip(typed: str, word: str) -> bool:
    """A letter left out or doubled (mortage, bulding), two letters swapped (recieve), or, in a word
    of eight letters or more, one letter wrong. One wrong letter in a short word is usually another
    word (factory is not factors), so it is not a slip."""
    if len(typed) + 1 == len(word):
        return any(word[:i] + word[i + 1:] == typed for i in range(len(word)))
    if len(typed) == len(word) + 1:
        return any(typed[:i] + typed[i + 1:] == word for i in range(len(typed)))
    diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(diff) == 2 and diff[1] == diff[0] + 1:
        i = diff[0]
        return typed[i] == word[i + 1] and typed[i + 1] == word[i]
    return len(diff) == 1 and len(word) >= 8
