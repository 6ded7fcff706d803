"""Masking of personal information for logs and for staff views that do not need the full value (PIPL)."""

from __future__ import annotations

import re

# Mobiles as clients type them (and as the mobile validator accepts them): 13912345678, 139 1234 5678,
# 139-1234-5678, +86 13912345678, 8613912345678. The middle four digits are hidden, separators kept.
_MOBILE = re.compile(r"(?<![\d*])((?:\+?86[\s-]?)?1[3-9]\d[\s-]?)(\d{4})([\s-]?\d{4})(?![\d*])")
_CREDIT_CODE = re.compile(r"(?<![0-9A-Z])([0-9A-Z]{4})[0-9A-Z]{10}([0-9A-Z]{4})(?![0-9A-Z])", re.I)
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")


def mask_mobile(mobile: str) -> str:
    """13912345678 → 139****5678."""
    return _MOBILE.sub(lambda m: m[1] + "****" + m[3], mobile)


def mask_credit_code(code: str) -> str:
    """91350100M000100Y43 → 9135**********0Y43."""
    return _CREDIT_CODE.sub(lambda m: m[1] + "*" * 10 + m[2], code)


def mask_text(text: str) -> str:
    """Mask every mobile number, credit code and ID-card number found in free text (for logs)."""
    return mask_mobile(mask_credit_code(_ID_CARD.sub(lambda m: m[1] + "*" * 8 + m[2], text)))
