"""Field extraction per document type, and the typing that chooses between them."""

from __future__ import annotations

import re

from ocr.layout import Token


def classify(tokens: list[Token]) -> str:
    text = "".join(t.text for t in tokens)
    if "营业执照" in text and re.search("统一社会信用代码|法定代表人|注册资本", text):
        return "business_licence"
    if "发票" in text and re.search("发票号码|价税合计|开票日期", text):
        return "invoice"
    if "合同" in text and re.search("甲方", text) and re.search("乙方", text):
        return "contract"
    return "other"
