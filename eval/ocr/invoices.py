"""Synthetic VAT invoices in two layouts (paper 增值税发票 and 数电票) with planted defects."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from eval.ocr.render import Canvas
from eval.ocr.truth import GOODS, PEOPLE, RATES, bad_credit_code, company, credit_code, digits, issue_date, money
from ocr.validators import decimal_to_words

INVOICE_DEFECTS = ("total_off", "words_mismatch", "bad_credit_code", "tax_rate_mismatch", "future_date",
                   "consistent_edit")
# The check that must flag each planted defect.
DEFECT_CHECKS = {
    "total_off": "total_sum", "words_mismatch": "total_in_words", "bad_credit_code": "seller_tax_id",
    "tax_rate_mismatch": "tax_rate", "future_date": "issue_date", "duplicate": "duplicate",
    # Amount, tax and total raised together, so every sum still adds up; only the QR, left as
    # issued, still carries the true amount.
    "consistent_edit": "qr_match",
}
# Type codes of the invoice QR payload, by invoice type.
QR_TYPE_CODES = {"vat_special": "01", "vat_general": "04", "digital_special": "31", "digital_general": "32"}


@dataclass
class InvoiceData:
    layout: str  # "paper" or "digital"
    special: bool
    fields: dict[str, str]
    items: list[dict[str, str]]
    defects: list[str] = field(default_factory=list)
    qr_payload: str = ""


def make_invoice(rng: random.Random, today: date, defect: str | None = None) -> InvoiceData:
    layout = rng.choice(["paper", "digital"])
    special = rng.random() < 0.5
    rate = rng.choice(RATES)
    items = []
    for _ in range(rng.randint(1, 3)):
        name, unit = rng.choice(GOODS)
        quantity = rng.randint(1, 200)
        amount = money(rng, 200, 60000)
        tax = (amount * rate).quantize(Decimal("0.01"))
        price = (amount / quantity).quantize(Decimal("0.01"))
        items.append({"name": name, "unit": unit, "quantity": str(quantity), "unit_price": str(price),
                      "amount": amount, "tax_rate": rate, "tax_amount": tax})
    issued_amount = sum((i["amount"] for i in items), Decimal(0))
    if defect == "consistent_edit":
        factor = Decimal(rng.choice([2, 3, 5, 10]))
        for item in items:
            item["amount"] *= factor
            item["tax_amount"] = (item["amount"] * rate).quantize(Decimal("0.01"))
            item["unit_price"] = str((item["amount"] / int(item["quantity"])).quantize(Decimal("0.01")))
    if defect == "tax_rate_mismatch":
        wrong = next(r for r in RATES if r != rate)
        items[0]["tax_amount"] = (items[0]["amount"] * wrong).quantize(Decimal("0.01"))
    amount = sum((i["amount"] for i in items), Decimal(0))
    tax = sum((i["tax_amount"] for i in items), Decimal(0))
    total = amount + tax
    if defect == "total_off":
        total += Decimal(rng.choice([1, 10, 100])) + Decimal("0.01") * rng.randint(0, 9)
    words = decimal_to_words(total)
    if defect == "words_mismatch":
        words = decimal_to_words(total + Decimal(rng.choice([1, 100, 1000])))
    issued = issue_date(rng, today)
    if defect == "future_date":
        issued = today + timedelta(days=rng.randint(5, 120))
    seller_id = bad_credit_code(rng) if defect == "bad_credit_code" else credit_code(rng)
    buyer, seller = company(rng), company(rng)
    while seller == buyer:
        seller = company(rng)
    fields = {
        "invoice_type": ("digital_" if layout == "digital" else "vat_") + ("special" if special else "general"),
        "issue_date": issued.isoformat(),
        "buyer_name": buyer, "buyer_tax_id": credit_code(rng),
        "seller_name": seller, "seller_tax_id": seller_id,
        "amount": f"{amount:.2f}", "tax_rate": f"{rate:.2f}", "tax_amount": f"{tax:.2f}",
        "total_amount": f"{total:.2f}", "total_amount_cn": words,
    }
    if layout == "digital":
        fields["invoice_number"] = issued.strftime("%y") + digits(rng, 18)
    else:
        fields["invoice_code"] = rng.choice(["35", "33", "44"]) + digits(rng, 8 if special else 10)
        fields["invoice_number"] = digits(rng, 8)
        if not special:
            fields["check_code"] = digits(rng, 20)
    payload = qr_payload(fields, issued_amount, rng)
    return InvoiceData(layout, special, fields, [_item_strings(i) for i in items], [defect] if defect else [],
                       payload)


def qr_payload(fields: dict[str, str], amount: Decimal, rng: random.Random) -> str:
    """The invoice QR as the tax system prints it: version, type, code, number, amount excluding
    tax, date YYYYMMDD, check code, a check value (its algorithm is not public: random hex here)."""
    parts = ["01", QR_TYPE_CODES[fields["invoice_type"]], fields.get("invoice_code", ""),
             fields["invoice_number"], f"{amount:.2f}", fields["issue_date"].replace("-", ""),
             fields.get("check_code", ""), "".join(rng.choice("0123456789ABCDEF") for _ in range(4))]
    return ",".join(parts) + ","


def _item_strings(item: dict) -> dict[str, str]:
    out = {k: (f"{v:.2f}" if isinstance(v, Decimal) else v) for k, v in item.items()}
    out["tax_rate"] = f"{int(item['tax_rate'] * 100)}%"
    return out


def _cn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"


COLUMNS = [("name", 60), ("spec", 560), ("unit", 700), ("quantity", 800), ("unit_price", 930),
           ("amount", 1090), ("tax_rate", 1250), ("tax_amount", 1400)]


def render_invoice(data: InvoiceData, rng: random.Random) -> Canvas:
    c = Canvas.new(1560, 1000, rng)
    f = data.fields
    digital = data.layout == "digital"
    kind = "增值税专用发票" if data.special else "普通发票" if digital else "增值税普通发票"
    title = f"电子发票（{kind}）" if digital else f"{rng.choice(['福建', '浙江', '广东'])}{kind}"
    c.text((780, 30), title, 40, anchor="ma", fill=(150, 60, 40))
    if data.qr_payload:
        c.qr((40, 30), data.qr_payload, 190)
    top = [("发票号码", f["invoice_number"]), ("开票日期", _cn_date(f["issue_date"]))]
    if not digital:
        top.insert(0, ("发票代码", f["invoice_code"]))
        if "check_code" in f:
            cc = f["check_code"]
            top.append(("校验码", " ".join(cc[i:i + 5] for i in range(0, 20, 5))))
    x_top = 1020 if digital else 1080
    for i, (label, value) in enumerate(top):
        c.text((x_top, 95 + 38 * i), f"{label}：{value}", 22)
    y0 = 260
    if digital:
        c.rect((30, y0 - 10, 1530, y0 + 110))
        for x, who, party in ((40, "购买方信息", "buyer"), (800, "销售方信息", "seller")):
            c.text((x, y0), who, 22, fill=(150, 60, 40))
            c.text((x + 20, y0 + 36), f"名称：{f[party + '_name']}", 22)
            c.text((x + 20, y0 + 72), f"统一社会信用代码/纳税人识别号：{f[party + '_tax_id']}", 20)
        seller_y = None
    else:
        c.rect((30, y0 - 10, 1530, y0 + 110))
        _paper_party(c, y0, "购买方", f["buyer_name"], f["buyer_tax_id"])
        seller_y = 780
    header_y = y0 + 140
    headers = {"name": "项目名称" if digital else "货物或应税劳务、服务名称", "spec": "规格型号", "unit": "单位",
               "quantity": "数量", "unit_price": "单价", "amount": "金额",
               "tax_rate": "税率/征收率" if digital else "税率", "tax_amount": "税额"}
    for key, x in COLUMNS:
        c.text((x, header_y), headers[key], 22, anchor="la" if key == "name" else "ma")
    for row, item in enumerate(data.items):
        y = header_y + 50 + 44 * row
        for key, x in COLUMNS:
            value = item.get(key, "")
            c.text((x, y), value, 22, anchor="la" if key == "name" else "ma")
    total_y = header_y + 50 + 44 * 3 + 20
    c.text((200, total_y), "合计", 22)
    c.text((1090, total_y), f"¥{f['amount']}", 22, anchor="ma")
    c.text((1400, total_y), f"¥{f['tax_amount']}", 22, anchor="ma")
    c.text((60, total_y + 55), "价税合计（大写）", 22)
    c.text((330, total_y + 55), f["total_amount_cn"], 24)
    c.text((1060, total_y + 55), f"（小写）¥{f['total_amount']}", 22)
    if seller_y:
        c.rect((30, seller_y - 10, 1530, seller_y + 110))
        _paper_party(c, seller_y, "销售方", f["seller_name"], f["seller_tax_id"])
        c.text((1060, seller_y + 30), "备注", 22)
    c.text((60, 940), f"收款人：{rng.choice(PEOPLE)}    复核：{rng.choice(PEOPLE)}    开票人：{rng.choice(PEOPLE)}", 20)
    # The seal is stamped over the remarks, the seller box and the issuer line, as real ones are.
    c.seal((rng.randint(1000, 1350), rng.randint(800, 900)), "发票专用章", rng)
    return c


def _paper_party(c: Canvas, y: int, label: str, name: str, tax_id: str) -> None:
    c.text((40, y + 35), label, 24, fill=(150, 60, 40))
    c.text((140, y), f"名    称：{name}", 22)
    c.text((140, y + 38), f"纳税人识别号：{tax_id}", 22)
    c.text((140, y + 76), "地址、电话：略", 20)
