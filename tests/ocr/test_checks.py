"""The checks on extracted values, without OCR: what each one tells a credit officer."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from eval.ocr.invoices import make_invoice, render_invoice
from eval.ocr.pdf import canvas_to_pdf
from ocr.checks import CheckOptions, check_invoice
from ocr.model import Extraction, Field, verdict_of
from ocr.pipeline import VerifyOptions, verify_document

TODAY = date(2025, 6, 30)


def _invoice(**overrides) -> Extraction:
    values = {
        "invoice_type": "vat_special", "invoice_code": "3500231130", "invoice_number": "01234567",
        "issue_date": TODAY - timedelta(days=10), "buyer_name": "福州锦程电子有限公司",
        "buyer_tax_id": "914403001922038216", "seller_name": "厦门海纳物流有限公司",
        "seller_tax_id": "9144030071526726XG", "amount": Decimal("1000.00"), "tax_rate": Decimal("0.13"),
        "tax_amount": Decimal("130.00"), "total_amount": Decimal("1130.00"), "total_amount_cn": "壹仟壹佰叁拾元整",
        "line_items": [{"name": "*电子元件*芯片", "amount": Decimal("1000.00"), "tax_rate": Decimal("0.13"),
                        "tax_amount": Decimal("130.00")}],
    }
    values.update(overrides)
    ex = Extraction("invoice")
    for name, value in values.items():
        if value is not None:
            ex.fields[name] = Field(name, value, 0.99)
    return ex


def _run(ex: Extraction, **options) -> dict[str, str]:
    return {c.name: c.status for c in check_invoice(ex, CheckOptions(today=TODAY, **options))}


def test_a_consistent_invoice_passes_every_check() -> None:
    checks = check_invoice(_invoice(), CheckOptions(today=TODAY))
    assert verdict_of(checks) == "pass", [c for c in checks if c.status != "pass"]


def test_each_inconsistency_fails_its_own_check() -> None:
    rate_17 = [{"name": "x", "amount": Decimal("1000.00"), "tax_rate": Decimal("0.17"),
                "tax_amount": Decimal("170.00")}]
    cases = [
        ({"invoice_number": "0123456"}, "code_format"),
        ({"invoice_type": "digital_special", "invoice_code": None, "invoice_number": "2435200000001234567"},
         "code_format"),
        ({"buyer_tax_id": "914403001922038217"}, "buyer_tax_id"),
        ({"total_amount": Decimal("1130.01")}, "total_sum"),
        ({"tax_amount": Decimal("90.00"), "total_amount": Decimal("1090.00"), "total_amount_cn": "壹仟零玖拾元整",
          "line_items": [{"name": "x", "amount": Decimal("1000.00"), "tax_rate": Decimal("0.13"),
                          "tax_amount": Decimal("90.00")}]}, "tax_rate"),
        ({"line_items": rate_17, "tax_amount": Decimal("170.00"), "total_amount": Decimal("1170.00"),
          "total_amount_cn": "壹仟壹佰柒拾元整", "tax_rate": Decimal("0.17")}, "tax_rate"),
        ({"total_amount_cn": "壹仟壹佰叁拾壹元整"}, "total_in_words"),
        ({"amount": Decimal("900.00"), "total_amount": Decimal("1030.00"), "total_amount_cn": "壹仟零叁拾元整",
          "tax_rate": None}, "line_items_sum"),
        ({"seller_tax_id": "914403001922038216"}, "buyer_not_seller"),
        ({"issue_date": TODAY + timedelta(days=1)}, "issue_date"),
    ]
    for overrides, check in cases:
        statuses = _run(_invoice(**overrides))
        assert statuses[check] == "fail", (overrides, statuses)


def test_things_a_human_should_look_at_are_warnings_not_failures() -> None:
    old = _run(_invoice(issue_date=TODAY - timedelta(days=400)), max_age_days=365)
    assert old["issue_date"] == "warn"
    ex = _invoice()
    ex.fields["seller_tax_id"].confidence = 0.55
    assert _run(ex)["ocr_confidence"] == "warn"
    assert _run(_invoice(seller_tax_id="44030071526726X"))["seller_tax_id"] == "pass"  # legacy 15-char id
    # 17 characters where 18 were printed: a dropped character, for a human to compare.
    assert _run(_invoice(seller_tax_id="9144030071526726X"))["seller_tax_id"] == "warn"


def test_a_born_digital_invoice_with_a_lookalike_numeral_is_repaired_and_the_repair_reported() -> None:
    rng = random.Random(9)
    invoice = make_invoice(rng, TODAY)
    words = invoice.fields["total_amount_cn"]
    lookalike = words.replace("佰", "百", 1) if "佰" in words else words.replace("元", "圆", 1)
    invoice.fields["total_amount_cn"] = lookalike
    pdf = canvas_to_pdf(render_invoice(invoice, rng))
    result = verify_document(pdf, engine=None, options=VerifyOptions(today=TODAY))  # text layer: no OCR
    data = result.to_json()
    assert data["fields"]["total_amount_cn"]["value"] == words.replace("圆", "元")
    assert any(r["field"] == "total_amount_cn" and r["before"] == lookalike for r in data["repairs"])
    repairs = next(c for c in data["checks"] if c["name"] == "ocr_repairs")
    assert "total_amount_cn" in repairs["detail"]
    assert next(c for c in data["checks"] if c["name"] == "total_in_words")["status"] == "pass"
