"""Client-facing wording outside the flow files, in Chinese and English (texts.yaml, editable by the bank)."""

from __future__ import annotations

from pathlib import Path

import yaml

_DATA = yaml.safe_load(Path(__file__).with_name("texts.yaml").read_text(encoding="utf-8"))
HINTS: dict[str, dict[str, str]] = _DATA["hints"]
TEXTS: dict[str, dict[str, str]] = _DATA["texts"]
VERDICTS: dict[str, dict[str, str]] = _DATA["verdicts"]
DOC_TYPES: dict[str, dict[str, str]] = _DATA["doc_types"]


def text(key: str, lang: str, **values: str) -> str:
    return TEXTS[key][lang].format(**values)
