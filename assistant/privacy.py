"""Masking of personal information for logs and for staff views that do not need the full value (PIPL).

The patterns are at least as wide as the validators: whatever form a validator accepts a mobile,
credit code or ID number in (full-width digits, spaces, hyphens, lower case), the mask hides it.
"""

from __future__ import annotations

import re

# Full-width digits, letters, space and dashes, as clients type them on a Chinese keyboard; the
# validators read them through NFKC, so the masks must see them as ASCII too. Only these characters
# are folded, so Chinese punctuation (，。) in the masked text stays as the client wrote it.
_FOLD = {**{0xFF10 + i: ord("0") + i for i in range(10)}, **{0xFF21 + i: ord("A") + i for i in range(26)},
         **{0xFF41 + i: ord("a") + i for i in range(26)}, 0x3000: ord(" "), 0xFF0D: ord("-"), 0x2010: ord("-"),
         0x2011: ord("-"), 0x2012: ord("-"), 0x2013: ord("-"), 0x2014: ord("-"), 0xFE63: ord("-"),
         0xFF0B: ord("+")}
_SEP = r"[ \t-]?"

# Mobiles: 13912345678, 139 1234 5678, 139-1234-5678, +86 13912345678, 8613912345678. The middle
# four digits are hidden, separators kept.
_MOBILE = re.compile(r"(?<![\d*])((?:\+?86[\s-]?)?1[3-9]\d[\s-]?)(\d{4})([\s-]?\d{4})(?![\d*])")
# Credit codes: 18 characters, a separator allowed between any two (the validator drops them all).
_CREDIT_CODE = re.compile(r"(?<![0-9A-Z*])([0-9A-Z](?:" + _SEP + r"[0-9A-Z]){17})(?![0-9A-Z*])", re.I)
_ID_CARD = re.compile(r"(?<![\d*])(\d{6})" + _SEP + r"(\d{4}" + _SEP + r"?\d{4})" + _SEP
                      + r"(\d{3}[\dXx])(?![\dXx*])")


def fold(text: str) -> str:
    return text.translate(_FOLD)


def mask_mobile(mobile: str) -> str:
    """13912345678 → 139****5678."""
    return _MOBILE.sub(lambda m: m[1] + "****" + m[3], fold(mobile))


def _credit(match: re.Match[str]) -> str:
    raw = match[1]
    compact = re.sub(r"[ \t-]", "", raw)
    # A credit code starts with its authority, type and six-digit region code: 18 letters of an
    # English sentence never do, so words are left alone.
    if sum(ch.isdigit() for ch in compact[:8]) < 7:
        return raw
    return compact[:4] + "*" * 10 + compact[-4:]


def mask_credit_code(code: str) -> str:
    """91350100M000100Y43 → 9135**********0Y43 (also with spaces or hyphens inside)."""
    return _CREDIT_CODE.sub(_credit, fold(code))


def mask_id_card(text: str) -> str:
    return _ID_CARD.sub(lambda m: m[1] + "*" * 8 + m[3], fold(text))


def mask_text(text: str) -> str:
    """Mask every mobile number, credit code and ID-card number found in free text."""
    return mask_mobile(mask_credit_code(mask_id_card(text)))


# What a client may learn about other clients: nothing. These shape the lines a client is shown
# where the check itself looked at other clients' records.
_CLIENT_SAFE_CHECKS = {
    "duplicate": {"warn": "该文件此前已提交核验过，请确认不是重复申请；如有疑问工作人员会与您联系",
                  "fail": "该发票需人工复核（查重），工作人员会与您联系"},
}


def client_urgent(reasons: list[str]) -> bool:
    """Urgency as the client is told it: a repeat complaint (found from others' tickets) is not said."""
    return bool(set(reasons or []) - {"repeat"})


def client_check_message(name: str | None, status: str | None, message: str | None) -> str | None:
    """A check's line for the client: the duplicate check's says nothing of who submitted when."""
    safe = _CLIENT_SAFE_CHECKS.get(name or "", {}).get(status or "")
    return safe if safe is not None else message
