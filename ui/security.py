"""Secrets, signed staff tokens, unguessable chat session ids, opaque file links.

The secret comes from ``SME_SECRET_KEY``; when unset, one is generated once into the data dir (so
every worker on the machine shares it and a restart keeps staff logged in) and the log says so.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from assistant.settings import Settings

log = logging.getLogger(__name__)
SECRET_FILE = "secret_key"


def load_secret(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = settings.assistant_data_dir / SECRET_FILE
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # O_EXCL: two workers, one secret
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        log.warning("SME_SECRET_KEY is unset: generated a secret key and stored it in %s", path)
    else:
        log.info("SME_SECRET_KEY is unset: using the secret key stored in %s", path)
    return Path(path).read_text().strip()


@dataclass(frozen=True)
class StaffClaims:
    user_id: int
    username: str
    version: int = 0


@dataclass(frozen=True)
class FileClaims:
    path: str
    actor: str  # who the link was made for: "staff:<name>" or "client:<channel>"


class Signer:
    def __init__(self, secret: str, token_ttl_s: int) -> None:
        self._secret = secret.encode()
        self._tokens = URLSafeTimedSerializer(secret, salt="staff-token")
        self.token_ttl_s = token_ttl_s
        # File links are encrypted, not only signed: a signed token is readable base64 and showed
        # the server's path to whoever held the link.
        key = hmac.new(self._secret, b"file-links", hashlib.sha256).digest()
        self._files = Fernet(base64.urlsafe_b64encode(key))

    # staff tokens ------------------------------------------------------------------------------
    def staff_token(self, user_id: int, username: str, version: int = 0) -> str:
        return self._tokens.dumps({"uid": user_id, "u": username, "v": version})

    def read_staff_token(self, token: str) -> StaffClaims | None:
        try:
            data = self._tokens.loads(token, max_age=self.token_ttl_s)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
            return None
        version = data.get("v", 0)
        return StaffClaims(data["uid"], str(data.get("u", "")), version if isinstance(version, int) else -1)

    def csrf_for(self, token: str) -> str:
        """Console forms carry this; a page on another site cannot compute it."""
        return hmac.new(self._secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()[:32]

    def login_csrf(self) -> str:
        """Before login there is no token to derive from: a fresh nonce with its MAC goes into a cookie
        and the form (double submit); another site can neither read the cookie nor forge the MAC."""
        nonce = secrets.token_hex(12)
        return f"{nonce}.{hmac.new(self._secret, b'login:' + nonce.encode(), hashlib.sha256).hexdigest()[:24]}"

    def login_csrf_ok(self, cookie: str, form: str) -> bool:
        nonce, _, mac = cookie.partition(".")
        expected = hmac.new(self._secret, b"login:" + nonce.encode("utf-8", "surrogatepass"),
                            hashlib.sha256).hexdigest()[:24]
        return bool(nonce) and hmac.compare_digest(cookie.encode("utf-8", "surrogatepass"),
                                                   form.encode("utf-8", "surrogatepass")) and \
            hmac.compare_digest(mac.encode("utf-8", "surrogatepass"), expected.encode())

    # chat sessions ------------------------------------------------------------------------------
    def new_session_id(self) -> str:
        nonce = secrets.token_hex(12)
        return f"{nonce}.{self._mac(nonce)}"

    def session_ok(self, session_id: str) -> bool:
        """Only ids this service issued are accepted, so nobody continues a session by guessing its id."""
        nonce, _, mac = session_id.partition(".")
        # As bytes: compare_digest refuses non-ASCII str with a TypeError (a 500 for a forged id).
        return bool(nonce) and len(session_id) <= 64 and hmac.compare_digest(
            mac.encode("utf-8", "surrogatepass"), self._mac(nonce).encode())

    def _mac(self, nonce: str) -> str:
        message = b"session:" + nonce.encode("utf-8", "surrogatepass")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:16]

    # file links ------------------------------------------------------------------------------
    def file_token(self, path: str, actor: str = "client") -> str:
        payload = json.dumps({"p": path, "a": actor}, ensure_ascii=False).encode()
        return self._files.encrypt(payload).decode()

    def read_file(self, token: str, max_age_s: int = 86_400) -> FileClaims | None:
        try:
            data = json.loads(self._files.decrypt(token.encode("utf-8", "surrogatepass"), ttl=max_age_s))
        except (InvalidToken, ValueError, UnicodeError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("p"), str):
            return None
        return FileClaims(data["p"], str(data.get("a", "client")))

    def read_file_token(self, token: str, max_age_s: int = 86_400) -> str | None:
        claims = self.read_file(token, max_age_s)
        return claims.path if claims else None
