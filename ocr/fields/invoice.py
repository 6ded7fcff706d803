"""VAT invoice fields: 增值税专用/普通发票 on paper and 数电票 (全电发票)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from ocr.fields.common import parse_date
from ocr.layout import Found, Token, find_label, find_value, group_lines, right_of
from ocr.model import Extraction
from ocr.validators import (
    CN_NUMERAL_LOOKALIKES,
    Repair,
    parse_money,
    repair_amount_words,
    repair_credit_code,
    repair_digits,
)

WORD_CHARS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正" + "".join(CN_NUMERAL_LOOKALIKES)
BUYER_RX = re.compile("购买方|购方|买方")
SELLER_RX = re.compile("销售方|销方|卖方")
NAME_RX = re.compile(r"名\s*称[:：]?\s*(.*)")
TAX_ID_RX = re.compile(r"(?:纳税人识别号|统一社会信用代码)[^:：]*[:：]?\s*([0-9A-Za-z]*)")
COLUMNS = {
    "name": "项目名称|货物或应税劳务|服务名称",
    "spec": "规格型号",
    "unit": "单位",
    "quantity": "数量",
    "unit_price": "单价",
    "amount": "^金额",
    "tax_rate": "税率|征收率",
    "tax_amount": "^税额",
}


def invoice_type(title: str, number: str | None) -> str:
    """From the title line only: other text (the 发票专用章 seal, remarks) must not sway it."""
    digital = "电子发票" in title and (number is None or len(number) == 20)
    special = "专用发票" in title
    if digital:
        return "digital_special" if special else "digital_general"
    return "vat_special" if special else "vat_general"


def extract_invoice(tokens: list[Token]) -> Extraction:
    ex = Extraction("invoice")
    _identifiers(tokens, ex)
    title = find_label(tokens, "专用发票|普通发票|电子发票|发票[)）]?$")
    title_text = title.text if title else ""
    ex.put("invoice_type", invoice_type(title_text, ex.value("invoice_number")), [title] if title else [])
    _parties(tokens, ex)
    _totals(tokens, ex)
    _line_items(tokens, ex)
    return ex


def _identifiers(tokens: list[Token], ex: Extraction) -> None:
    for name, label, pattern in (
        ("invoice_code", "发票代码", r"[0-9A-Za-z|]{8,14}"),
        ("invoice_number", "发票号码", r"[0-9A-Za-z|]{6,22}"),
        ("check_code", "校验码", r"[0-9A-Za-z|\s]{16,30}"),
    ):
        found = find_value(tokens, label, pattern)
        if found:
            value, repairs = repair_digits(found.value, name)
            ex.repairs += repairs
            ex.put(name, value, found.tokens)
    found = find_value(tokens, "开票日期", r".{8,}")
    if found:
        issued, raw, repairs = parse_date(found.value, "issue_date")
        ex.repairs += repairs
        ex.put("issue_date", issued or raw, found.tokens)


def _nearest_party(token: Token, anchors: list[tuple[str, Token]]) -> str | None:
    best = None
    for party, anchor in anchors:
        if anchor.y0 > token.y1 + 2 * token.height:  # an anchor well below cannot own the field
            continue
        distance = math.hypot(token.x0 - anchor.cx, token.cy - anchor.cy)
        if best is None or distance < best[0]:
            best = (distance, party)
    return best[1] if best else None


def _parties(tokens: list[Token], ex: Extraction) -> None:
    anchors = [("buyer", t) for t in tokens if BUYER_RX.search(t.text) and not NAME_RX.search(t.text)]
    anchors += [("seller", t) for t in tokens if SELLER_RX.search(t.text) and not NAME_RX.search(t.text)]
    if not anchors:
        return
    for token in sorted(tokens, key=lambda t: (t.cy, t.x0)):
        for rx, suffix in ((NAME_RX, "name"), (TAX_ID_RX, "tax_id")):
            match = rx.search(token.text)
            if not match:
                continue
            party = _nearest_party(token, anchors)
            if party is None or f"{party}_{suffix}" in ex.fields:
                continue
            found = Found(match.group(1).strip(), (token,))
            if not found.value:
                right = _right_value(tokens, token)
                if right is None:
                    continue
                found = right
            value = found.value
            if suffix == "tax_id":
                value = re.sub(r"[^0-9A-Za-z]", "", value).upper()
                value, repairs = repair_credit_code(value, f"{party}_tax_id")
                ex.repairs += repairs
            ex.put(f"{party}_{suffix}", value, found.tokens)


def _right_value(tokens: list[Token], key: Token) -> Found | None:
    right = right_of(tokens, key, max_gap=4 * key.height)
    return Found(right.text.lstrip(":："), (key, right)) if right else None


def _totals(tokens: list[Token], ex: Extraction) -> None:
    lines = group_lines(tokens)
    for line in lines:
        joined = "".join(t.text for t in line)
        if "价税合计" in joined:
            _total_line(line, ex)
        elif re.search(r"^合\s*计|合计", joined) and "价税" not in joined and "amount" not in ex.fields:
            moneys = [t for t in line if re.search(r"[¥￥]|\d+\.\d{2}", t.text) and "合计" not in t.text]
            if len(moneys) >= 2:
                for name, token in (("amount", moneys[0]), ("tax_amount", moneys[-1])):
                    value, repairs = parse_money(token.text, name)
                    ex.repairs += repairs
                    ex.put(name, value, (token,))


def _total_line(line: list[Token], ex: Extraction) -> None:
    words_rx = re.compile(f"[{WORD_CHARS}]{{2,}}")
    for token in line:
        body = re.sub(r"价税合计|[(（]?大写[)）]?", "", token.text)
        words = words_rx.search(body.replace("ⓧ", "").replace("⊗", ""))
        if words and "total_amount_cn" not in ex.fields and words.group(0) not in ("小写",):
            fixed, repairs = repair_amount_words(words.group(0), "total_amount_cn")
            ex.repairs += repairs
            ex.put("total_amount_cn", fixed, (token,))
        figure = re.search(r"(?:小写[)）]?|[¥￥])\s*[¥￥]?\s*([0-9OoIlSB,.]+\.\d{2})", token.text)
        if figure and "total_amount" not in ex.fields:
            value, repairs = parse_money(figure.group(1), "total_amount")
            ex.repairs += repairs
            ex.put("total_amount", value, (token,))


def _line_items(tokens: list[Token], ex: Extraction) -> None:
    lines = group_lines(tokens)
    header_index = None
    columns: dict[str, Token] = {}
    for i, line in enumerate(lines):
        found = {}
        for key, rx in COLUMNS.items():
            token = next((t for t in line if re.search(rx, t.text)), None)
            if token is not None:
                found[key] = token
        if {"amount", "tax_amount"} <= found.keys() and len(found) >= 5:
            header_index, columns = i, found
            break
    if header_index is None:
        return
    items = []
    used: list[Token] = []
    for line in lines[header_index + 1 :]:
        joined = "".join(t.text for t in line)
        if re.search("合计|价税", joined):
            break
        row: dict[str, list[Token]] = {}
        for token in line:
            row.setdefault(_column_of(token, columns), []).append(token)
        item = _item_from(row, ex)
        if item:
            items.append(item)
            used += line
    if items:
        _infer_missing_rates(items, ex)
        ex.put("line_items", items, used)
        rates = {item.get("tax_rate") for item in items}
        if len(rates) == 1 and None not in rates:
            ex.put("tax_rate", rates.pop(), [t for t in used if "%" in t.text] or used)


def _infer_missing_rates(items: list[dict], ex: Extraction) -> None:
    """An unreadable rate cell is recovered when exactly one rate in use explains the line's tax."""
    from ocr.checks import RATES_IN_USE

    for item in items:
        raw = item.pop("rate_text", "")
        if item.get("tax_rate") is not None or item.get("tax_amount") is None:
            continue
        fits = [r for r in RATES_IN_USE if abs((item["amount"] * r).quantize(Decimal("0.01")) - item["tax_amount"])
                <= Decimal("0.01")]
        if len(fits) == 1:
            item["tax_rate"] = fits[0]
            ex.repairs.append(Repair("line_items.tax_rate", raw, f"{(fits[0] * 100).normalize()}%",
                                     "税率栏未能识别，由税额÷金额推得"))


