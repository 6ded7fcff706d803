"""Phone photos with the real models: the page found and rectified, the QR code cross-checked."""

from __future__ import annotations

import random

import numpy as np

from eval.ocr.invoices import make_invoice, render_invoice
from eval.ocr.photos import Shot, _not_a_document, photograph
from ocr.inputs import InputLimits, load_pages
from ocr.photo import find_page, prepare
from ocr.pipeline import VerifyOptions, verify_document
from tests.ocr.conftest import TODAY

# The hard end of the photo set: 8% perspective, 9° turn, a dark side and a shadow, JPEG 72.
HARD = Shot(perspective=0.08, rotate=9.0, fill=0.8, light_low=0.6, shadow=0.4, blur=0.8, noise=5,
            long_edge=1400, quality=72)
KEY_FIELDS = ("invoice_number", "issue_date", "buyer_name", "seller_name", "amount", "tax_amount", "total_amount")


def _photo(seed: int, defect: str | None = None) -> tuple[dict, bytes]:
    rng = random.Random(seed)
    inv = make_invoice(rng, TODAY, defect)
    return inv.fields, photograph(render_invoice(inv, rng).image, HARD, rng)


def test_the_page_is_found_rectified_and_its_fields_read(engine, tmp_path) -> None:
    fields, data = _photo(21)
    image = load_pages(data, InputLimits())[0].image
    corners = find_page(image)
    assert corners is not None
    page, steps = prepare(image)
    assert "已识别纸张边缘并校正透视" in steps
    # Near the invoice's own proportions (perspective foreshortening cannot be undone exactly).
    assert abs(page.shape[1] / page.shape[0] / (1560 / 1000) - 1) < 0.1
    result = verify_document(data, engine, VerifyOptions(today=TODAY, annotate_dir=tmp_path))
    for name in KEY_FIELDS:
        assert str(result.to_json()["fields"][name]["value"]) == fields[name], name
    assert next(c for c in result.checks if c.name == "qr_match").status == "pass"
    assert result.verdict == "pass", [c for c in result.checks if c.status != "pass"]
    annotated = np.asarray(__import__("PIL.Image", fromlist=["Image"]).open(result.annotated[0]))
    assert annotated.shape[:2] == page.shape[:2]  # staff see the rectified page


def test_a_consistently_edited_invoice_is_caught_by_its_qr_code(engine) -> None:
    fields, data = _photo(22, "consistent_edit")
    result = verify_document(data, engine, VerifyOptions(today=TODAY))
    sums = {c.name: c.status for c in result.checks}
    assert sums["total_sum"] == "pass" and sums["total_in_words"] == "pass"  # the edit adds up
    qr = next(c for c in result.checks if c.name == "qr_match")
    assert qr.status == "fail" and fields["amount"] in qr.detail and result.verdict == "fail"


def test_a_photo_of_something_else_asks_the_client_to_retake(engine) -> None:
    rng = random.Random(3)
    data = photograph(_not_a_document(rng), HARD, rng)
    result = verify_document(data, engine, VerifyOptions(today=TODAY))
    assert result.doc_type == "other" and result.verdict == "retake"
    message = result.to_json()["client_message"]["zh"]
    assert "请重新拍摄或上传发票、合同或营业执照" in message and "人工" not in message


def test_a_flat_scan_is_left_as_it_is() -> None:
    rng = random.Random(5)
    page = np.asarray(render_invoice(make_invoice(rng, TODAY), rng).image)
    out, steps = prepare(page)
    assert steps == [] and out is page


def test_a_page_cropped_from_a_turned_photo_is_deskewed_within_15_degrees() -> None:
    from PIL import Image

    from ocr.photo import estimate_skew

    rng = random.Random(5)
    page = render_invoice(make_invoice(rng, TODAY), rng).image
    for angle in (-14, -6, 3, 12):  # PIL turns counter-clockwise; the estimate is clockwise-positive
        turned = np.asarray(page.rotate(angle, expand=True, fillcolor=(245, 245, 240), resample=Image.BICUBIC))
        assert find_page(turned) is None  # no desk around it: nothing to rectify
        assert abs(estimate_skew(turned) + angle) <= 0.4, angle
        _, steps = prepare(turned)
        assert steps and steps[0].startswith("已纠正倾斜")
