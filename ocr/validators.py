"""Domain rules for identifiers and money, and repairs of OCR misreads those rules make safe.

Every repair is returned alongside the repaired value so the caller can report it; nothing here
changes a value silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# GB 32100-2015: 31 characters, no I, O, Z, S, V (too easily confused).
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# Characters OCR confuses for digits, in numeric fields only.
DIGIT_LOOKALIKES = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1",
    "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9",
}
# Look-alikes of the financial numerals (大写) seen in OCR output of invoices.
CN_NUMERAL_LOOKALIKES = {
    "参": "叁", "叄": "叁", "弎": "叁", "武": "贰", "戴": "贰", "贷": "贰", "貳": "贰", "弍": "贰",
    "任": "仟", "千": "仟", "阡": "仟", "百": "佰", "陌": "佰", "十": "拾", "抬": "拾", "拴": "拾",
    "圓": "圆", "億": "亿", "萬": "万", "壱": "壹", "另": "零", "陸": "陆", "柴": "柒", "染": "柒",
    "玫": "玖", "久": "玖", "俉": "伍", "仵": "伍", "肄": "肆", "建": "肆", "㭍": "柒",
}


@dataclass(frozen=True)
class Repair:
    field: str
    before: str
    after: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "before": self.before, "after": self.after, "reason": self.reason}


# Credit codes ------------------------------------------------------------------------------
def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    return bool(_CREDIT_SHAPE.match(code)) and credit_check_char(code[:17]) == code[17]


def _org_code_valid(code: str) -> bool:
    """GB 11714 organisation code (9 chars), the core of legacy 15-character tax ids."""
    if not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", code):
        return False
    values = [int(ch, 36) for ch in code[:8]]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    expected = {10: "X", 11: "0"}.get(check, str(check))
    return code[8] == expected


def tax_id_kind(tax_id: str) -> str | None:
    """'credit_code', 'legacy' or None when the id is neither."""
    if len(tax_id) == 18 and is_valid_credit_code(tax_id):
        return "credit_code"
    if len(tax_id) == 15 and tax_id[:6].isdigit() and _org_code_valid(tax_id[6:]):
        return "legacy"
    # 18/20: a resident id number (plus two characters), used by individual businesses; the id's own
    # check digit is verified. Region codes start 1-8, so a credit code (9…) cannot slip through.
    if len(tax_id) in (18, 20) and _resident_id_valid(tax_id[:18]):
        return "legacy"
    # 17: a 15-digit (first generation) id plus two characters; only the shape can be checked.
    if re.fullmatch(r"[1-8]\d{14}[0-9A-Z]{2}", tax_id):
        return "legacy"
    return None


def _resident_id_valid(number: str) -> bool:
    """GB 11643 resident id: 17 digits and an ISO 7064 MOD 11-2 check character."""
    if not re.fullmatch(r"[1-8]\d{16}[\dX]", number):
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17]


def repair_credit_code(code: str, field: str) -> tuple[str, list[Repair]]:
    """Recover one misread character using the check character.

    A character outside the code's alphabet (I, O, Z, S, V) marks the misread position, and the check
    character then fixes its value uniquely. A code made only of valid characters is never changed:
    any single position can be "fixed" arithmetically (about 40% of wrong codes have a look-alike
    swap that validates), so guessing would turn a bad code into a good one.
    """
    code = code.upper().replace(" ", "")
    if len(code) != 18 or is_valid_credit_code(code):
        return code, []
    bad = [i for i, ch in enumerate(code) if ch not in CREDIT_CHARSET]
    candidates: set[str] = set()
    if len(bad) == 1:
        i = bad[0]
        for ch in CREDIT_CHARSET:
            trial = code[:i] + ch + code[i + 1 :]
            if is_valid_credit_code(trial):
                candidates.add(trial)
    if len(candidates) == 1:
        fixed = candidates.pop()
        pos = next(i for i in range(18) if fixed[i] != code[i])
        return fixed, [Repair(field, code, fixed, f"第{pos + 1}位由校验码还原：{code[pos]}→{fixed[pos]}")]
    return code, []


# Digits -------------------------------------------------------------------------------------
def repair_digits(text: str, field: str, keep: str = "") -> tuple[str, list[Repair]]:
    """Replace letters that look like digits in a field that can only hold digits (and ``keep``)."""
    out = []
    for ch in text:
        if ch.isdigit() or ch in keep:
            out.append(ch)
        elif ch in DIGIT_LOOKALIKES:
            out.append(DIGIT_LOOKALIKES[ch])
        elif ch in " ":
            continue
        else:
            out.append(ch)
    fixed = "".join(out)
    if fixed != text.replace(" ", ""):
        return fixed, [Repair(field, text, fixed, "数字栏中的形近字母已更正")]
    return fixed, []


def parse_money(text: str, field: str) -> tuple[Decimal | None, list[Repair]]:
    # A small, blurred ¥ is often read as Y, V or X; it is the currency sign, not part of the figure.
    text = re.sub(r"^\s*[YVXy]\s*(?=\d)", "", text)
    cleaned = re.sub(r"[¥￥,，\s]|^[A-Za-z]?[:：]", "", text)
    cleaned, repairs = repair_digits(cleaned, field, keep=".-")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", cleaned):
        return None, repairs
    try:
        return Decimal(cleaned).quantize(Decimal("0.01")), repairs
    except InvalidOperation:
        return None, repairs


# Amount in words ------------------------------------------------------------------------------
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def repair_amount_words(text: str, field: str) -> tuple[str, list[Repair]]:
    fixed = "".join(CN_NUMERAL_LOOKALIKES.get(ch, ch) for ch in text)
    if fixed != text:
        changes = "、".join(f"{a}→{b}" for a, b in zip(text, fixed, strict=True) if a != b)
        return fixed, [Repair(field, text, fixed, f"大写金额形近字已更正：{changes}")]
    return fixed, []


def words_to_decimal(words: str) -> Decimal | None:
    """Parse 大写 money such as 壹万贰仟叁佰肆拾伍元陆角柒分; None if it is not well formed."""
    text = words.strip().replace("圆", "元").rstrip("整正")
    text = re.sub(r"^(人民币|￥|¥)", "", text)
    if not text or any(ch not in _DIGITS + "拾佰仟万亿元角分" for ch in text):
        return None
    integer_part, _, fraction = text.partition("元")
    if "元" not in text:
        integer_part, fraction = "", text
    total = 0
    section = 0
    digit = 0
    for ch in integer_part:
        if ch in _DIGITS:
            digit = _DIGITS.index(ch)
        elif ch in _SMALL_UNITS:
            section += (digit or (1 if ch == "拾" and section == 0 else 0)) * _SMALL_UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
    total += section + digit
    cents = 0
    match = re.fullmatch(r"(?:零)?(?:([壹贰叁肆伍陆柒捌玖])角)?(?:零)?(?:([壹贰叁肆伍陆柒捌玖])分)?", fraction)
    if match is None:
        return None
    if match.group(1):
        cents += _DIGITS.index(match.group(1)) * 10
    if match.group(2):
        cents += _DIGITS.index(match.group(2))
    return Decimal(total) + Decimal(cents) / 100


def decimal_to_words(amount: Decimal) -> str:
    """The canonical 大写 form used on Chinese invoices, e.g. 壹万零贰拾元整."""
    amount = amount.quantize(Decimal("0.01"))
    yuan = int(amount)
    jiao, fen = divmod(int((amount - yuan) * 100), 10)
    parts = []
    if yuan:
        parts.append(_integer_words(yuan) + "元")
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif fen and yuan:
        parts.append("零")
    if fen:
        parts.append(_DIGITS[fen] + "分")
    if not jiao and not fen:
        parts.append("整" if yuan else "零元整")
    return "".join(parts)


def _integer_words(number: int) -> str:
    groups = []
    for unit in ("", "万", "亿"):
        groups.append((number % 10_000, unit))
        number //= 10_000
        if not number:
            break
    out = ""
    pending_zero = False
    for value, unit in reversed(groups):
        if value == 0:
            pending_zero = bool(out)
            continue
        if out and (value < 1000 or pending_zero):
            out += "零"
        out += _four_digits(value) + unit
        pending_zero = False
    return out


def _four_digits(value: int) -> str:
    out = ""
    zero = False
    for unit, base in (("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)):
        d = value // base % 10
        if d:
            if zero and out:
                out += "零"
            out += _DIGITS[d] + unit
            zero = False
        else:
            zero = True
    return out
