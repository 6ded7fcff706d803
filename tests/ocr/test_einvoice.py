"""数电票 XML and OFD files: every field read exactly, no OCR, and hostile files refused."""

from __future__ import annotations

import io
import random
import time
import zipfile
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval.ocr.einvoices import digital_invoice, generate_einvoices, invoice_ofd, invoice_xml
from eval.ocr.generate import Sample
from eval.ocr.run import compare_fields
from ocr.einvoice import read_einvoice
from ocr.errors import DocumentRejected, OcrError
from ocr.inputs import InputLimits, sniff_document
from ocr.pipeline import VerifyOptions, verify_document

TODAY = date(2025, 6, 30)


def test_every_field_of_xml_and_ofd_files_is_exact_and_fast() -> None:
    options = VerifyOptions(today=TODAY)
    files = generate_einvoices(8, 3, TODAY)
    assert {sniff_document(data) for _, data, _ in files} == {"xml", "ofd"}
    for name, data, truth in files:
        started = time.perf_counter()
        result = verify_document(data, None, options, name=name)  # no engine: OCR would fail loudly
        elapsed_ms = 1000 * (time.perf_counter() - started)
        compared = compare_fields(Sample(name, "invoice", truth["fields"], [], data), result.to_json()["fields"])
        assert len(compared) >= 12 and all(compared.values()), (name, compared)
        assert result.source == ("ofd" if name.endswith(".ofd") else "xml")
        assert result.verdict == "pass", [c for c in result.checks if c.status != "pass"]
        assert elapsed_ms < 100, (name, elapsed_ms)


def test_an_edited_xml_fails_the_same_checks_as_an_image() -> None:
    inv = digital_invoice(random.Random(9), TODAY, "total_off")
    result = verify_document(invoice_xml(inv), None, VerifyOptions(today=TODAY))
    assert next(c for c in result.checks if c.name == "total_sum").status == "fail"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_zip_bombs_and_dtds_are_refused_before_inflating() -> None:
    limits = InputLimits(max_bytes=2 * 1024 * 1024)
    bomb = _zip({"OFD.xml": b"<a/>", "Doc_0/big.xml": b"\0" * (30 * 1024 * 1024)})  # ~30 KB packed
    assert len(bomb) < 100_000
    with pytest.raises(DocumentRejected, match="解压后过大"):
        verify_document(bomb, None, VerifyOptions(today=TODAY, limits=limits))
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EInvoice>&a;</EInvoice>'
    with pytest.raises(DocumentRejected, match="DTD"):
        verify_document(laughs, None, VerifyOptions(today=TODAY))
    with pytest.raises(DocumentRejected, match="不是 OFD"):
        verify_document(_zip({"word/document.xml": b"<w/>"}), None, VerifyOptions(today=TODAY))
    with pytest.raises(DocumentRejected, match="不是数电票"):
        verify_document(b"<html><body>hello</body></html>", None, VerifyOptions(today=TODAY))


def test_a_truncated_ofd_is_a_clear_error() -> None:
    data = invoice_ofd(digital_invoice(random.Random(4), TODAY))
    with pytest.raises(DocumentRejected, match=r"OFD|ZIP|损坏"):
        verify_document(data[: len(data) // 2], None, VerifyOptions(today=TODAY))


def test_the_date_comes_from_the_caller_never_the_wall_clock() -> None:
    inv = digital_invoice(random.Random(2), TODAY)
    with pytest.raises(OcrError, match="clock"):
        verify_document(invoice_xml(inv), None, VerifyOptions())
    # 23:30 UTC on 30 June is already 1 July in Shanghai: the bank's date decides.
    late = VerifyOptions(now=datetime(2025, 6, 30, 23, 30, tzinfo=UTC))
    assert late.bank_today() == date(2025, 7, 1)
    assert late.utc_now().tzinfo is not None


def test_duplicates_are_stored_in_utc_and_shown_in_the_bank_time_zone(tmp_path) -> None:
    import sqlite3

    data = invoice_xml(digital_invoice(random.Random(8), TODAY))
    first = VerifyOptions(now=datetime(2025, 6, 30, 12, 0, tzinfo=UTC), seen_dir=tmp_path)
    verify_document(data, None, first, name="a.xml")
    again = verify_document(data, None, VerifyOptions(now=datetime(2025, 7, 2, 1, 0, tzinfo=UTC), seen_dir=tmp_path),
                            name="b.xml")
    check = next(c for c in again.checks if c.name == "duplicate")
    assert check.status == "warn" and "2025-06-30 20:00" in check.detail  # Shanghai is UTC+8
    db = sqlite3.connect(tmp_path / "seen_invoices.sqlite3")
    stored = db.execute("SELECT first_seen FROM seen_invoice").fetchone()
    assert stored[0] == "2025-06-30T12:00:00+00:00"


@given(tail=st.binary(max_size=2000), magic=st.sampled_from([b"PK\x03\x04", b"<?xml version='1.0'?>", b"<EInvoice>"]))
@settings(max_examples=150, deadline=None)
def test_garbage_e_invoice_files_are_one_clear_error(magic: bytes, tail: bytes) -> None:
    try:
        read_einvoice(magic + tail, InputLimits())
    except DocumentRejected as exc:
        assert str(exc)


@given(cut=st.integers(1, 4000), at=st.integers(0, 3999), value=st.integers(0, 255))
@settings(max_examples=150, deadline=None)
def test_damaged_ofd_files_are_one_clear_error(cut: int, at: int, value: int) -> None:
    data = bytearray(_OFD)
    data[at % len(data)] = value
    try:
        read_einvoice(bytes(data[: max(len(data) - cut, 4)]), InputLimits())
    except DocumentRejected as exc:
        assert str(exc)


_OFD = invoice_ofd(digital_invoice(random.Random(1), TODAY))
