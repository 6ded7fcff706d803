"""The staff password policy: long enough and not guessable (zxcvbn's frequency lists, offline).

zxcvbn ships lists of the most common passwords, names and words and estimates how many guesses
a password takes; anything below "safely unguessable" (score 3) is refused, as is a password
built from the user's own name or the bank's. argon2id hashing stays in ``staff_accounts``.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from assistant.errors import UserError

MIN_SCORE = 3
MAX_LENGTH = 128  # argon2 takes any length; the cap keeps zxcvbn's work bounded


class WeakPassword(UserError):
    pass


def check_password(password: str, min_length: int, user_inputs: list[str] | tuple[str, ...] = ()) -> None:
    """Raise ``WeakPassword`` with a reason staff can act on; return quietly when the password is fine."""
    if len(password) < min_length:
        raise WeakPassword(f"密码至少 {min_length} 个字符 (at least {min_length} characters)")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"密码最长 {MAX_LENGTH} 个字符 (at most {MAX_LENGTH} characters)")
    result = zxcvbn(password, user_inputs=[u for u in user_inputs if u])
    if result["score"] < MIN_SCORE:
        warning = result["feedback"].get("warning") or "easy to guess"
        raise WeakPassword(f"密码太容易被猜到，请换一个更长、更不常见的密码 ({warning})")
