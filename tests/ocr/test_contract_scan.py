"""A contract scanned as a two-page PDF: parties, amounts and their agreement, the signature page."""

from __future__ import annotations

import io
import random

from PIL import Image

from eval.ocr.documents import CONTRACT_PAGE_BREAK, make_contract, render_contract
from eval.ocr.generate import scanned_pdf
from eval.ocr.render import apply_noise
from ocr.pipeline import VerifyOptions, verify_document
from tests.ocr.conftest import PHOTO, TODAY


def test_a_two_page_scan_is_read_across_pages_and_the_seal_page_found(engine) -> None:
    rng = random.Random(17)
    doc = make_contract(rng, TODAY)
    noisy = Image.open(io.BytesIO(apply_noise(render_contract(doc, rng).image, PHOTO.__class__(blur=0.5))))
    data = scanned_pdf(noisy.convert("RGB"), split_at=CONTRACT_PAGE_BREAK)
    result = verify_document(data, engine, VerifyOptions(today=TODAY, applicant=doc.fields["party_b"]))
    out = result.to_json()
    assert result.doc_type == "contract" and result.pages == 2
    for name in ("party_a", "party_b", "amount", "amount_cn", "signing_date"):
        assert out["fields"][name]["value"] == doc.fields[name], name
    statuses = {c.name: c.status for c in result.checks}
    assert statuses["amount_in_words"] == "pass" and statuses["applicant"] == "pass"
    assert out["facts"]["seals"] == 2 and out["facts"]["signature_page"] == 2
    assert "签章页：第 2 页" in next(c.detail for c in result.checks if c.name == "seal")
