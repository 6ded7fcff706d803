"""Preliminary checks a credit officer runs first on a VAT invoice (InvoiceCheck).

Each check says pass, warn (a human should look) or fail, with one line of Chinese. These are not
the tax authority's verification; the verdict note says where the authoritative check is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ocr.model import CheckResult, Extraction
from ocr.validators import decimal_to_words, is_valid_credit_code, tax_id_kind, words_to_decimal

RATES_IN_USE = {Decimal(r) for r in ("0.13", "0.09", "0.06", "0.05", "0.03", "0.01", "0.015", "0")}
KEY_FIELDS = ("invoice_code", "invoice_number", "issue_date", "buyer_tax_id", "seller_tax_id",
              "amount", "tax_amount", "total_amount")
FEN = Decimal("0.01")
LINE_TAX_TOLERANCE = Decimal("0.06")  # rounding allowed per line on VAT invoices
AUTHORITY_NOTE = "本结果为初步核验，不代替税务机关查验；权威结果请以国家税务总局全国增值税发票查验平台为准。"


@dataclass(frozen=True)
class CheckOptions:
    today: date
    max_age_days: int = 365
    applicant: str | None = None  # unused here: ocr.applicant checks every document type
    min_confidence: float = 0.80


def ok(name: str, detail: str) -> CheckResult:
    return CheckResult(name, "pass", detail)


def warn(name: str, detail: str) -> CheckResult:
    return CheckResult(name, "warn", detail)


def fail(name: str, detail: str) -> CheckResult:
    return CheckResult(name, "fail", detail)


def check_invoice(ex: Extraction, options: CheckOptions) -> list[CheckResult]:
    checks = [
        _required(ex),
        _code_and_number(ex),
        _issue_date(ex.value("issue_date"), options),
        _tax_id(ex, "buyer"),
        _tax_id(ex, "seller"),
        _sum(ex),
        _rate(ex),
        _words(ex),
        _line_items(ex),
        _buyer_not_seller(ex),
        _confidence(ex, options.min_confidence),
    ]
    return [c for c in checks if c is not None]


def _required(ex: Extraction) -> CheckResult:
    needed = ("invoice_number", "issue_date", "buyer_name", "seller_name", "amount", "tax_amount", "total_amount")
    missing = [n for n in needed if n not in ex.fields]
    if missing:
        return warn("fields_present", f"未能识别：{'、'.join(missing)}，请人工核对原件")
    return ok("fields_present", "关键字段均已识别")


def _code_and_number(ex: Extraction) -> CheckResult:
    kind = ex.value("invoice_type") or ""
    code, number, check = ex.value("invoice_code"), ex.value("invoice_number"), ex.value("check_code")
    if number is None:
        return warn("code_format", "未识别到发票号码")
    if kind.startswith("digital"):
        if not re.fullmatch(r"\d{20}", number):
            return fail("code_format", f"数电票号码应为20位数字，识别为“{number}”（{len(number)}位）")
        return ok("code_format", "数电票号码为20位数字")
    problems = []
    if code is None:
        problems.append("未识别到发票代码")
    elif not re.fullmatch(r"\d{10}|\d{12}", code):
        problems.append(f"发票代码应为10位或12位数字，识别为“{code}”")
    if not re.fullmatch(r"\d{8}", number):
        problems.append(f"发票号码应为8位数字，识别为“{number}”")
    if check is not None and not re.fullmatch(r"\d{20}", check):
        problems.append(f"校验码应为20位数字，识别为{len(check)}位")
    if problems:
        return fail("code_format", "；".join(problems))
    return ok("code_format", "发票代码、号码格式正确")


def _issue_date(issued: object, options: CheckOptions) -> CheckResult:
    if issued is None:
        return warn("issue_date", "未识别到开票日期")
    if not isinstance(issued, date):
        return fail("issue_date", f"开票日期“{issued}”不是有效日期")
    if issued > options.today:
        return fail("issue_date", f"开票日期 {issued.isoformat()} 晚于今天，不可能")
    if issued < options.today - timedelta(days=options.max_age_days):
        return warn(
            "issue_date", f"开票日期 {issued.isoformat()} 已超过 {options.max_age_days} 天，请确认是否仍可用于融资"
        )
    return ok("issue_date", f"开票日期 {issued.isoformat()} 有效")


def _tax_id(ex: Extraction, party: str) -> CheckResult:
    label = "购买方" if party == "buyer" else "销售方"
    name = f"{party}_tax_id"
    tax_id = ex.value(name)
    if tax_id is None:
        return warn(name, f"未识别到{label}纳税人识别号")
    kind = tax_id_kind(tax_id)
    if kind == "credit_code":
        return ok(name, f"{label}统一社会信用代码校验位正确")
    if kind == "legacy":
        return ok(name, f"{label}为旧版纳税人识别号，格式有效")
    if len(tax_id) == 18:
        return fail(name, f"{label}统一社会信用代码“{tax_id}”校验位不符（GB 32100-2015）")
    # A length no tax id has is more often a character the OCR dropped or doubled than a forgery.
    return warn(name, f"{label}纳税人识别号“{tax_id}”为{len(tax_id)}位，不是有效格式，可能漏识或多识字符，请对照原件")


def _sum(ex: Extraction) -> CheckResult | None:
    amount, tax, total = ex.value("amount"), ex.value("tax_amount"), ex.value("total_amount")
    if None in (amount, tax, total):
        return None
    if amount + tax != total:
        return fail("total_sum", f"金额 {amount} + 税额 {tax} = {amount + tax}，与价税合计 {total} 不符")
    return ok("total_sum", "金额 + 税额 = 价税合计，精确到分")


def _rate(ex: Extraction) -> CheckResult | None:
    items = ex.value("line_items") or []
    rates = {i["tax_rate"] for i in items if i.get("tax_rate") is not None}
    unknown = [r for r in rates if r not in RATES_IN_USE]
    if unknown:
        shown = "、".join(f"{(r * 100).normalize()}%" for r in unknown)
        return fail("tax_rate", f"税率 {shown} 不在现行增值税税率/征收率之中")
    mismatched = []
    for item in items:
        rate, amount, tax = item.get("tax_rate"), item["amount"], item.get("tax_amount")
        if rate is None or tax is None:
            continue
        expected = (amount * rate).quantize(FEN)
        if abs(expected - tax) > LINE_TAX_TOLERANCE:
            mismatched.append(f"{item['name'] or '明细'}：{amount}×{rate * 100:g}%≈{expected}，票面税额 {tax}")
    rate, amount, tax = ex.value("tax_rate"), ex.value("amount"), ex.value("tax_amount")
    if not mismatched and None not in (rate, amount, tax):
        expected = (amount * rate).quantize(FEN)
        tolerance = min(LINE_TAX_TOLERANCE * max(len(items), 1), Decimal("1.27"))
        if abs(expected - tax) > tolerance:
            mismatched.append(f"合计：{amount}×{rate * 100:g}%≈{expected}，票面税额 {tax}")
    if mismatched:
        return fail("tax_rate", "税额与金额×税率不符：" + "；".join(mismatched))
    if not rates:
        return warn("tax_rate", "未识别到税率，无法核对税额") if items else None
    return ok("tax_rate", "税率为现行税率，税额与金额×税率一致")


def _words(ex: Extraction) -> CheckResult | None:
    words, total = ex.value("total_amount_cn"), ex.value("total_amount")
    if words is None or total is None:
        return warn("total_in_words", "未识别到价税合计大写或小写金额") if total or words else None
    parsed = words_to_decimal(words)
    if parsed is None:
        return warn("total_in_words", f"大写金额“{words}”无法解析，请人工核对")
    if parsed != total:
        return fail("total_in_words", f"大写金额为 {parsed}，与小写 {total} 不符（应为“{decimal_to_words(total)}”）")
    return ok("total_in_words", "大写金额与小写金额一致")


def _line_items(ex: Extraction) -> CheckResult | None:
    items = ex.value("line_items")
    amount, tax = ex.value("amount"), ex.value("tax_amount")
    if not items or amount is None:
        return None
    item_amount = sum((i["amount"] for i in items), Decimal(0))
    item_tax = sum((i["tax_amount"] or Decimal(0) for i in items), Decimal(0))
    if item_amount != amount or (tax is not None and item_tax != tax):
        return fail("line_items_sum", f"明细合计金额 {item_amount}、税额 {item_tax}，与合计行 {amount}、{tax} 不符")
    return ok("line_items_sum", f"{len(items)} 行明细之和与合计行一致")


def _buyer_not_seller(ex: Extraction) -> CheckResult | None:
    b_id, s_id = ex.value("buyer_tax_id"), ex.value("seller_tax_id")
    b_name, s_name = ex.value("buyer_name"), ex.value("seller_name")
    if (b_id and b_id == s_id) or (b_name and b_name == s_name):
        return fail("buyer_not_seller", "购买方与销售方为同一主体，自开自受的发票不能作为交易凭证")
    if not (b_id or b_name):
        return None
    return ok("buyer_not_seller", "购买方与销售方不同")


def _confidence(ex: Extraction, threshold: float) -> CheckResult:
    low = [n for n in KEY_FIELDS if n in ex.fields and ex.fields[n].confidence < threshold]
    if low:
        return warn("ocr_confidence", f"以下字段识别置信度低，请对照原件：{'、'.join(low)}")
    return ok("ocr_confidence", "关键字段识别置信度正常")


__all__ = ["AUTHORITY_NOTE", "CheckOptions", "check_invoice", "is_valid_credit_code"]
