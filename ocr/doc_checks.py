"""Preliminary checks on contracts and business licences."""

from __future__ import annotations

from datetime import date

from ocr.checks import CheckOptions, fail, ok, warn
from ocr.model import CheckResult, Extraction
from ocr.validators import decimal_to_words, is_valid_credit_code, words_to_decimal

LABELS = {"contract_number": "合同编号", "signing_date": "签订日期", "amount": "合同金额"}


def _credit_code(name: str, code: str | None, label: str) -> CheckResult:
    if code is None:
        return warn(name, f"未识别到{label}统一社会信用代码")
    if is_valid_credit_code(code):
        return ok(name, f"{label}统一社会信用代码校验位正确")
    if len(code) != 18:
        return warn(name, f"{label}统一社会信用代码识别为{len(code)}位（应为18位），可能漏识字符，请对照原件")
    return fail(name, f"{label}统一社会信用代码“{code}”无效（GB 32100-2015 校验不通过）")


def _date(name: str, value: object, label: str, today: date) -> CheckResult:
    if value is None:
        return warn(name, f"未识别到{label}")
    if not isinstance(value, date):
        return fail(name, f"{label}“{value}”不是有效日期")
    if value > today:
        return fail(name, f"{label} {value.isoformat()} 晚于今天")
    return ok(name, f"{label} {value.isoformat()} 有效")


def check_contract(ex: Extraction, options: CheckOptions) -> list[CheckResult]:
    checks: list[CheckResult] = []
    missing = [label for name, label in (("party_a", "甲方"), ("party_b", "乙方")) if name not in ex.fields]
    checks.append(
        warn("parties", f"未识别到{'、'.join(missing)}名称") if missing else ok("parties", "甲乙双方名称齐全")
    )
    if ex.value("party_a") and ex.value("party_a") == ex.value("party_b"):
        checks.append(fail("parties_distinct", "甲方与乙方为同一主体"))
    checks.append(_credit_code("party_a_credit_code", ex.value("party_a_credit_code"), "甲方"))
    checks.append(_credit_code("party_b_credit_code", ex.value("party_b_credit_code"), "乙方"))
    blanks = ex.facts.get("blanks", [])
    if blanks:
        checks.append(fail("blanks", f"合同中有未填写的空白：{'、'.join(LABELS[b] for b in blanks)}"))
    else:
        checks.append(ok("blanks", "关键栏目均已填写"))
    if "signing_date" not in blanks:
        checks.append(_date("signing_date", ex.value("signing_date"), "签订日期", options.today))
    amount, words = ex.value("amount"), ex.value("amount_cn")
    if amount is not None and words is not None:
        parsed = words_to_decimal(words)
        if parsed is None:
            checks.append(warn("amount_in_words", f"大写金额“{words}”无法解析，请人工核对"))
        elif parsed != amount:
            expected = decimal_to_words(amount)
            checks.append(fail("amount_in_words", f"大写金额 {parsed} 与小写 {amount} 不符（应为“{expected}”）"))
        else:
            checks.append(ok("amount_in_words", "合同金额大小写一致"))
    elif "amount" not in blanks:
        checks.append(warn("amount_in_words", "未能同时识别合同金额的大写和小写"))
    start, end = ex.value("term_start"), ex.value("term_end")
    if start and end:
        checks.append(
            ok("term", f"履行期限 {start} 至 {end}") if start <= end else fail("term", "履行期限的结束日早于开始日")
        )
    missing_clauses = ex.facts.get("clauses_missing", [])
    checks.append(
        warn("key_clauses", f"缺少关键条款：{'、'.join(missing_clauses)}")
        if missing_clauses
        else ok("key_clauses", "标的、价款/付款、履行期限、违约责任、争议解决条款齐全")
    )
    seals, signatures = ex.facts.get("seals", 0), ex.facts.get("signatures", 0)
    signed = f"，签字/代表人 {signatures} 处" if signatures else "，未见签字"
    if ex.facts.get("signature_page"):
        signed += f"（签章页：第 {ex.facts['signature_page']} 页）"
    if seals:
        checks.append(ok("seal", f"检测到 {seals} 枚红色印章{signed}（仅为颜色检测，真伪需人工核对）"))
    else:
        checks.append(warn("seal", f"未检测到红色印章{signed}，请核实合同是否已盖章生效"))
    return checks


def check_licence(ex: Extraction, options: CheckOptions) -> list[CheckResult]:
    checks = [_credit_code("credit_code", ex.value("credit_code"), "")]
    missing = [
        label
        for name, label in (("name", "名称"), ("legal_representative", "法定代表人"),
                            ("registered_capital", "注册资本"), ("address", "住所"))
        if name not in ex.fields
    ]
    if missing:
        checks.append(warn("fields_present", f"未能识别：{'、'.join(missing)}"))
    else:
        checks.append(ok("fields_present", "执照主要栏目齐全"))
    checks.append(_date("established_date", ex.value("established_date"), "成立日期", options.today))
    return checks
