"""The channel interface (after Rasa's channel.py) and the text rendering shared by text-only channels.

An input channel turns a wire request into an ``IncomingMessage``; an output channel renders a
``Reply`` and degrades what it cannot show: quick replies become numbered lines, citations a
short source list. Nothing below the channel knows which one spoke.
"""

from __future__ import annotations

from typing import Any, Protocol

from assistant.dialogue import IncomingMessage, Reply
from ui.texts import message


class InputChannel(Protocol):
    name: str  # recorded on the conversation: "web", "api", "wechat", …

    def to_incoming(self, request: Any) -> IncomingMessage | None:
        """The message in a wire request, or None when the request carries nothing to answer."""


class OutputChannel(Protocol):
    def render(self, reply: Reply) -> Any:
        """The reply in this channel's wire format."""


def render_text(reply: Reply, max_chars: int = 600, max_sources: int = 2) -> str:
    """A reply for a channel that shows plain text only (WeChat, SMS-like channels)."""
    lang = reply.language
    body = reply.text.strip()
    if len(body) > max_chars:
        body = body[: max_chars - 1] + "…"
    lines = [body]
    sources = [_source_line(c) for c in reply.citations[:max_sources]]
    if sources:
        lines.append(f"{message('sources', lang)}：" + "；".join(sources))
    if reply.quick_replies:
        lines.append(message("reply_with_number", lang))
        lines += [f"{i}. {choice}" for i, choice in enumerate(reply.quick_replies, 1)]
    return "\n".join(lines)


def _source_line(citation: dict[str, Any]) -> str:
    return str(citation.get("section") or citation.get("title") or citation.get("source") or "")[:40]


def pick_numbered(text: str, choices: list[str]) -> str:
    """A bare number answers the numbered choices last shown; anything else passes through."""
    stripped = text.strip().rstrip(".。、")
    if stripped.isdigit() and choices and 1 <= int(stripped) <= len(choices):
        return choices[int(stripped) - 1]
    return text
