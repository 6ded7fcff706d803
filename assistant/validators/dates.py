"""Dates as clients say them: 2024-05-03, 5月3日, 昨天, 上周五, 上个月, 3天前, last Friday."""

from __future__ import annotations

import re
from datetime import date, timedelta

import cn2an

from assistant.validators.base import Rejected, Validated, ValidationContext, normalise

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_EN_WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                            "sunday"))}


def parse_date(text: str, today: date) -> date | None:
    raw = normalise(text)
    if re.search(r"[一二两三四五六七八九十]+(月|日|号|天前)", raw):  # 五月三日 → 5月3日, 两天前 → 2天前
        raw = cn2an.transform(re.sub(r"两(?=天前)", "二", raw), "cn2an")
    if m := re.search(r"(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})", raw):
        return _safe(int(m[1]), int(m[2]), int(m[3]))
    if m := re.search(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?", raw):
        found = _safe(today.year, int(m[1]), int(m[2]))
        if found and found > today:  # 12月20日 said in January is last year's
            found = _safe(today.year - 1, int(m[1]), int(m[2]))
        return found
    relative = {"今天": 0, "今日": 0, "today": 0, "昨天": 1, "昨日": 1, "yesterday": 1, "大前天": 3, "前天": 2}
    for word, days in relative.items():
        if word in raw.lower():
            return today - timedelta(days=days)
    if m := re.search(r"(\d+)\s*天前|(\d+)\s*days? ago", raw, re.I):
        return today - timedelta(days=int(m[1] or m[2]))
    if m := re.search(r"(上上|上个?|这个?|本|下个?)?(?:周|星期|礼拜)([一二三四五六日天])", raw):
        monday = today - timedelta(days=today.weekday())
        weeks_back = {"上上": 2, "上": 1, "下": -1}.get((m[1] or "").rstrip("个"), 0)
        found = monday - timedelta(weeks=weeks_back) + timedelta(days=_WEEKDAYS[m[2]])
        # A bare 周五 said on a Wednesday is last Friday; 这周五/下周一 are meant as said (the future).
        return found if found <= today or m[1] else found - timedelta(weeks=1)
    if m := re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b"
                      r"(?:,?\s*(20\d{2}))?", raw, re.I):
        return _month_day(m[3], _MONTHS.index(m[1].lower()[:3]) + 1, int(m[2]), today)
    if m := re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", raw,
                      re.I):
        return _month_day(None, _MONTHS.index(m[2].lower()[:3]) + 1, int(m[1]), today)
    if m := re.search(r"last\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)", raw, re.I):
        back = (today.weekday() - _EN_WEEKDAYS[m[1].lower()]) % 7 or 7
        return today - timedelta(days=back)
    if m := re.search(r"(上个?月|last month)\s*(\d{1,2})?\s*[日号]?", raw, re.I):
        first_of_this = today.replace(day=1)
        last_month = first_of_this - timedelta(days=1)
        return _safe(last_month.year, last_month.month, int(m[2])) if m[2] else last_month.replace(day=1)
    if m := re.search(r"(\d{1,2})\s*[日号]", raw):  # 15号 said on the 12th is last month's 15th
        found = _safe(today.year, today.month, int(m[1]))
        if found is None or found > today:
            last_month = today.replace(day=1) - timedelta(days=1)
            found = _safe(last_month.year, last_month.month, int(m[1]))
        return found
    return None


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _month_day(year: str | None, month: int, day: int, today: date) -> date | None:
    """November 15 without a year is the last one that has happened."""
    if year:
        return _safe(int(year), month, day)
    found = _safe(today.year, month, day)
    return _safe(today.year - 1, month, day) if found and found > today else found


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def past_date(text: str, ctx: ValidationContext) -> Validated | Rejected:
    """A date that has already happened (when the problem occurred)."""
    if re.search(r"不记得|记不清|不清楚|忘了|don'?t remember|not sure", text, re.I):
        return Validated(None, "不详")
    found = parse_date(text, ctx.today)
    if found is None:
        return Rejected("date")
    if found > ctx.today or found < ctx.today - timedelta(days=365 * 5):
        return Rejected("date_range")
    return Validated(found.isoformat(), found.isoformat())
