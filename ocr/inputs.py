"""Turning an uploaded file into pages: content sniffing, limits, PDF text layer or rendering.

The type is decided by the bytes, never by the file name, so a renamed file is read as what it is
and a file that is nothing we know is refused with one clear line. Limits are checked before any
pixel is decoded, which is what stops decompression bombs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageOps

from ocr.engine import TextBox
from ocr.errors import DocumentRejected

PDF_SCALE = 2.0  # 144 dpi: small print on invoices stays legible to the recogniser


@dataclass(frozen=True)
class InputLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_pages: int = 10


@dataclass
class Page:
    index: int
    image: np.ndarray  # RGB uint8; rendered for PDFs so annotations and seal detection still work
    text_boxes: list[TextBox] | None = None  # set when a PDF page has a usable text layer
    notes: list[str] = field(default_factory=list)
    original: np.ndarray | None = None  # the photo as sent, when ``image`` is its rectified page


def sniff(data: bytes) -> str:
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:2] == b"BM":
        return "bmp"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    raise DocumentRejected(
        "无法识别的文件类型，请上传图片（PNG/JPG/WebP/TIFF/BMP）、PDF 或数电票 OFD/XML 文件（unsupported file type）"
    )


def sniff_document(data: bytes) -> str:
    """Like ``sniff``, and also the 数电票 files: "ofd" (a ZIP of XML; ocr.einvoice checks that it
    really is an OFD) and "xml"."""
    if data.startswith(b"PK\x03\x04"):
        return "ofd"
    if data[:256].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "xml"
    return sniff(data)


def load_pages(data: bytes, limits: InputLimits) -> list[Page]:
    if not data:
        raise DocumentRejected("文件为空（empty file）")
    if len(data) > limits.max_bytes:
        raise DocumentRejected(
            f"文件过大：{len(data) / 1048576:.1f} MB，上限 {limits.max_bytes / 1048576:.0f} MB（file too large）"
        )
    kind = sniff(data)
    if kind == "pdf":
        return _pdf_pages(data, limits)
    return _image_pages(data, limits)


def _image_pages(data: bytes, limits: InputLimits) -> list[Page]:
    try:
        # Header only: size is known before any pixel is decoded.
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise DocumentRejected(f"图片像素过多，已拒绝（decompression bomb refused）：{exc}") from exc
    except (OSError, ValueError) as exc:
        raise DocumentRejected(f"图片已损坏或无法读取（corrupt image）：{type(exc).__name__}") from exc
    frames = getattr(image, "n_frames", 1)
    if frames > limits.max_pages:
        raise DocumentRejected(f"页数过多：{frames} 页，上限 {limits.max_pages} 页（too many pages）")
    pages: list[Page] = []
    for index in range(frames):
        try:
            image.seek(index)
            _check_pixels(image.size, limits)
            frame = ImageOps.exif_transpose(image).convert("RGB")
            frame.load()
        except DocumentRejected:
            raise
        except (OSError, Image.DecompressionBombError, ValueError, SyntaxError) as exc:
            raise DocumentRejected(
                f"图片已损坏或不完整（corrupt or truncated image）：{type(exc).__name__}"
            ) from exc
        pages.append(Page(index, np.asarray(frame)))
    return pages


def _check_pixels(size: tuple[int, int], limits: InputLimits) -> None:
    width, height = size
    if width * height > limits.max_pixels:
        raise DocumentRejected(
            f"图片像素过多：{width}×{height}，上限 {limits.max_pixels / 1e6:.0f} 百万像素（image too large）"
        )
    if width < 16 or height < 16:
        raise DocumentRejected(f"图片太小，无法识别：{width}×{height}（image too small）")


def _pdf_pages(data: bytes, limits: InputLimits) -> list[Page]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DocumentRejected("PDF 有密码保护，请上传未加密的文件（password-protected PDF）") from exc
        raise DocumentRejected(f"PDF 已损坏或不完整（corrupt PDF）：{exc}") from exc
    try:
        count = len(pdf)
        if count == 0:
            raise DocumentRejected("PDF 没有页面（empty PDF）")
        if count > limits.max_pages:
            raise DocumentRejected(f"页数过多：{count} 页，上限 {limits.max_pages} 页（too many pages）")
        pages = []
        for index in range(count):
            page = pdf[index]
            width, height = page.get_size()
            _check_pixels((int(width * PDF_SCALE), int(height * PDF_SCALE)), limits)
            image = np.asarray(page.render(scale=PDF_SCALE).to_pil().convert("RGB"))
            pages.append(Page(index, image, _text_layer(page, index, height)))
        return pages
    except pdfium.PdfiumError as exc:
        raise DocumentRejected(f"PDF 已损坏或不完整（corrupt PDF）：{exc}") from exc
    finally:
        pdf.close()


def _text_layer(page, index: int, page_height: float) -> list[TextBox] | None:
    """Text runs with boxes in rendered-pixel coordinates, or None for a scanned page."""
    textpage = page.get_textpage()
    if textpage.count_chars() < 10:
        return None
    runs: list[tuple[float, float, float, float, str]] = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top).replace("\xa0", " ").strip()
        if text:
            runs.append((left * PDF_SCALE, (page_height - top) * PDF_SCALE, right * PDF_SCALE,
                         (page_height - bottom) * PDF_SCALE, text))
    boxes = [
        TextBox(text, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), 1.0, index)
        for x0, y0, x1, y1, text in _merge_runs(runs)
    ]
    return boxes or None


def _merge_runs(runs: list[tuple[float, float, float, float, str]]) -> list[tuple[float, float, float, float, str]]:
    """pdfium splits one printed phrase into several runs; rejoin those that touch on a line,
    as an OCR engine would see them."""
    merged: list[list] = []
    for x0, y0, x1, y1, text in sorted(runs, key=lambda r: (round(r[1] / 4), r[0])):
        if merged:
            last = merged[-1]
            height = max(y1 - y0, last[3] - last[1])
            same_line = min(y1, last[3]) - max(y0, last[1]) > 0.5 * min(y1 - y0, last[3] - last[1])
            if same_line and 0 <= x0 - last[2] < 0.6 * height:
                last[2], last[1], last[3] = x1, min(y0, last[1]), max(y1, last[3])
                last[4] += text
                continue
        merged.append([x0, y0, x1, y1, text])
    return [tuple(m) for m in merged]
