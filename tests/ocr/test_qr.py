"""The invoice QR payload: parsed, decoded from a degraded picture, cross-checked field by field."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from eval.ocr.invoices import make_invoice, render_invoice
from eval.ocr.photos import Shot, photograph
from ocr.inputs import InputLimits, load_pages
from ocr.model import Extraction, Field
from ocr.photo import prepare
from ocr.qr import check_qr, decode, parse_payload

TODAY = date(2025, 6, 30)


def _printed(**values: object) -> Extraction:
    return Extraction("invoice", {k: Field(k, v, 0.99) for k, v in values.items()})


def test_payloads_of_paper_and_digital_invoices_are_parsed() -> None:
    paper = parse_payload("01,04,044031900111,12345678,1234.50,20250301,12345678901234567890,A1B2,")
    assert paper and paper.invoice_code == "044031900111" and paper.amount == Decimal("1234.50")
    assert paper.issue_date == date(2025, 3, 1) and paper.check_code == "12345678901234567890"
    digital = parse_payload("01,32,,25352000000012345678,88.00,20250115,,C0FE,")
    assert digital and digital.invoice_code == "" and digital.invoice_number == "25352000000012345678"
    assert parse_payload("https://example.com/not-an-invoice") is None


def test_a_mismatch_names_both_values_and_a_missing_code_is_a_warning() -> None:
    qr = parse_payload("01,32,,25352000000012345678,100.00,20250115,,C0FE,")
    same = _printed(invoice_number="25352000000012345678", amount=Decimal("100.00"), issue_date=date(2025, 1, 15),
                    invoice_type="digital_general")
    assert check_qr(same, qr).status == "pass"
    edited = _printed(invoice_number="25352000000012345678", amount=Decimal("1000.00"),
                      issue_date=date(2025, 1, 15), invoice_type="digital_general")
    result = check_qr(edited, qr)
    assert result.status == "fail" and "100.00" in result.detail and "1000.00" in result.detail
    assert check_qr(same, None).status == "warn"


def test_the_code_decodes_from_a_hard_phone_photo() -> None:
    rng = random.Random(31)
    inv = make_invoice(rng, TODAY)
    shot = Shot(perspective=0.08, rotate=-10, fill=0.75, light_low=0.55, shadow=0.5, blur=1.0, noise=6,
                long_edge=1280, quality=70)
    photo = load_pages(photograph(render_invoice(inv, rng).image, shot, rng), InputLimits())[0].image
    page, _ = prepare(photo)
    found = decode([page, photo])
    assert found is not None and found.raw == inv.qr_payload
