"""The one masking function of the staff side: ``mask(view, role, claimed)``.

A role that sees everything (supervisor, admin) or an agent who has claimed the lead or ticket
gets the view as it is. Anyone else gets every string field masked (mobiles, credit codes and ID
numbers wherever they appear: columns, slots, score breakdown, transcript, complaint text, OCR
fields and check messages) and every document image replaced by a copy blurred where the OCR
found fields. Nothing is masked by picking fields one by one, so a new field cannot be forgotten.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from PIL import Image, ImageFilter
from pydantic import BaseModel

from assistant.privacy import mask_credit_code, mask_mobile, mask_text
from assistant.staff_views import DocumentView

log = logging.getLogger(__name__)
SEES_ALL = ("supervisor", "admin")
V = TypeVar("V", bound=BaseModel)
# Columns holding exactly one identifier get the identifier's own mask (it keeps the separators).
_EXACT = {"mobile": mask_mobile, "credit_code": mask_credit_code}


def sees_unmasked(role: str, claimed: bool) -> bool:
    return role in SEES_ALL or claimed


def mask(view: V, role: str, claimed: bool) -> V:
    """``view`` as ``role`` may see it; ``claimed`` is whether the lead or ticket is theirs."""
    if sees_unmasked(role, claimed):
        return view.model_copy(update={"masked": False}) if "masked" in type(view).model_fields else view
    return _mask_model(view)


def _mask_model(view: V) -> V:
    update: dict[str, Any] = {}
    for name in type(view).model_fields:
        value = getattr(view, name)
        if name in _EXACT and isinstance(value, str):
            update[name] = _EXACT[name](mask_text(value))
        elif name == "images" and isinstance(view, DocumentView):
            update[name] = [blurred(Path(p), _boxes(view.fields, page)) for page, p in enumerate(value)]
        else:
            update[name] = _mask_value(value)
    if "masked" in type(view).model_fields:
        update["masked"] = True
    return view.model_copy(update=update)


def _mask_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _mask_model(value)
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: (_EXACT[k](mask_text(v)) if k in _EXACT and isinstance(v, str) else _mask_value(v))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(v) for v in value]
    return value


def _boxes(fields: dict[str, Any], page: int) -> list[tuple[float, float, float, float]]:
    boxes = []
    for item in fields.values():
        if isinstance(item, dict) and item.get("box") and int(item.get("page") or 0) == page:
            x0, y0, x1, y1 = (float(v) for v in item["box"])
            boxes.append((x0, y0, x1, y1))
    return boxes


def blurred(path: Path, boxes: list[tuple[float, float, float, float]]) -> str:
    """A copy of the page image with every field box blurred beyond reading, written once beside it.

    When the image cannot be read, the copy cannot be made: no image is shown rather than the
    unmasked one (the empty string is dropped by the link builder).
    """
    target = path.with_name(path.name.replace(".annotated.png", "") + ".masked.png")
    try:
        if target.is_file() and target.stat().st_mtime >= path.stat().st_mtime:
            return str(target)
        with Image.open(path) as source:
            image = source.convert("RGB")
    except (OSError, ValueError):
        log.warning("cannot blur %s; the masked view shows no image", path.name)
        return ""
    for x0, y0, x1, y1 in boxes:
        pad = 4
        box = (max(0, int(x0) - pad), max(0, int(y0) - pad), min(image.width, int(x1) + pad),
               min(image.height, int(y1) + pad))
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        region = image.crop(box)
        # Pixelate, then blur: a blur alone of large print can sometimes be read back.
        small = region.resize((max(1, region.width // 12), max(1, region.height // 12)), Image.Resampling.BILINEAR)
        region = small.resize(region.size, Image.Resampling.NEAREST).filter(ImageFilter.GaussianBlur(6))
        image.paste(region, box)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".png.tmp")
    os.close(fd)
    try:
        image.save(tmp, format="PNG")
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return str(target)
