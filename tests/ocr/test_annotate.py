"""Annotated pages carry the document's own words on each box, not the extraction's keys."""

from __future__ import annotations

from ocr.annotate import CHECK_FIELDS, FIELD_CN


def test_every_field_a_check_marks_has_a_chinese_label() -> None:
    marked = {name for names in CHECK_FIELDS.values() for name in names}
    assert marked <= set(FIELD_CN), marked - set(FIELD_CN)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in FIELD_CN.values())
