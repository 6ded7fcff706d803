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
        return None


def parse_quantity(text: str) -> Decimal | None:
    """The first number in ``text`` with its unit applied: 500万 → 5000000, 一点二亿 → 120000000."""
    for match in _NUMBER.finditer(normalise(text)):
        value = _to_decimal(match.group(1))
        if value is None:
            continue
        unit = (match.group(2) or "").lower()
        return value * _MULTIPLIER.get(unit, 1)
    return None


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
    return Validated(f"{value:.2f}", money_display(value))


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
