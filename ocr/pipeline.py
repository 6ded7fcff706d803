"""One document in, fields + checks + verdict out: ``verify_document``."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ocr.checks import AUTHORITY_NOTE, CheckOptions, check_invoice, warn
from ocr.doc_checks import check_contract, check_licence
from ocr.engine import OcrEngine, TextBox
from ocr.errors import DocumentRejected
from ocr.fields import classify
from ocr.fields.contract import extract_contract
from ocr.fields.invoice import extract_invoice
from ocr.fields.licence import extract_licence
from ocr.inputs import InputLimits, Page, load_pages
from ocr.layout import Token, tokens_from
from ocr.model import CheckResult, Extraction, verdict_of
from ocr.seen import SeenInvoices, invoice_key
from ocr.validators import Repair


@dataclass(frozen=True)
class VerifyOptions:
    limits: InputLimits = field(default_factory=InputLimits)
    max_age_days: int = 365
    applicant: str | None = None
    today: date | None = None  # fixed in tests and evaluations; None means the real today
    seen_dir: Path | None = None  # where duplicates are remembered; None turns the memory off
    annotate_dir: Path | None = None


@dataclass
class VerificationResult:
    file: str
    doc_type: str
    extraction: Extraction
    checks: list[CheckResult]
    ocr_ms: int
    pages: int
    annotated: list[Path] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return verdict_of(self.checks)

    @property
    def repairs(self) -> list[Repair]:
        return self.extraction.repairs

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "doc_type": self.doc_type,
            "fields": {name: f.to_json() for name, f in self.extraction.fields.items()},
            "checks": [c.to_json() for c in self.checks],
            "verdict": self.verdict,
            "repairs": [r.to_json() for r in self.repairs],
            "note": AUTHORITY_NOTE if self.doc_type == "invoice" else "本结果为初步核验，最终以人工审核为准。",
            "ocr_ms": self.ocr_ms,
            "pages": self.pages,
            "annotated": [str(p) for p in self.annotated],
        }


def read_source(source: Path | bytes, limits: InputLimits) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, "<upload>"
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:  # refuse before reading a huge file into memory
            raise DocumentRejected(
                f"文件过大：{size / 1048576:.1f} MB，上限 {limits.max_bytes / 1048576:.0f} MB（file too large）"
            )
        return path.read_bytes(), str(path)
    except IsADirectoryError as exc:
        raise DocumentRejected(f"{path} 是目录，不是文件（is a directory）") from exc
    except FileNotFoundError as exc:
        raise DocumentRejected(f"找不到文件 {path}（file not found）") from exc
    except PermissionError as exc:
        raise DocumentRejected(f"无权读取文件 {path}（permission denied）") from exc


def recognise_page(engine: OcrEngine, page: Page) -> list[TextBox]:
    """OCR one page; a page photographed sideways or upside down is turned upright first.

    The extra OCR passes happen only for turned pages, so upright pages cost one engine call.
    """
    if page.text_boxes is not None:
        return page.text_boxes
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


def verify_document(
    source: Path | bytes, engine: OcrEngine, options: VerifyOptions, name: str | None = None
) -> VerificationResult:
    data, file_name = read_source(source, options.limits)
    file_name = name or file_name
    pages = load_pages(data, options.limits)
    started = time.perf_counter()
    tokens: list[Token] = []
    y_offset = 0.0
    for page in pages:
        tokens += tokens_from(recognise_page(engine, page), y_offset)
        y_offset += page.image.shape[0] + 100
    ocr_ms = int((time.perf_counter() - started) * 1000)
    if not tokens:
        raise DocumentRejected("未在文件中识别到任何文字，请上传清晰的照片或扫描件（no text found）")
    doc_type = classify(tokens)
    today = options.today or date.today()
    check_options = CheckOptions(today=today, max_age_days=options.max_age_days, applicant=options.applicant)
    if doc_type == "invoice":
        extraction = extract_invoice(tokens)
        checks = check_invoice(extraction, check_options)
        if options.seen_dir is not None:
            checks.append(_duplicate(extraction, data, file_name, options.seen_dir))
    elif doc_type == "contract":
        extraction = extract_contract(tokens, pages)
        checks = check_contract(extraction, check_options)
    elif doc_type == "business_licence":
        extraction = extract_licence(tokens)
        checks = check_licence(extraction, check_options)
    else:
        extraction = Extraction("other")
        checks = [warn("doc_type", "未能识别为发票、合同或营业执照，请人工查看")]
    if extraction.repairs:
        detail = "；".join(f"{r.field}：{r.before}→{r.after}（{r.reason}）" for r in extraction.repairs)
        checks.append(CheckResult("ocr_repairs", "pass", f"已按规则自动更正识别错误，请核对：{detail}"))
    result = VerificationResult(file_name, doc_type, extraction, checks, ocr_ms, len(pages))
    if options.annotate_dir is not None:
        from ocr.annotate import write_annotations

        result.annotated = write_annotations(pages, result, options.annotate_dir)
    return result


def _duplicate(ex: Extraction, data: bytes, file_name: str, seen_dir: Path) -> CheckResult:
    key = invoice_key(ex.value("invoice_code"), ex.value("invoice_number"))
    if key is None:
        return warn("duplicate", "未识别到发票号码，无法查重")
    sha = hashlib.sha256(data).hexdigest()
    earlier, is_new = SeenInvoices(seen_dir).remember(key, sha, Path(file_name).name)
    if is_new:
        return CheckResult("duplicate", "pass", "首次提交，未发现重复")
    if earlier.file_sha256 == sha:
        # The very same file again: perhaps a re-check by staff, perhaps a second application.
        when, where = earlier.first_seen, earlier.file_name
        return warn("duplicate", f"同一文件已于 {when} 以“{where}”提交核验过，请确认不是重复申请")
    return CheckResult(
        "duplicate",
        "fail",
        f"该发票（{key.replace('|', ' ')}）已于 {earlier.first_seen} 在“{earlier.file_name}”中提交过，疑似重复融资",
    )
