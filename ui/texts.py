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
    return accept_language(request.headers.get("accept-language", "") if request is not None else "")


def accept_language(header: str) -> str:
    """The language of ours (zh, en) that an ``Accept-Language`` header prefers; Chinese when it names neither.
    ``en-US,en;q=0.9,zh;q=0.8`` → en; ``zh-CN,zh;q=0.9,en;q=0.8`` → zh; ``fr,en;q=0.5`` → en."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.lower().split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-")[0]
        if primary in ("zh", "en") and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else "zh"
