"""The applicant's own papers: a party of the document must be the applying company."""

from __future__ import annotations

import random
from datetime import date

from eval.ocr.einvoices import digital_invoice, invoice_xml
from ocr.applicant import check_applicant, normalise_company
from ocr.model import Extraction, Field
from ocr.pipeline import VerifyOptions, verify_document

TODAY = date(2025, 6, 30)


def test_company_names_compare_across_widths_brackets_and_legal_forms() -> None:
    assert normalise_company("福州（鑫源）电子科技有限责任公司") == normalise_company("福州(鑫源)电子科技有限公司")
    assert normalise_company("ＡＢＣ 贸易股份有限公司") == normalise_company("ABC贸易股份公司")
    assert normalise_company("福州鑫源电子科技有限公司") != normalise_company("福州鑫源电子有限公司")


def test_buyer_or_seller_must_be_the_applicant_and_the_result_shows_it() -> None:
    inv = digital_invoice(random.Random(6), TODAY)
    data = invoice_xml(inv)
    buyer, seller = inv.fields["buyer_name"], inv.fields["seller_name"]
    as_buyer = verify_document(data, None, VerifyOptions(today=TODAY, applicant=buyer)).to_json()
    assert as_buyer["applicant"]["matched_party"] == "购买方" and as_buyer["applicant"]["status"] == "pass"
    long_form = seller.replace("有限公司", "有限责任公司")
    as_seller = verify_document(data, None, VerifyOptions(today=TODAY, applicant=long_form))
    assert as_seller.to_json()["applicant"]["matched_party"] == "销售方"
    stranger = verify_document(data, None, VerifyOptions(today=TODAY, applicant="厦门不相干贸易有限公司"))
    check = next(c for c in stranger.checks if c.name == "applicant")
    assert check.status == "fail" and buyer in check.detail and seller in check.detail
    assert stranger.verdict == "fail"


def test_a_contract_party_counts_and_an_unread_party_is_a_warning() -> None:
    contract = Extraction("contract", {"party_a": Field("party_a", "泉州华泰机械制造有限公司", 0.99),
                                       "party_b": Field("party_b", "苏州恒达物流有限公司", 0.99)})
    assert check_applicant(contract, "苏州恒达物流有限公司").status == "pass"
    assert check_applicant(Extraction("contract"), "苏州恒达物流有限公司").status == "warn"
