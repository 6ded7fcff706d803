"""Staff accounts: creating users, checking passwords (argon2id hashes, never the password itself),
disabling, enabling and resetting them; each account's token version revokes its tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import UserError
from assistant.masking import SEES_ALL
from assistant.passwords import check_password
from assistant.store.models import AuditLog, StaffUser

ROLES = ("agent", "supervisor", "admin")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified when the user does not exist, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class StaffIdentity:
    id: int
    username: str
    role: str
    token_version: int = 0

    @property
    def actor(self) -> str:
        return f"staff:{self.username}"

    @property
    def sees_all(self) -> bool:
        return self.role in SEES_ALL


def _identity(user: StaffUser) -> StaffIdentity:
    return StaffIdentity(user.id, user.username, user.role, user.token_version or 0)


def _audit(db: Session, action: str, username: str, now: datetime, by: str = "system", **detail: object) -> None:
    db.add(AuditLog(at=now, actor=by, action=action, entity_type="staff_user", entity_id=username, detail=detail))


def add_staff(db: Session, username: str, role: str, password: str, display_name: str | None = None,
              replace: bool = False, min_length: int = MIN_PASSWORD) -> StaffUser:
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise UserError("用户名不能为空、不能含空格，最长64个字符")
    if role not in ROLES:
        raise UserError(f"角色必须是 {'、'.join(ROLES)} 之一")
    check_password(password, min_length, (username, display_name or ""))
    now = datetime.now(UTC)
    user = db.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is not None and not replace:
        raise UserError(f"用户 {username} 已存在（用 --replace 重设角色和密码）")
    if user is None:
        user = StaffUser(username=username, display_name=display_name or username, role=role, created_at=now,
                         token_version=0)
        db.add(user)
    else:
        user.token_version = (user.token_version or 0) + 1  # a replaced account's old tokens end here
    user.role, user.password_hash, user.active, user.password_changed_at = role, _hasher.hash(password), True, now
    if display_name:
        user.display_name = display_name
    db.flush()
    _audit(db, "staff_saved", username, now, role=role)
    return user


def _get(db: Session, username: str) -> StaffUser:
    user = db.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None:
        raise UserError(f"用户 {username} 不存在")
    return user


def set_active(db: Session, username: str, active: bool, by: str = "system") -> StaffUser:
    """Disable (or enable) an account; disabling ends every token it holds at once."""
    user = _get(db, username)
    user.active = active
    user.token_version = (user.token_version or 0) + 1
    _audit(db, "staff_enabled" if active else "staff_disabled", user.username, datetime.now(UTC), by)
    return user


def reset_password(db: Session, username: str, password: str, by: str = "system",
                   min_length: int = MIN_PASSWORD) -> StaffUser:
    user = _get(db, username)
    check_password(password, min_length, (user.username, user.display_name))
    now = datetime.now(UTC)
    user.password_hash, user.password_changed_at = _hasher.hash(password), now
    user.token_version = (user.token_version or 0) + 1
    _audit(db, "staff_password_reset", user.username, now, by)
    return user


def revoke_tokens(db: Session, user_id: int) -> None:
    """Logout: every token issued to this account so far stops working."""
    user = db.get(StaffUser, user_id)
    if user is not None:
        user.token_version = (user.token_version or 0) + 1


def authenticate(db: Session, username: str, password: str) -> StaffIdentity | None:
    user = db.scalar(select(StaffUser).where(StaffUser.username == username.strip()[:64]))
    stored = user.password_hash if user is not None and user.active and user.password_hash else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password[:1024])
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):  # parameters were raised since this hash was made
        user.password_hash = _hasher.hash(password)
    return _identity(user)


def identity(db: Session, user_id: int, token_version: int = 0) -> StaffIdentity | None:
    """The staff member behind a token, if still active and the token not revoked since."""
    user = db.get(StaffUser, user_id)
    if user is None or not user.active or (user.token_version or 0) != token_version:
        return None
    return _identity(user)
