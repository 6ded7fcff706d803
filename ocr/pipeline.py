"""One document in, fields + checks + verdict out: ``verify_document``."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ocr.applicant import applicant_summary, check_applicant
from ocr.checks import AUTHORITY_NOTE, CheckOptions, check_invoice, warn
from ocr.doc_checks import check_contract, check_licence
from ocr.engine import OcrEngine
from ocr.errors import DocumentRejected, OcrError
from ocr.fields import classify
from ocr.fields.contract import extract_contract
from ocr.fields.invoice import extract_invoice
from ocr.fields.licence import extract_licence
from ocr.inputs import InputLimits, Page, load_pages, sniff_document
from ocr.layout import Token, tokens_from
from ocr.model import CheckResult, Extraction, verdict_of
from ocr.reading import recognise_page
from ocr.seen import SeenInvoices, invoice_key
from ocr.validators import Repair

# What the client is asked when the picture shows no invoice, contract or licence: a request to
# send the right document, in the client's words, never an instruction meant for staff.
RETAKE_ZH = "这张图片不像发票、合同或营业执照。请重新拍摄或上传发票、合同或营业执照。"
RETAKE_EN = "This picture does not look like an invoice, a contract or a business licence. Please retake the " \
    "photo or upload the invoice, contract or business licence."


@dataclass(frozen=True)
class VerifyOptions:
    limits: InputLimits = field(default_factory=InputLimits)
    max_age_days: int = 365
    applicant: str | None = None  # the applying company: one party of the document must be it
    # The caller's clock: ocr/ never reads the wall clock. ``now`` (timezone-aware) is when the
    # document arrived; ``today`` the bank's date, derived from ``now`` in ``timezone`` if not given.
    today: date | None = None
    now: datetime | None = None
    timezone: str = "Asia/Shanghai"
    seen_dir: Path | None = None  # where duplicates are remembered; None turns the memory off
    annotate_dir: Path | None = None
    photo: bool = True  # rectify, deskew and even out photographed pages before reading them
    qr: bool = True  # decode the invoice QR code and cross-check it

    def bank_today(self) -> date:
        if self.today is not None:
            return self.today
        if self.now is None or self.now.tzinfo is None:
            raise OcrError("VerifyOptions needs today or a timezone-aware now: ocr/ does not read the clock")
        return self.now.astimezone(ZoneInfo(self.timezone)).date()

    def utc_now(self) -> datetime:
        """When the document was seen, in UTC (for storage); noon of ``today`` in tests."""
        if self.now is not None and self.now.tzinfo is not None:
            return self.now.astimezone(UTC)
        return datetime.combine(self.bank_today(), clock_time(12), ZoneInfo(self.timezone)).astimezone(UTC)


@dataclass
class VerificationResult:
    file: str
    doc_type: str
    extraction: Extraction
    checks: list[CheckResult]
    ocr_ms: int
    pages: int
    annotated: list[Path] = field(default_factory=list)

    source: str = "ocr"  # ocr | pdf_text | xml | ofd: how the fields were read
    applicant: dict[str, Any] | None = None

    @property
    def verdict(self) -> str:
        if self.doc_type == "other":
            return "retake"  # not a document we check: the client is asked for the right one
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
            "source": self.source,
            "facts": self.extraction.facts,  # seals, signature page, clauses missing…
            "applicant": self.applicant,
            "client_message": {"zh": RETAKE_ZH, "en": RETAKE_EN} if self.verdict == "retake" else None,
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


def verify_document(
    source: Path | bytes, engine: OcrEngine, options: VerifyOptions, name: str | None = None
) -> VerificationResult:
    data, file_name = read_source(source, options.limits)
    file_name = name or file_name
    today = options.bank_today()
    check_options = CheckOptions(today=today, max_age_days=options.max_age_days)
    if data and sniff_document(data) in ("xml", "ofd"):
        from ocr.einvoice import read_einvoice

        started = time.perf_counter()
        extraction, kind = read_einvoice(data, options.limits)
        checks = check_invoice(extraction, check_options)
        checks.append(CheckResult("source", "pass", f"字段由数电票 {kind.upper()} 文件精确读取，未经 OCR"))
        return _finish(VerificationResult(file_name, "invoice", extraction, checks,
                                          int((time.perf_counter() - started) * 1000), 0, source=kind),
                       data, [], options)
    pages = load_pages(data, options.limits)
    started = time.perf_counter()
    tokens: list[Token] = []
    y_offset = 0.0
    for page in pages:
        tokens += tokens_from(recognise_page(engine, page, options.photo), y_offset)
        y_offset += page.image.shape[0] + 100
    ocr_ms = int((time.perf_counter() - started) * 1000)
    if not tokens:
        raise DocumentRejected(f"未在文件中识别到任何文字。{RETAKE_ZH}（no text found）")
    doc_type = classify(tokens)
    if doc_type == "invoice":
        extraction = extract_invoice(tokens)
        checks = check_invoice(extraction, check_options)
        if options.qr:
            checks.append(_qr_check(extraction, pages))
    elif doc_type == "contract":
        extraction = extract_contract(tokens, pages)
        checks = check_contract(extraction, check_options)
    elif doc_type == "business_licence":
        extraction = extract_licence(tokens)
        checks = check_licence(extraction, check_options)
    else:
        extraction = Extraction("other")
        checks = [CheckResult("doc_type", "warn", RETAKE_ZH)]
    notes = [note for page in pages for note in page.notes]
    if notes:
        checks.append(CheckResult("photo", "pass", "照片已预处理：" + "、".join(dict.fromkeys(notes))))
    if extraction.repairs:
        detail = "；".join(f"{r.field}：{r.before}→{r.after}（{r.reason}）" for r in extraction.repairs)
        checks.append(CheckResult("ocr_repairs", "pass", f"已按规则自动更正识别错误，请核对：{detail}"))
    source = "pdf_text" if pages and all(p.text_boxes is not None for p in pages) else "ocr"
    result = VerificationResult(file_name, doc_type, extraction, checks, ocr_ms, len(pages), source=source)
    return _finish(result, data, pages, options)


def _finish(result: VerificationResult, data: bytes, pages: list[Page], options: VerifyOptions) -> VerificationResult:
    """The checks every kind of input shares: the applicant, duplicates; then the annotations."""
    ex = result.extraction
    if options.applicant and result.doc_type != "other":
        check = check_applicant(ex, options.applicant)
        if check is not None:
            result.checks.append(check)
            result.applicant = applicant_summary(ex, options.applicant, check)
    if result.doc_type == "invoice" and options.seen_dir is not None:
        result.checks.append(_duplicate(ex, data, result.file, options))
    if options.annotate_dir is not None and pages:
        from ocr.annotate import write_annotations

        result.annotated = write_annotations(pages, result, options.annotate_dir)
    return result


def _qr_check(extraction: Extraction, pages: list[Page]) -> CheckResult:
    from ocr.qr import check_qr, decode

    images = [page.image for page in pages] + [page.original for page in pages if page.original is not None]
    return check_qr(extraction, decode(images))


def _duplicate(ex: Extraction, data: bytes, file_name: str, options: VerifyOptions) -> CheckResult:
    assert options.seen_dir is not None
    key = invoice_key(ex.value("invoice_code"), ex.value("invoice_number"))
    if key is None:
        return warn("duplicate", "未识别到发票号码，无法查重")
    sha = hashlib.sha256(data).hexdigest()
    earlier, is_new = SeenInvoices(options.seen_dir).remember(key, sha, Path(file_name).name, options.utc_now())
    if is_new:
        return CheckResult("duplicate", "pass", "首次提交，未发现重复")
    if earlier.file_sha256 == sha:
        # The very same file again: perhaps a re-check by staff, perhaps a second application.
        when, where = _local(earlier.first_seen, options.timezone), earlier.file_name
        return warn("duplicate", f"同一文件已于 {when} 以“{where}”提交核验过，请确认不是重复申请")
    return CheckResult(
        "duplicate",
        "fail",
        f"该发票（{key.replace('|', ' ')}）已于 {_local(earlier.first_seen, options.timezone)} "
        f"在“{earlier.file_name}”中提交过，疑似重复融资",
    )


def _local(stored: str, timezone: str) -> str:
    """A stored UTC time as the bank's local time on screen (older rows without an offset as they are)."""
    try:
        moment = datetime.fromisoformat(stored)
    except ValueError:
        return stored
    if moment.tzinfo is None:
        return stored
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
