"""OCR engines behind one small interface.

RapidOCR (PP-OCRv4 ONNX models shipped inside the wheel) is the offline default. PaddleOCR is an
alternative for banks that already run it; its models are loaded only from local directories so
nothing is ever fetched from a model hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ocr.errors import EngineUnavailable

Quad = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class TextBox:
    """One recognised text line: its text, confidence and the quadrilateral it came from."""

    text: str
    quad: Quad
    confidence: float
    page: int = 0

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.quad]
        ys = [p[1] for p in self.quad]
        return min(xs), min(ys), max(xs), max(ys)


class OcrEngine(Protocol):
    name: str
    # Share of the last image's text lines the angle classifier found upside down (0 when the
    # engine cannot tell); the pipeline turns a page whose lines are mostly upside down.
    last_upside_down_share: float

    def recognise(self, image: np.ndarray) -> list[TextBox]:
        """Text lines of an RGB image (H×W×3, uint8)."""
        ...


@dataclass(frozen=True)
class EngineConfig:
    name: str = "rapidocr"
    threads: int = -1  # onnxruntime intra-op threads; 1 per worker when a batch uses a pool
    paddle_det_dir: Path | None = None
    paddle_rec_dir: Path | None = None
    paddle_cls_dir: Path | None = None


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int = -1) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - a broken install
            raise EngineUnavailable(
                "SME_OCR_ENGINE: rapidocr is selected but rapidocr-onnxruntime is not installed"
            ) from exc
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
        self.last_upside_down_share = 0.0
        classify = self._ocr.text_cls

        def classify_and_count(crops):  # RapidOCR drops the classifier's verdicts; keep a tally
            crops, verdicts, elapsed = classify(crops)
            flipped = sum(1 for label, score in verdicts if label == "180" and score > 0.9)
            self.last_upside_down_share = flipped / len(verdicts) if verdicts else 0.0
            return crops, verdicts, elapsed

        self._ocr.text_cls = classify_and_count

    def recognise(self, image: np.ndarray) -> list[TextBox]:
        self.last_upside_down_share = 0.0
        result, _ = self._ocr(image)
        boxes: list[TextBox] = []
        for quad, text, score in result or []:
            boxes.append(TextBox(str(text), tuple((float(x), float(y)) for x, y in quad), float(score)))
        return boxes


def check_engine_config(config: EngineConfig) -> None:
    """Fail fast, in the calling process, on a setting that would break every worker later."""
    import importlib.util

    if config.name == "rapidocr":
        if importlib.util.find_spec("rapidocr_onnxruntime") is None:
            raise EngineUnavailable("SME_OCR_ENGINE: rapidocr is selected but rapidocr-onnxruntime is not installed")
        return
    if config.name != "paddleocr":
        raise EngineUnavailable(f"SME_OCR_ENGINE: unknown engine {config.name!r} (rapidocr or paddleocr)")
    _check_paddle_dirs(config.paddle_det_dir, config.paddle_rec_dir, config.paddle_cls_dir)
    if importlib.util.find_spec("paddleocr") is None:
        raise EngineUnavailable(_PADDLE_MISSING)


_PADDLE_MISSING = (
    "SME_OCR_ENGINE: paddleocr is selected but the paddleocr and paddlepaddle packages are not "
    "installed (pip install paddleocr paddlepaddle), or use rapidocr"
)


def _check_paddle_dirs(det_dir: Path | None, rec_dir: Path | None, cls_dir: Path | None) -> None:
    for setting, directory in (
        ("SME_OCR_PADDLE_DET_DIR", det_dir),
        ("SME_OCR_PADDLE_REC_DIR", rec_dir),
        ("SME_OCR_PADDLE_CLS_DIR", cls_dir),
    ):
        if directory is None or not Path(directory).is_dir():
            raise EngineUnavailable(
                f"{setting}: the paddleocr engine needs a local model directory here "
                f"(got {directory}); models are never downloaded"
            )


class PaddleOcrEngine:
    """PaddleOCR 2.x ``PaddleOCR(...).ocr`` with every model directory given by path."""

    name = "paddleocr"
    last_upside_down_share = 0.0  # PaddleOCR does not report its classifier's verdicts

    def __init__(self, det_dir: Path | None, rec_dir: Path | None, cls_dir: Path | None) -> None:
        _check_paddle_dirs(det_dir, rec_dir, cls_dir)
        try:
            from paddleocr import PaddleOCR
        except ImportError as exc:
            raise EngineUnavailable(_PADDLE_MISSING) from exc
        self._ocr = PaddleOCR(
            det_model_dir=str(det_dir),
            rec_model_dir=str(rec_dir),
            cls_model_dir=str(cls_dir),
            use_angle_cls=True,
            lang="ch",
            show_log=False,
        )

    def recognise(self, image: np.ndarray) -> list[TextBox]:
        # PaddleOCR expects BGR like OpenCV.
        pages = self._ocr.ocr(image[:, :, ::-1].copy(), cls=True) or []
        boxes: list[TextBox] = []
        for line in pages[0] or [] if pages else []:
            quad, (text, score) = line
            boxes.append(TextBox(str(text), tuple((float(x), float(y)) for x, y in quad), float(score)))
        return boxes


def build_engine(config: EngineConfig) -> OcrEngine:
    if config.name == "rapidocr":
        return RapidOcrEngine(config.threads)
    if config.name == "paddleocr":
        return PaddleOcrEngine(config.paddle_det_dir, config.paddle_rec_dir, config.paddle_cls_dir)
    raise EngineUnavailable(f"SME_OCR_ENGINE: unknown engine {config.name!r} (rapidocr or paddleocr)")
