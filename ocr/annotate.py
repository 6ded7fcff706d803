"""Annotated page images for staff: a box and a label on every extracted field."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont

from ocr.fonts import cjk_font
from ocr.inputs import Page

if TYPE_CHECKING:
    from ocr.pipeline import VerificationResult

COLOURS = {"pass": (0, 150, 60), "warn": (230, 140, 0), "fail": (210, 0, 0)}


def write_annotations(pages: list[Page], result: VerificationResult, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    font = ImageFont.truetype(str(cjk_font()), 18)
    stem = Path(result.file).stem or "upload"
    written = []
    for page in pages:
        image = Image.fromarray(page.image).convert("RGB")
        draw = ImageDraw.Draw(image)
        for field in result.extraction.fields.values():
            if field.box is None or field.page != page.index:
                continue
            draw.rectangle(field.box, outline=(0, 90, 220), width=2)
            x, y = field.box[0], max(0, field.box[1] - 20)
            draw.text((x, y), field.name, font=font, fill=(0, 90, 220), stroke_width=2, stroke_fill="white")
        if page.index == 0:
            draw.text((10, 10), f"结论：{result.verdict}", font=font, fill=COLOURS.get(
                {"review": "warn"}.get(result.verdict, result.verdict), (0, 0, 0)), stroke_width=2, stroke_fill="white")
        target = directory / f"{stem}.p{page.index + 1}.annotated.png"
        # Written to a temporary name and renamed, so a crash never leaves half an image.
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".png.tmp")
        os.close(fd)
        try:
            image.save(tmp, format="PNG")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        written.append(target)
    return written
