"""The client's language for channel messages; the messages themselves are in the one catalogue.

Errors answer in the user's language (Chinese unless the client writes English or the browser
asks for it); every line, the channels' and the dialogue's, is in ``assistant/catalogue/client.yaml``.
"""

from __future__ import annotations

from starlette.requests import Request

from assistant.answering.language import detect_language
from assistant.catalogue import CHANNEL, text

MESSAGES = CHANNEL


def message(key: str, lang: str = "zh", **values: str) -> str:
    """A channel line from the catalogue (``assistant/catalogue/client.yaml``, section ``channel``)."""
    return text(key, lang, **values)


def request_language(request: Request | None, text: str | None = None) -> str:
    """The client's language: what they wrote, else what their browser asks for, else Chinese."""
    if text and detect_language(text) == "en":
        return "en"
    if text and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "zh"
    accept = (request.headers.get("accept-language", "") if request is not None else "").lower()
    return "en" if accept.startswith("en") else "zh"
