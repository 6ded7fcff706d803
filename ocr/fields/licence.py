"""Business licence (营业执照) fields."""

from __future__ import annotations

from ocr.fields.common import parse_date
from ocr.layout import Token, find_value
from ocr.model import Extraction
from ocr.validators import repair_credit_code


def extract_licence(tokens: list[Token]) -> Extraction:
    ex = Extraction("business_licence")
    found = find_value(tokens, "统一社会信用代码", r"[0-9A-Za-z]{15,20}")
    if found:
        code, repairs = repair_credit_code(found.value, "credit_code")
        ex.repairs += repairs
        ex.put("credit_code", code, found.tokens)
    for name, label, pattern in (
        ("name", r"^名称", r".{4,}"),
        ("legal_representative", "法定代表人|负责人|经营者", r".{2,8}"),
        ("registered_capital", "注册资本", r".+"),
        ("address", "^住所|^经营场所|^营业场所", r".{6,}"),
    ):
        found = find_value(tokens, label, pattern)
        if found:
            ex.put(name, found.value, found.tokens)
    found = find_value(tokens, "成立日期|注册日期", r".{6,}")
    if found:
        established, raw, repairs = parse_date(found.value, "established_date")
        ex.repairs += repairs
        ex.put("established_date", established or raw, found.tokens)
    return ex
