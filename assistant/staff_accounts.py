"""Staff accounts: creating users and checking passwords (argon2id hashes, never the password itself)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import UserError
from assistant.store.models import AuditLog, StaffUser

ROLES = ("agent", "supervisor", "admin")
SEES_ALL = ("supervisor", "admin")  # roles that see unmasked personal data without claiming
MIN_PASSWORD = 8
_hasher = PasswordHasher()
# Verified when the user does not exist, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class StaffIdentity:
    id: int
    username: str
    role: str

    @property
    def actor(self) -> str:
        return f"staff:{self.username}"

    @property
    def sees_all(self) -> bool:
        return self.role in SEES_ALL


def add_staff(db: Session, username: str, role: str, password: str, display_name: str | None = None,
              replace: bool = False) -> StaffUser:
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise UserError("用户名不能为空、不能含空格，最长64个字符")
    if role not in ROLES:
        raise UserError(f"角色必须是 {'、'.join(ROLES)} 之一")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")
    now = datetime.now(UTC)
    user = db.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is not None and not replace:
        raise UserError(f"用户 {username} 已存在（用 --replace 重设角色和密码）")
    if user is None:
        user = StaffUser(username=username, display_name=display_name or username, role=role, created_at=now)
        db.add(user)
    user.role, user.password_hash, user.active = role, _hasher.hash(password), True
    if display_name:
        user.display_name = display_name
    db.flush()
    db.add(AuditLog(at=now, actor="system", action="staff_saved", entity_type="staff_user", entity_id=username,
                    detail={"role": role}))
    return user


def authenticate(db: Session, username: str, password: str) -> StaffIdentity | None:
    user = db.scalar(select(StaffUser).where(StaffUser.username == username.strip()[:64]))
    stored = user.password_hash if user is not None and user.active and user.password_hash else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):  # parameters were raised since this hash was made
        user.password_hash = _hasher.hash(password)
    return StaffIdentity(user.id, user.username, user.role)


def identity(db: Session, user_id: int) -> StaffIdentity | None:
    """The staff member behind a token, if still active (a disabled account loses its tokens at once)."""
    user = db.get(StaffUser, user_id)
    if user is None or not user.active:
        return None
    return StaffIdentity(user.id, user.username, user.role)
