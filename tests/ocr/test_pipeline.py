"""End to end with the real PP-OCRv4 models: photo in, fields, checks and verdict out."""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image

from eval.ocr.documents import make_contract, make_licence, render_contract, render_licence
from eval.ocr.render import Noise, apply_noise
from ocr.pipeline import VerifyOptions, verify_document
from tests.ocr.conftest import PHOTO, TODAY, make_invoice

KEY_FIELDS = ("invoice_number", "issue_date", "buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id",
              "amount", "tax_rate", "tax_amount", "total_amount", "total_amount_cn")


def _status(result, name: str) -> str:
    return next(c.status for c in result.checks if c.name == name)


def test_a_clean_invoice_photo_is_read_exactly_and_passes(engine, tmp_path) -> None:
    sample = make_invoice(seed=11)
    result = verify_document(sample.data, engine, VerifyOptions(today=TODAY, seen_dir=tmp_path))
    data = result.to_json()
    assert data["doc_type"] == "invoice"
    for name in KEY_FIELDS:
        assert data["fields"][name]["value"] == sample.fields[name], name
    box = data["fields"]["invoice_number"]["box"]
    assert box and box[2] > box[0] and 0 < data["fields"]["invoice_number"]["confidence"] <= 1
    assert result.verdict == "pass", [c for c in result.checks if c.status != "pass"]
    assert "全国增值税发票查验平台" in data["note"]


def test_planted_defects_fail_the_check_a_credit_officer_would_look_at(engine) -> None:
    options = VerifyOptions(today=TODAY)
    for seed, defect, check in ((12, "total_off", "total_sum"), (13, "words_mismatch", "total_in_words"),
                                (14, "future_date", "issue_date")):
        result = verify_document(make_invoice(seed, defect).data, engine, options)
        assert result.verdict == "fail", defect
        assert _status(result, check) == "fail", (defect, result.checks)


def test_the_same_invoice_photographed_again_is_a_duplicate_across_runs(engine, tmp_path) -> None:
    first = make_invoice(seed=21, noise=Noise())
    second = make_invoice(seed=21, noise=PHOTO)  # same invoice, different photo
    assert first.data != second.data
    options = VerifyOptions(today=TODAY, seen_dir=tmp_path / "seen")
    assert _status(verify_document(first.data, engine, options, name="a.png"), "duplicate") == "pass"
    again = verify_document(second.data, engine, options, name="b.jpg")  # a new store object: read from disk
    assert _status(again, "duplicate") == "fail"
    assert "a.png" in next(c.detail for c in again.checks if c.name == "duplicate")


def test_sideways_and_upside_down_photos_are_turned_upright_and_read(engine) -> None:
    sample = make_invoice(seed=31, noise=Noise())
    for angle in (90, 180):
        image = Image.open(io.BytesIO(sample.data)).rotate(angle, expand=True)
        out = io.BytesIO()
        image.save(out, format="PNG")
        result = verify_document(out.getvalue(), engine, VerifyOptions(today=TODAY))
        assert result.doc_type == "invoice", angle
        assert result.extraction.value("invoice_number") == sample.fields["invoice_number"], angle
        assert result.verdict == "pass", (angle, [c for c in result.checks if c.status != "pass"])


def test_applicant_must_be_a_party_of_the_invoice(engine) -> None:
    sample = make_invoice(seed=41)
    seller = sample.fields["seller_name"]
    # The applicant may be the seller (receivables financing); written with the long legal form
    # and full-width brackets, it is still the same company.
    written = seller.replace("有限公司", "有限责任公司")
    ok = verify_document(sample.data, engine, VerifyOptions(today=TODAY, applicant=f"（{written}）"))
    assert _status(ok, "applicant") == "pass"
    assert ok.to_json()["applicant"]["matched_party"] == "销售方"
    from ocr.applicant import check_applicant

    other = check_applicant(ok.extraction, "某某不相干有限公司")
    assert other is not None and other.status == "fail" and seller in other.detail


def test_contract_without_seal_and_with_blanks_is_flagged(engine) -> None:
    rng = random.Random(5)
    doc = make_contract(rng, TODAY, "missing_seal")
    result = verify_document(apply_noise(render_contract(doc, rng).image, PHOTO), engine, VerifyOptions(today=TODAY))
    assert result.doc_type == "contract"
    assert result.extraction.value("party_a") == doc.fields["party_a"]
    assert _status(result, "seal") == "warn" and result.verdict != "pass"
    rng = random.Random(6)
    doc = make_contract(rng, TODAY, "blank_fields")
    result = verify_document(apply_noise(render_contract(doc, rng).image, PHOTO), engine, VerifyOptions(today=TODAY))
    assert _status(result, "blanks") == "fail"
    assert _status(result, "seal") == "pass"


def test_licence_fields_and_a_bad_credit_code(engine) -> None:
    rng = random.Random(8)
    doc = make_licence(rng, TODAY, "bad_credit_code")
    image = np.asarray(render_licence(doc, rng).image)
    result = verify_document(apply_noise(Image.fromarray(image), PHOTO), engine, VerifyOptions(today=TODAY))
    assert result.doc_type == "business_licence"
    for name in ("credit_code", "name", "legal_representative", "address"):
        assert result.extraction.value(name) == doc.fields[name], name
    assert _status(result, "credit_code") == "fail" and result.verdict == "fail"