def _column_of(token: Token, columns: dict[str, Token]) -> str:
    first_data = min((c.x0 for k, c in columns.items() if k != "name"), default=token.x1)
    if "name" in columns and token.cx < first_data - 4:
        return "name"
    return min((k for k in columns if k != "name"), key=lambda k: abs(columns[k].cx - token.cx))


def _item_from(row: dict[str, list[Token]], ex: Extraction) -> dict | None:
    def text(key: str) -> str:
        return "".join(t.text for t in row.get(key, []))

    amount, rep1 = parse_money(text("amount"), "line_items.amount")
    tax, rep2 = parse_money(text("tax_amount"), "line_items.tax_amount")
    if amount is None:
        return None
    ex.repairs += rep1 + rep2
    item: dict = {"name": text("name"), "amount": amount, "tax_amount": tax}
    # A short cell such as "9%" is sometimes read upside down ("%6"); such a cell is left unread
    # and the rate is recovered from tax ÷ amount instead (see _infer_missing_rates).
    rate_text = text("tax_rate")
    rate = re.search(r"(\d{1,2}(?:\.\d+)?)\s*%", rate_text)
    exempt = Decimal(0) if "免税" in rate_text else None
    item["tax_rate"] = (Decimal(rate.group(1)) / 100).normalize() if rate else exempt
    if item["tax_rate"] is None:
        item["rate_text"] = rate_text
    quantity, _ = parse_money(text("quantity"), "line_items.quantity")
    if quantity is not None:
        item["quantity"] = text("quantity")
    if text("unit_price"):
        item["unit_price"] = text("unit_price")
    return item


