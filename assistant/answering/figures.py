"""Figures in Chinese financial text: amounts, percentages, durations and bare numbers.

The LLM may phrase, never decide a figure: every figure in a generated answer must be found in
a passage it cites. Comparison is on normalised values, so 三个工作日 = 3个工作日,
1000万元 = 一千万元 = 1,000万, 4.80% = 4.8% = 百分之四点八, and a range 50至1000万元 gives both
ends the unit (50万元). Units are kept apart on purpose: 3个月 is not 3年, 5天 is not 5个工作日.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"
_AR_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"

# Unit words, longest first so 个工作日 wins over 日 and 万元 over 万.
_UNITS = ("个工作日", "工作日", "个自然日", "自然日", "个月", "个百分点", "年", "月", "天", "日", "周岁", "岁",
          "万亿元", "亿元", "万元", "千元", "百元", "元", "万亿", "亿", "万", "倍", "%", "‰", "笔", "次", "家", "户")
_UNIT_RE = "(?:" + "|".join(re.escape(u) for u in _UNITS) + ")(?!性)"  # 一次性 is a word
_RANGE_SEP = r"\s*(?:至|到|~|～|—|–|-)\s*"
# 百分之三点五 is a percentage written in words.
_PERCENT_WORDS = re.compile(rf"百分之({_CN_NUM}|{_AR_NUM})")
# A figure: a number with an optional unit; the range form lets the first end borrow the unit.
_FIGURE = re.compile(
    rf"(?P<num>{_AR_NUM}|{_CN_NUM})\s*(?P<unit>{_UNIT_RE})?"
    rf"(?:(?P<sep>{_RANGE_SEP})(?P<num2>{_AR_NUM}|{_CN_NUM})\s*(?P<unit2>{_UNIT_RE}))?"
)
# Identifiers are one figure, not three: 400-818-6688, 2024-06-30, 91350100M000100Y6X.
_CODE = re.compile(r"(?<![0-9A-Za-z.])(?:\d{2,}(?:-\d{2,})+|[0-9A-Z]{8,})(?![0-9A-Za-z])")
_CITATION = re.compile(r"\[\d+\]")
_UNIT_KIND = {
    "个工作日": "workday", "工作日": "workday", "个自然日": "day", "自然日": "day", "天": "day", "日": "day",
    "个月": "month", "月": "month", "年": "year", "周岁": "age", "岁": "age", "%": "percent",
    "个百分点": "point", "‰": "permille", "倍": "times", "笔": "count", "次": "count", "家": "count", "户": "count",
}
_MONEY_SCALE = {"万亿元": 10**12, "亿元": 10**8, "万元": 10**4, "千元": 10**3, "百元": 100, "元": 1,
                "万亿": 10**12, "亿": 10**8, "万": 10**4}


@dataclass(frozen=True)
class Figure:
    kind: str  # amount, percent, month, year, day, workday, …, number (no unit), code
    value: Decimal | str
    text: str  # as written, for messages and logs

    def key(self) -> tuple[str, Decimal | str]:
        return self.kind, self.value


def cn_to_number(text: str) -> Decimal | None:
    """三 → 3, 十二 → 12, 一千 → 1000, 三点五 → 3.5, 二〇二四 → 2024; None when not a numeral."""
    whole, _, frac = text.partition("点")
    if not whole:
        return None
    if all(ch in _CN_DIGITS for ch in whole) and len(whole) > 1:
        value = int("".join(str(_CN_DIGITS[ch]) for ch in whole))  # 二〇二四
    else:
        value, digit = 0, None
        for ch in whole:
            if ch in _CN_DIGITS:
                digit = _CN_DIGITS[ch]
            elif ch in _CN_SMALL:
                value += (1 if digit is None else digit) * _CN_SMALL[ch]
                digit = None
            else:
                return None
        value += digit or 0
    result = Decimal(value)
    if frac:
        if not all(ch in _CN_DIGITS for ch in frac):
            return None
        result += Decimal("0." + "".join(str(_CN_DIGITS[ch]) for ch in frac))
    return result


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    return cn_to_number(text)


def _figure(num: str, unit: str | None, written: str) -> Figure | None:
    value = _number(num)
    if value is None:
        return None
    if unit in _MONEY_SCALE:
        return Figure("amount", (value * _MONEY_SCALE[unit]).normalize(), written)
    if not unit and not num[0].isdigit():
        return None  # a Chinese numeral without a unit is a word (一般, 统一, 十分), not a figure
    kind = _UNIT_KIND.get(unit or "", "number")
    return Figure(kind, value.normalize(), written)


def extract_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order; citation markers [n] are not figures."""
    text = unicodedata.normalize("NFKC", text)
    text = _CITATION.sub(" ", text)
    figures: list[Figure] = []
    for m in _CODE.finditer(text):
        if any(ch.isdigit() for ch in m.group()) and not m.group().isdigit():
            figures.append(Figure("code", m.group(), m.group()))
    text = _CODE.sub(lambda m: " " if not m.group().isdigit() else m.group(), text)
    text = _PERCENT_WORDS.sub(lambda m: m.group(1) + "%", text)
    for m in _FIGURE.finditer(text):
        num, unit, num2, unit2 = m.group("num"), m.group("unit"), m.group("num2"), m.group("unit2")
        if num2 is not None:
            # 50至1000万元: the first end takes the second's unit; 3%-5%: each keeps its own.
            first = _figure(num, unit or unit2, m.group())
            second = _figure(num2, unit2, m.group())
            figures.extend(f for f in (first, second) if f is not None)
        else:
            f = _figure(num, unit, m.group())
            if f is not None:
                figures.append(f)
    return figures


def unsupported_figures(answer: str, sources: list[str]) -> list[Figure]:
    """Figures of ``answer`` that none of ``sources`` contains (same kind and value).

    A bare number in the answer is supported by the same value with any unit in a source, because
    a sentence like 最长36个月，可循环使用，36个月内… may drop the unit the second time; a number
    with a unit must match kind and value exactly.
    """
    known: set[tuple[str, Decimal | str]] = set()
    values: set[Decimal | str] = set()
    for source in sources:
        for f in extract_figures(source):
            known.add(f.key())
            values.add(f.value)
    missing = []
    for f in extract_figures(answer):
        supported = f.value in values if f.kind == "number" else f.key() in known
        if not supported:
            missing.append(f)
    return missing
