"""Which language to answer in: the client's (Chinese by default)."""

from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]


def detect_language(text: str) -> Language:
    """English when Latin letters clearly outnumber Chinese characters, else Chinese."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "en" if latin >= 8 and latin > 3 * cjk else "zh"
