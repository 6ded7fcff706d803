"""The one catalogue of client-facing text (``client.yaml``), in Chinese and English.

The bank edits the YAML; code asks for a message by key (``text``) and fills its placeholders.
Sections: ``dialogue`` (the assistant's own lines), ``channel`` (what the channels say: request
errors, holding messages), ``hints`` (why a flow answer was not accepted), ``verdicts`` and
``doc_types`` (labels for document checks), ``widget`` (the web widget's interface), ``fields`` and
``checks`` (document fields and checks as a client is told them). The flows' questions live beside their steps in
``assistant/flows/*.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

_DATA = yaml.safe_load(Path(__file__).with_name("client.yaml").read_text(encoding="utf-8"))
LANGUAGES = ("zh", "en")
DIALOGUE: dict[str, dict[str, str]] = _DATA["dialogue"]
CHANNEL: dict[str, dict[str, str]] = _DATA["channel"]
HINTS: dict[str, dict[str, str]] = _DATA["hints"]
VERDICTS: dict[str, dict[str, str]] = _DATA["verdicts"]
DOC_TYPES: dict[str, dict[str, str]] = _DATA["doc_types"]
WIDGET: dict[str, dict[str, str]] = _DATA["widget"]
FIELDS: dict[str, dict[str, str]] = _DATA["fields"]
CHECKS: dict[str, dict[str, str]] = _DATA["checks"]
_LINES = {**CHANNEL, **DIALOGUE, **WIDGET}
assert len(_LINES) == len(CHANNEL) + len(DIALOGUE) + len(WIDGET), "a key in two sections of client.yaml"


def text(key: str, lang: str = "zh", **values: str) -> str:
    """A dialogue or channel line in ``lang`` (Chinese when the language is not one we speak)."""
    entry = _LINES[key]
    return (entry.get(lang) or entry["zh"]).format(**values)


def label(table: dict[str, dict[str, str]], code: str, lang: str = "zh") -> str:
    """A code's label from one of the tables (``FIELDS``, ``CHECKS``, ``DOC_TYPES``); unknown codes as they are."""
    entry = table.get(code)
    return (entry.get(lang) or entry["zh"]) if entry else code
