"""The dialogue's adapter onto the OCR package: a photo of no document is a request to retake."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from assistant.documents import DocumentUnreadable
from assistant.settings import load_settings
from assistant.wiring import build_verifier
from eval.ocr.photos import _not_a_document, photograph
from tests.ocr.test_photo import HARD


def test_a_photo_of_no_document_asks_the_client_to_retake(tmp_path: Path) -> None:
    rng = random.Random(4)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photograph(_not_a_document(rng), HARD, rng))
    verifier = build_verifier(load_settings(assistant_data_dir=tmp_path))
    with pytest.raises(DocumentUnreadable) as caught:
        verifier.verify(photo)
    message = str(caught.value)
    assert "请重新拍摄或上传发票、合同或营业执照" in message and "人工" not in message
    # Each language on its own, for the reply in the client's language.
    assert "请重新拍摄" in caught.value.by_language["zh"] and "Please retake" in caught.value.by_language["en"]
