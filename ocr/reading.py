"""Reading one page: a photo made flat first, turned upright if needed, then the OCR engine.

The prepared page replaces the original in ``Page.image``, so the annotated page staff see is the
rectified document the fields were read from, and the QR code is looked for there first.
"""

from __future__ import annotations

import numpy as np

from ocr.engine import OcrEngine, TextBox
from ocr.inputs import Page
from ocr.photo import prepare


def prepare_page(page: Page) -> None:
    """Rectify, deskew and even out a photographed page in place (scans are left as they are)."""
    if page.text_boxes is not None or page.original is not None:
        return  # a born-digital PDF page, or a page already prepared
    page.original = page.image
    page.image, steps = prepare(page.image)
    page.notes += steps


def recognise_page(engine: OcrEngine, page: Page, photo: bool = True) -> list[TextBox]:
    """OCR one page; a page photographed sideways or upside down is turned upright first.

    The extra OCR passes happen only for turned pages, so upright pages cost one engine call.
    """
    if page.text_boxes is not None:
        return page.text_boxes
    if photo:
        prepare_page(page)
    boxes = engine.recognise(page.image)
    if _looks_sideways(boxes):
        # Both quarter turns read well, because the classifier turns upside-down lines; the one
        # whose lines needed no turning is the upright page.
        trials = []
        for k in (1, 3):  # 90° counter-clockwise, then clockwise
            rotated = np.ascontiguousarray(np.rot90(page.image, k))
            trial = engine.recognise(rotated)
            upright = getattr(engine, "last_upside_down_share", 0.0) < 0.5
            trials.append((upright, _score(trial), k, trial, rotated))
        upright, score, _, trial, rotated = max(trials, key=lambda t: (t[0], t[1]))
        if upright or score > _score(boxes):
            boxes, page.image = trial, rotated
    elif getattr(engine, "last_upside_down_share", 0.0) > 0.6 and len(boxes) >= 4:
        # Each line was read correctly (the classifier turned it), but the layout is upside
        # down: turn the page and read it again so rows and columns are in reading order.
        page.image = np.ascontiguousarray(np.rot90(page.image, 2))
        boxes = engine.recognise(page.image)
    return [TextBox(b.text, b.quad, b.confidence, page.index) for b in boxes]


def _looks_sideways(boxes: list[TextBox]) -> bool:
    tall = sum(1 for b in boxes if (b.bbox[3] - b.bbox[1]) > 1.5 * (b.bbox[2] - b.bbox[0]))
    return len(boxes) >= 4 and tall > len(boxes) / 2


def _score(boxes: list[TextBox]) -> float:
    return sum(b.confidence * len(b.text) for b in boxes)
