"""Masking for agents who have not claimed: every field, the score breakdown, complaint text, OCR
fields and the document images themselves; the audit log says truthfully what was unmasked."""

from __future__ import annotations

import io
import json
import random
from datetime import date

import httpx
import numpy as np
import pytest
from PIL import Image

from assistant.privacy import mask_text
from eval.ocr.generate import invoice_sample
from tests.security.conftest import audit_rows
from tests.ui.conftest import HOT_LEAD, Server, chat_script, login

ID_NUMBER = "110101199003071234"
COMPLAINT = ["我要投诉", "同意，宁波海纳贸易有限公司", "李娜，13800138000", "请联系我 139-8765-4321 说明情况", "其他",
             f"有人用我的身份证{ID_NUMBER}和手机13912345678冒名开户", "确认"]


@pytest.mark.parametrize("typed", ["9135 0100 M000 100Y 43", "91350100-M000100Y43",
                                   "９１３５０１００Ｍ０００１００Ｙ４３", "代码：9135-0100-M000-100Y-43。"])
def test_credit_codes_in_every_form_the_validator_accepts_are_masked(typed: str) -> None:
    masked = mask_text(typed)
    assert "M000100" not in masked.replace(" ", "").replace("-", "") and "*" * 10 in masked


@pytest.mark.parametrize("typed", ["１３９１２３４５６７８", "139　1234　5678",
                                   "身份证１１０１０１１９９００３０７１２３４"])
def test_full_width_digits_are_masked(typed: str) -> None:
    assert "1234" not in mask_text(typed)[3:8] and "****" in mask_text(typed)


@pytest.fixture(scope="module")
def lead_with_invoice(client: httpx.Client) -> tuple[int, str]:
    session, reply = chat_script(client, HOT_LEAD)
    pdf = invoice_sample(random.Random(5), date.today(), None, as_pdf=True)
    upload = client.post("/api/chat/upload", data={"session_id": session},
                         files={"file": ("发票.pdf", pdf.data, "application/pdf")})
    assert upload.status_code == 200, upload.text
    return int(reply["data"]["lead"]), pdf.fields["buyer_tax_id"]


def test_an_agent_who_has_not_claimed_sees_no_identifier_anywhere(client: httpx.Client, server: Server,
                                                                 lead_with_invoice: tuple[int, str]) -> None:
    lead_id, tax_id = lead_with_invoice
    bob = login(client, "bob")
    detail = client.get(f"/api/staff/leads/{lead_id}", headers=bob)
    assert detail.status_code == 200 and detail.json()["masked"]
    text = json.dumps(detail.json(), ensure_ascii=False)
    for secret in ("91350100M000100Y43", "13912345678", tax_id):
        assert secret not in text, secret  # the score breakdown and the OCR fields included
    factors = json.dumps(detail.json()["score_breakdown"], ensure_ascii=False)
    assert "9135**********0Y43" in factors or "91350100M000100Y43" not in factors
    assert "/tmp" not in text and "uploads" not in text  # no server paths either
    rows = audit_rows(server, action="lead_viewed", entity_id=str(lead_id))
    assert rows[-1].actor == "staff:bob" and rows[-1].detail["unmasked"] is False


def test_document_images_are_blurred_where_the_fields_are(client: httpx.Client,
                                                          lead_with_invoice: tuple[int, str]) -> None:
    lead_id, _ = lead_with_invoice
    sue = login(client, "sue")  # sees everything: the image as annotated
    full = client.get(f"/api/staff/leads/{lead_id}", headers=sue).json()["documents"][-1]
    masked = client.get(f"/api/staff/leads/{lead_id}", headers=login(client, "bob")).json()["documents"][-1]
    assert full["links"] and masked["links"] and full["links"][0] != masked["links"][0]
    original = np.asarray(Image.open(io.BytesIO(client.get(full["links"][0]).content)).convert("L"), dtype=float)
    blurred = np.asarray(Image.open(io.BytesIO(client.get(masked["links"][0]).content)).convert("L"), dtype=float)
    assert original.shape == blurred.shape
    x0, y0, x1, y1 = (int(v) for v in full["fields"]["buyer_tax_id"]["box"])
    inside = np.abs(original[y0:y1, x0:x1] - blurred[y0:y1, x0:x1]).mean()
    assert inside > 10, "the field box is no longer readable"
    # Outside the boxes the page is the same, so the agent can still see what kind of document it is.
    assert np.abs(original[:20, :] - blurred[:20, :]).mean() < 1


def test_complaint_text_is_masked_until_claimed(client: httpx.Client, server: Server) -> None:
    _, reply = chat_script(client, COMPLAINT)
    number = reply["data"]["ticket"]
    bob = login(client, "bob")
    masked = client.get(f"/api/staff/complaints/{number}", headers=bob).json()
    text = json.dumps(masked, ensure_ascii=False)
    for secret in (ID_NUMBER, "13912345678", "13800138000", "8765"):
        assert secret not in text, secret
    assert masked["masked"] and "110101********1234" in masked["description"]
    assert client.post(f"/api/staff/complaints/{number}/claim", headers=bob).status_code == 200
    mine = client.get(f"/api/staff/complaints/{number}", headers=bob).json()
    assert ID_NUMBER in mine["description"] and not mine["masked"]
    flags = [r.detail["unmasked"] for r in audit_rows(server, action="complaint_viewed", entity_id=number)]
    assert flags[-2:] == [False, True]
