"""What the widget says, without a browser: the upload summary, the check list, the language of the
browser, and that every widget line exists in both languages of the catalogue."""

from __future__ import annotations

import re

import pytest

from assistant.catalogue import CHECKS, FIELDS, LANGUAGES, WIDGET
from ui.channels.widget.view import checks_html, upload_summary
from ui.texts import accept_language

INVOICE = {
    "filename": "发票.jpg", "doc_type": "invoice", "verdict": "review", "note": None,
    "fields": {"total_amount": "12345", "seller_name": "泉州锦程机械制造有限公司", "issue_date": "2026-05-25",
               "invoice_number": "35286457", "buyer_tax_id": "9172856745M1FUT72E"},
    "checks": [{"name": "total_sum", "status": "pass", "message": "金额 + 税额 = 价税合计，精确到分"},
               {"name": "tax_rate", "status": "pass", "message": "税率为现行税率"},
               {"name": "code_format", "status": "pass", "message": "发票代码、号码格式正确"},
               {"name": "issue_date", "status": "warn", "message": "开票日期 2026-05-25 距今超过360天"}],
}


def test_the_summary_says_what_was_read_and_which_checks_need_a_look() -> None:
    zh = upload_summary(INVOICE, "zh")
    assert zh.startswith("发票已识别：价税合计 ¥12,345.00，销售方 泉州锦程机械制造有限公司，开票日期 2026-05-25")
    assert "3 项检查通过，1 项需复核：开票日期 2026-05-25 距今超过360天。" in zh
    assert "9172856745M1FUT72E" not in zh, "only the fields a client recognises their document by"
    en = upload_summary(INVOICE, "en")
    assert en.startswith("Read from the invoice: total incl. tax ¥12,345.00; seller 泉州锦程机械制造有限公司")
    assert "3 check(s) passed; 1 to review: issue date." in en
    assert not re.search(r"[\u4e00-\u9fff]", en.replace("泉州锦程机械制造有限公司", "")), en


def test_the_check_list_is_in_the_clients_language_and_escaped() -> None:
    document = {**INVOICE, "filename": "<img src=x>.jpg"}
    zh, en = checks_html(document, "zh"), checks_html(document, "en")
    assert "核验清单" in zh and "结论：需人工复核" in zh and "【注意】开票日期" in zh
    assert "Checks" in en and "result: needs review" in en and "[check] issue date — 开票日期" in en
    assert "<img src=x>" not in zh + en


def test_a_document_without_fields_or_checks_gets_no_summary() -> None:
    assert upload_summary({"doc_type": "other", "checks": [], "fields": {}}, "zh") == ""


@pytest.mark.parametrize(("header", "lang"), [
    ("en-US,en;q=0.9,zh-CN;q=0.8", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
    ("de", "zh"), ("", "zh"), ("zh;q=0.4, en;q=0.6", "en"), ("en;q=0, zh", "zh"), ("en-GB;q=x", "zh")])
def test_the_browsers_preferred_language(header: str, lang: str) -> None:
    assert accept_language(header) == lang


def test_every_widget_line_field_and_check_is_in_both_languages() -> None:
    for table in (WIDGET, FIELDS, CHECKS):
        for key, entry in table.items():
            assert set(entry) == set(LANGUAGES) and all(entry.values()), key
