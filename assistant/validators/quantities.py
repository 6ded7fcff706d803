"""Amounts of money (万/亿, Chinese numerals), years in business, loan terms."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import cn2an

from assistant.validators.base import Rejected, Validated, ValidationContext, normalise

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿点壹贰叁肆伍陆柒捌玖拾佰仟"
_NUMBER = re.compile(rf"(\d[\d,]*(?:\.\d+)?|[{_CN_DIGITS}]+)\s*"
                     r"(千万|百万|十万|万|亿|千|百|million|billion|k|w|m)?(?![a-z])", re.I)
_MULTIPLIER = {"千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4, "亿": 10**8, "千": 10**3, "百": 100,
               "k": 10**3, "w": 10**4, "m": 10**6, "million": 10**6, "billion": 10**9}


def _to_decimal(number: str) -> Decimal | None:
    number = number.replace(",", "")
    try:
        if re.fullmatch(r"\d+(\.\d+)?", number):
            return Decimal(number)
        return Decimal(str(cn2an.cn2an(number.replace("两", "二"), "smart")))
    except (InvalidOperation, ValueError, KeyError):
        pass
    # cn2an reads 一亿二千万 but not 一点二亿: read the decimal part and apply the trailing unit.
    # Only for a decimal point: 三五百万 (300–500万) must stay unreadable, not become 35百万.
    if (m := re.fullmatch(r"(.+点.+?)(千万|百万|十万|万|亿)", number)) and (head := _to_decimal(m[1])) is not None:
        return head * _MULTIPLIER[m[2]]
    return None


# 三百来万, 三百多万, 十几万, 1000余元: the round number said, with its unit (approximate, see amount()).
_APPROX_FILLER = re.compile(rf"(?<=[\d{_CN_DIGITS}])(来|多|余|几)(?=\s*(?:千万|百万|十万|万|亿|千|百|元|块))")
_RANGE = re.compile(r"\s*(?:-|~|～|—|到|至)\s*")
_APPROX_WORDS = re.compile(r"左右|上下|大概|大约|约|差不多|将近|接近")


# 一个亿, 两个亿: spoken with a measure word between the number and its unit.
_MEASURE_WORD = re.compile(rf"(?<=[\d{_CN_DIGITS}])个(?=\s*(?:亿|千万|百万|万))")


def parse_quantity(text: str) -> Decimal | None:
    """The first number in ``text`` with its unit applied: 500万 → 5000000, 一点二亿 → 120000000.

    Adjacent parts add up (1亿2千万 → 120000000); in a range the unit after the second number is
    the first's too (300-500万 → 3000000, the lower bound).
    """
    raw = _APPROX_FILLER.sub("", _MEASURE_WORD.sub("", normalise(text)))
    matches = [m for m in _NUMBER.finditer(raw) if _to_decimal(m.group(1)) is not None]
    for index, match in enumerate(matches):
        value = _to_decimal(match.group(1))
        assert value is not None
        unit = (match.group(2) or "").lower()
        following = matches[index + 1:]
        if not unit and following and _RANGE.fullmatch(raw[match.end():following[0].start()]):
            unit = (following[0].group(2) or "").lower()
        total = value * _MULTIPLIER.get(unit, 1)
        previous_unit = _MULTIPLIER.get(unit, 1)
        for part in following:  # 1亿2千万: a smaller unit straight after a larger one adds to it
            part_unit = (part.group(2) or "").lower()
            if part.start() != match.end() or not part_unit or _MULTIPLIER[part_unit] >= previous_unit:
                break
            total += _to_decimal(part.group(1)) * _MULTIPLIER[part_unit]  # type: ignore[operator]
            previous_unit, match = _MULTIPLIER[part_unit], part
        return total
    return None


def is_approximate(text: str) -> bool:
    raw = normalise(text)
    return bool(_APPROX_FILLER.search(raw) or _APPROX_WORDS.search(raw)
                or re.search(rf"[\d{_CN_DIGITS}]\s*(?:-|~|～|—|到|至)\s*[\d{_CN_DIGITS}]", raw))


def money_display(value: Decimal) -> str:
    if value >= 10**8 and value % 10**6 == 0:
        return f"{(value / 10**8).normalize():f}亿元"
    if value >= 10**4 and value % 100 == 0:
        return f"{(value / 10**4).normalize():f}万元"
    return f"{value:.2f}元"


def amount(text: str, ctx: ValidationContext) -> Validated | Rejected:
    """Money in yuan. A bare small number in a loan question means 万 (贷300 → 300万), as clients speak."""
    raw = normalise(text)
    if len(raw) > 200:
        return Rejected("amount")
    value = parse_quantity(raw)
    if value is None or value <= 0:
        return Rejected("amount")
    has_unit = re.search(r"[万亿千百元块]|k|w|m(illion)?|billion|rmb|cny|yuan", raw, re.I)
    if not has_unit and ctx.options.get("bare_number_unit") == "万" and value < 100_000:
        value *= 10**4
    minimum, maximum = Decimal(str(ctx.options.get("min", 0.01))), Decimal(str(ctx.options.get("max", 10**11)))
    if not minimum <= value <= maximum:
        return Rejected("amount_range")
    value = value.quantize(Decimal("0.01"))
    # An approximation (三百来万, 300-500万, 大概500万) keeps the round number said, shown back with 约
    # so the client sees it was read as an estimate and can correct it at the confirmation.
    return Validated(f"{value:.2f}", ("约" if is_approximate(raw) else "") + money_display(value))


def years(text: str, ctx: ValidationContext) -> Validated | Rejected:
    """Years in business: 3年, 三年多, 半年, 18个月, 2019年成立 (a year is turned into an age)."""
    raw = normalise(text)
    if re.search(r"半年|几个月|刚成立|不到一年|less than a year", raw, re.I):
        return Validated(0.5, "不足1年")
    founded = re.search(r"((?:19|20)\d{2})\s*年?", raw)
    said_founded = re.search(r"成立|注册|开业|since|founded|established", raw, re.I)
    if founded and (said_founded or raw.strip() == founded.group(0)):
        age = ctx.today.year - int(founded.group(1))
        if 0 <= age <= 100:
            return Validated(float(age), f"{age}年")
    months = re.search(r"(\d+|[一二两三四五六七八九十]+)\s*个?月", raw)
    value = parse_quantity(raw)
    if months:
        month_value = _to_decimal(months.group(1))
        if month_value is not None:
            value = (month_value / 12).quantize(Decimal("0.1"))
    if value is None or not 0 <= value <= 100:
        return Rejected("years")
    return Validated(float(value), f"{value.normalize():f}年")


def term_months(text: str, ctx: ValidationContext) -> Validated | Rejected:
    """Loan term in months: 12个月, 1年, 三年, 36 months, 半年."""
    raw = normalise(text)
    if "半年" in raw or re.search(r"half a year|six months", raw, re.I):
        return Validated(6, "6个月")
    value = parse_quantity(raw)
    if value is None:
        return Rejected("term")
    months = value * 12 if re.search(r"年|year", raw, re.I) and not re.search(r"月|month", raw, re.I) else value
    months_int = int(months)
    if not 1 <= months_int <= 360:
        return Rejected("term")
    return Validated(months_int, f"{months_int}个月")
