"""The validator contract and helpers shared by all validators."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True)
class ValidationContext:
    today: date
    options: dict[str, Any] = field(default_factory=dict)  # the step's YAML (choices, min_chars…)


@dataclass(frozen=True)
class Validated:
    value: Any  # JSON-serialisable: str, int, float, bool, list; Decimal/date as strings
    display: str  # how the value is read back to the client in the confirmation


@dataclass(frozen=True)
class Rejected:
    hint_key: str  # a key into the flow step's hints or the generic hints in dialogue.texts


class Validator(Protocol):
    def __call__(self, text: str, ctx: ValidationContext) -> Validated | Rejected: ...


def normalise(text: str) -> str:
    """Full-width digits/letters to ASCII (１３９ → 139), trimmed; clients type both."""
    return unicodedata.normalize("NFKC", text).strip()


CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")


def cjk_count(text: str) -> int:
    return len(CJK.findall(text))


def looks_meaningful(text: str, min_cjk: int = 2, min_words: int = 2) -> bool:
    """Enough Chinese characters or English words to be an answer, not emoji or keyboard mashing."""
    if cjk_count(text) >= min_cjk:
        return True
    words = [w for w in WORD.findall(text) if re.search(r"[aeiouy]", w, re.I)]
    return len(words) >= min_words
