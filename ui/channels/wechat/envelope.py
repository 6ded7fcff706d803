"""The WeChat Official Account channel: signed (and optionally AES-encrypted) XML in, text XML out.

Security before parsing: the URL signature is checked, requests older than the allowed clock skew
are refused (replays), the XML is parsed with defusedxml first (no DTDs, no entity expansion),
and only then handed to wechatpy. Rich replies degrade to text: quick replies become numbered
lines, and a bare number sent back picks that choice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from defusedxml import ElementTree as SafeXml
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from assistant.dialogue import Attachment, IncomingMessage, Reply
from assistant.settings import Settings
from ui.channels.base import pick_numbered, render_text


class WeChatRefused(Exception):
    """The request is forged, replayed or malformed; ``key`` names the ui.texts message."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status, self.key = status, key


@dataclass
class Envelope:
    """One verified inbound message and what is needed to answer it the same way."""

    message: Any  # a wechatpy message or event
    encrypted: bool
    nonce: str
    timestamp: str


class ChoiceMemory(Protocol):
    """Where the numbered choices last shown to a client are kept (the database when served)."""

    def put(self, openid: str, choices: list[str]) -> None: ...

    def take(self, openid: str) -> list[str]: ...


class NonceMemory(Protocol):
    """Where used (timestamp, nonce) pairs are kept (the database when served)."""

    def first_use(self, timestamp: str, nonce: str, body: bytes) -> bool: ...


class WeChatChannel:
    name = "wechat"

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time,
                 choices: ChoiceMemory | None = None, nonces: NonceMemory | None = None) -> None:
        if not settings.wechat_token:
            raise ValueError("SME_WECHAT_TOKEN is not set")
        self.token = settings.wechat_token
        self.skew_s = settings.wechat_max_clock_skew_s
        self.timezone = ZoneInfo(settings.timezone)
        self.crypto = (WeChatCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid or "")
                       if settings.wechat_aes_key else None)
        self._clock = clock
        self._choices: ChoiceMemory = choices if choices is not None else _Choices()
        self._nonces = nonces

    # verification --------------------------------------------------------------------------
    def verify(self, signature: str, timestamp: str, nonce: str) -> None:
        try:
            check_signature(self.token, signature, timestamp, nonce)
        except InvalidSignatureException as exc:
            raise WeChatRefused(403, "wechat_forbidden") from exc
        if not timestamp.isdigit() or abs(self._clock() - int(timestamp)) > self.skew_s:
            raise WeChatRefused(403, "wechat_stale")

    def open(self, body: bytes, query: dict[str, str]) -> Envelope:
        signature, timestamp, nonce = query.get("signature", ""), query.get("timestamp", ""), query.get("nonce", "")
        self.verify(signature, timestamp, nonce)
        if self._nonces is not None and not self._nonces.first_use(timestamp, nonce, body):
            raise WeChatRefused(403, "wechat_forbidden")  # a used (timestamp, nonce) with another message
        _defused(body)
        encrypted = query.get("encrypt_type", "raw") == "aes"
        if self.crypto is not None and not encrypted:
            # With an AES key configured, WeChat sends every message encrypted (safe or compatible
            # mode); a plaintext request is a downgrade, since only the ciphertext is signed.
            raise WeChatRefused(403, "wechat_forbidden")
        if encrypted:
            if self.crypto is None:
                raise WeChatRefused(400, "wechat_bad_xml")
            try:
                body = self.crypto.decrypt_message(body, query.get("msg_signature", ""), timestamp, nonce).encode()
            except (InvalidSignatureException, InvalidAppIdException) as exc:
                raise WeChatRefused(403, "wechat_forbidden") from exc
            except Exception as exc:  # undecryptable or malformed ciphertext
                raise WeChatRefused(400, "wechat_bad_xml") from exc
            _defused(body)
        try:
            message = parse_message(body)
            # wechatpy converts fields when first read: read them now, so a malformed CreateTime or
            # MsgId is refused here rather than failing later inside the turn.
            _ = (message.source, message.target, message.type, message.create_time, getattr(message, "id", None))
        except Exception as exc:
            raise WeChatRefused(400, "wechat_bad_xml") from exc
        return Envelope(message, encrypted, nonce, timestamp)

    # messages -------------------------------------------------------------------------------
    def dedupe_key(self, envelope: Envelope) -> str:
        m = envelope.message
        msg_id = getattr(m, "id", None)
        return f"id:{msg_id}" if msg_id else f"ev:{m.source}:{getattr(m, 'create_time', '')}:{m.type}"

    def to_incoming(self, envelope: Envelope, text: str | None = None,
                    attachment: Attachment | None = None) -> IncomingMessage:
        m = envelope.message
        # One conversation per client per local day; flows still resume across days (keyed by client).
        session = f"{m.source}:{datetime.fromtimestamp(self._clock(), self.timezone):%Y%m%d}"
        body = text if text is not None else pick_numbered(getattr(m, "content", "") or "",
                                                           self._choices.take(m.source))
        return IncomingMessage(self.name, m.source, session, body, attachment)

    def text_of(self, reply: Reply, openid: str) -> str:
        """The reply as WeChat text; remembers its numbered choices for the client's next message."""
        self._choices.put(openid, reply.quick_replies)
        return render_text(reply)

    def passive(self, envelope: Envelope, content: str) -> str:
        m = envelope.message
        xml = TextReply(source=m.target, target=m.source, content=content).render()
        if envelope.encrypted and self.crypto is not None:
            return self.crypto.encrypt_message(xml, envelope.nonce, envelope.timestamp)
        return xml


def _defused(body: bytes) -> None:
    try:
        SafeXml.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception as exc:  # DTDForbidden, EntitiesForbidden, ParseError …
        raise WeChatRefused(400, "wechat_bad_xml") from exc


@dataclass
class _Choices:
    """The numbered choices in this process only (one-process use; the bridge keeps them in the database)."""

    ttl_s: float = 1800
    items: dict[str, tuple[float, list[str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, openid: str, choices: list[str]) -> None:
        with self.lock:
            if choices:
                self.items[openid] = (time.monotonic(), list(choices))
            else:
                self.items.pop(openid, None)

    def take(self, openid: str) -> list[str]:
        with self.lock:
            at, choices = self.items.get(openid, (0.0, []))
            return choices if time.monotonic() - at < self.ttl_s else []
