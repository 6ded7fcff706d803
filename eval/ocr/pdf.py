"""A synthetic document as a born-digital PDF (text layer, like a 数电票 PDF), via pdfium."""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import ImageFont

from eval.ocr.render import Canvas

SCALE = 0.5  # canvas pixels per PDF point is 2, matching the OCR package's rendering scale


def canvas_to_pdf(canvas: Canvas) -> bytes:
    pdf = pdfium.PdfDocument.new()
    width, height = canvas.image.size
    page = pdf.new_page(width * SCALE, height * SCALE)
    data = canvas.font_path.read_bytes()
    buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
    font = pdfium_c.FPDFText_LoadFont(pdf.raw, buffer, len(data), pdfium_c.FPDF_FONT_TRUETYPE, 1)
    if not font:
        raise RuntimeError(f"pdfium cannot embed {canvas.font_path.name}")
    for left, top, text, size in canvas.texts:
        ascent = ImageFont.truetype(str(canvas.font_path), size).getmetrics()[0]
        obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, size * SCALE)
        encoded = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(encoded, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        baseline = top + ascent * 0.8  # textbbox top is the ink top, a little below the ascent line
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, left * SCALE, (height - baseline) * SCALE)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    for left, top, picture in canvas.pictures:  # the QR code, as an image object like the real PDFs
        image = pdfium.PdfImage.new(pdf)
        image.set_bitmap(pdfium.PdfBitmap.from_pil(picture))
        w, h = picture.width * SCALE, picture.height * SCALE
        image.set_matrix(pdfium.PdfMatrix().scale(w, h).translate(left * SCALE, (height - top) * SCALE - h))
        page.insert_obj(image)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()
