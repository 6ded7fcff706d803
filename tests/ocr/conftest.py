"""Real OCR on a handful of generated documents: one engine for the whole module run."""

from __future__ import annotations

import random
from datetime import date

import pytest

from eval.ocr.generate import Sample, invoice_sample
from eval.ocr.render import Noise
from ocr.engine import EngineConfig, OcrEngine, build_engine

TODAY = date.today()
# Mild but real noise: a slight tilt, blur and JPEG, as a phone photo of a flat invoice.
PHOTO = Noise(blur=0.6, rotate=1.2, jpeg_quality=70, contrast=0.8)


@pytest.fixture(scope="session")
def engine() -> OcrEngine:
    return build_engine(EngineConfig())


def make_invoice(seed: int, defect: str | None = None, noise: Noise = PHOTO) -> Sample:
    return invoice_sample(random.Random(seed), TODAY, defect, noise)
