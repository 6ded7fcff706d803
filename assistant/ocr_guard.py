"""Admission to OCR: a total pixel budget per upload, checked before any pixel is decoded, and a
bound on the OCR runs one worker does at once.

The OCR package limits each page (frame) alone, so a 535 KB TIFF of ten 36-Mpx frames passed
every check and cost 2 GB and a minute of CPU; a PDF of many large pages the same. Here the
sizes of all frames (from the TIFF/PNG headers) or pages (from the PDF's page boxes, at the
resolution OCR renders them) are added up first, and an upload over the budget is refused. Runs
beyond ``ocr_max_concurrent`` wait up to ``ocr_queue_wait_s`` for a slot and are then turned away
(``OcrBusy``, a 503 with Retry-After at the HTTP edge). Refused files are deleted, not kept.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import threading
from pathlib import Path

from assistant.documents import DocumentCheck, DocumentUnreadable, DocumentVerifier
from assistant.errors import AssistantError

PDF_SCALE = 2.0  # as ocr.inputs renders PDF pages


class OcrBusy(AssistantError):
    """Every OCR slot of this worker stayed taken for the whole wait; the client may retry shortly."""

    code = "ocr_busy"
    message_key = "busy"
    retry_after_s = 10


def total_pixels(data: bytes, max_pages: int) -> int:
    """Pixels OCR would decode for this file, counted from headers only (no page is decoded)."""
    if b"%PDF-" in data[:1024]:
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return 0  # the OCR package refuses it with its own message
        try:
            sizes = [pdf[i].get_size() for i in range(min(len(pdf), max_pages + 1))]
        finally:
            pdf.close()
        return sum(int(w * PDF_SCALE) * int(h * PDF_SCALE) for w, h in sizes)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            total = 0
            for index in range(min(getattr(image, "n_frames", 1), max_pages + 1)):
                image.seek(index)
                total += image.size[0] * image.size[1]
            return total
    except (OSError, ValueError, EOFError, Image.DecompressionBombError):
        return 0  # unreadable or a single bomb: the OCR package refuses it with its own message


class GuardedVerifier:
    """A ``DocumentVerifier`` that admits a file to the real one only within the budgets."""

    def __init__(self, inner: DocumentVerifier, *, max_total_pixels: int, max_pages: int, max_concurrent: int,
                 wait_s: float) -> None:
        self.inner, self.max_total_pixels, self.max_pages, self.wait_s = inner, max_total_pixels, max_pages, wait_s
        self._slots = threading.BoundedSemaphore(max_concurrent)

    def verify(self, path: Path) -> DocumentCheck:
        with open(path, "rb") as handle:
            head = handle.read()
        pixels = total_pixels(head, self.max_pages)
        if pixels > self.max_total_pixels:
            discard(path)
            limit = self.max_total_pixels / 1e6
            raise DocumentUnreadable(f"文件总像素过多：{pixels / 1e6:.0f} 百万像素，上限 {limit:.0f} 百万像素，"
                                     "请分页或降低分辨率后上传（too many pixels in total）")
        if not self._slots.acquire(timeout=self.wait_s):
            raise OcrBusy(f"all OCR slots busy for {self.wait_s:.0f}s")
        try:
            return self.inner.verify(path)
        except DocumentUnreadable:
            discard(path)
            raise
        finally:
            self._slots.release()

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def discard(path: Path) -> None:
    """A refused upload is not kept: its file and any page images drawn from it go."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    annotated = path.parent / "annotated"
    if annotated.is_dir():
        shutil.rmtree(annotated, ignore_errors=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # only when empty
