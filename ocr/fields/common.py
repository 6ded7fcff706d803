"""Small parsers shared by the document types."""

from __future__ import annotations

import re
from datetime import date

from ocr.validators import Repair, repair_digits

DATE_RX = re.compile(r"([0-9OoIlSB]{4})\s*[年\-/.]\s*([0-9OoIlSB]{1,2})\s*[月\-/.]\s*([0-9OoIlSB]{1,2})\s*日?")


def parse_date(text: str, field: str) -> tuple[date | None, str | None, list[Repair]]:
    """(date, raw text, repairs); the date is None when the text is not a real calendar date."""
    match = DATE_RX.search(text)
    if not match:
        return None, None, []
    raw = match.group(0)
    repairs: list[Repair] = []
    parts = []
    for group in match.groups():
        fixed, rep = repair_digits(group, field)
        parts.append(fixed)
        repairs += rep
    if repairs:
        repairs = [Repair(field, raw, "-".join(parts), "日期中的形近字母已更正")]
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])), raw, repairs
    except ValueError:
        return None, raw, repairs
