"""Uploads that are not what they claim, broken, huge or locked: one clear error each."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter

from ocr.errors import DocumentRejected
from ocr.inputs import InputLimits, load_pages, sniff

LIMITS = InputLimits(max_bytes=5 * 1024 * 1024, max_pixels=4_000_000, max_pages=3)


def _png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge image: decoding it would be a decompression bomb."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_type_is_decided_by_content_not_name(tmp_path) -> None:
    assert sniff(_png()) == "png"
    renamed = tmp_path / "invoice.pdf"
    renamed.write_bytes(_png())
    assert load_pages(renamed.read_bytes(), LIMITS)[0].image.shape == (48, 64, 3)
    with pytest.raises(DocumentRejected, match="无法识别的文件类型"):
        sniff(b"PK\x03\x04 this is a zip renamed to invoice.pdf")
    from ocr.einvoice import read_einvoice

    with pytest.raises(DocumentRejected, match=r"损坏|无法识别的文件类型"):
        read_einvoice(b"PK\x03\x04 this is a zip renamed to invoice.pdf", LIMITS)


def _image_pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 300), "white").save(out, format="PDF")
    return out.getvalue()


def test_each_broken_upload_gets_its_own_clear_error() -> None:
    cases = {
        _image_pdf()[:-120]: "PDF 已损坏",
        b"": "文件为空",
        _png()[:60]: "损坏",
        b"%PDF-1.4\n garbage that is not a pdf": "PDF 已损坏",
        _png_header_only(60000, 60000): "像素过多",
        b"\x00" * (6 * 1024 * 1024): "文件过大",
    }
    for data, message in cases.items():
        with pytest.raises(DocumentRejected, match=message):
            load_pages(data, LIMITS)


def test_password_protected_pdf_is_refused_with_that_reason() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DocumentRejected, match="密码保护"):
        load_pages(out.getvalue(), LIMITS)


def test_page_limit_applies_to_multi_page_tiff_and_pdf() -> None:
    frames = [Image.new("RGB", (50, 50), c) for c in ("white", "gray", "black", "red")]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(DocumentRejected, match="页数过多"):
        load_pages(out.getvalue(), LIMITS)
    pdf = io.BytesIO()
    frames[0].save(pdf, format="PDF", save_all=True, append_images=frames[1:2])
    pages = load_pages(pdf.getvalue(), LIMITS)
    assert len(pages) == 2 and pages[0].text_boxes is None  # scanned: no text layer, will be OCR'd
