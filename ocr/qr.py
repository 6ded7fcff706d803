"""The invoice QR code: decoded with zxing-cpp, cross-checked against the printed fields.

The tax system prints one QR code on every VAT invoice; its comma-separated payload is
``version, type code, 发票代码, 发票号码, amount excluding tax, date YYYYMMDD, 校验码, check value``
(the code and the 校验码 are empty on a 数电票, whose 20-digit number stands alone). The payload is
written when the invoice is issued, so an invoice whose printed figures were edited afterwards,
however consistently, no longer agrees with its own QR code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import numpy as np

from ocr.model import CheckResult, Extraction

# Type codes in the payload, and the invoice types they stand for.
TYPE_CODES = {
    "01": "vat_special", "04": "vat_general", "08": "vat_special", "10": "vat_general",
    "31": "digital_special", "32": "digital_general",
}
TYPE_CN = {"vat_special": "增值税专用发票", "vat_general": "增值税普通发票",
           "digital_special": "数电票（专用发票）", "digital_general": "数电票（普通发票）"}


@dataclass(frozen=True)
class InvoiceQr:
    raw: str
    type_code: str
    invoice_code: str
    invoice_number: str
    amount: Decimal | None
    issue_date: date | None
    check_code: str
    check_value: str


def parse_payload(text: str) -> InvoiceQr | None:
    """The fields of an invoice QR payload, or None if the text is some other QR code."""
    parts = [p.strip() for p in text.strip().split(",")]
    if len(parts) < 7 or parts[0] != "01" or not re.fullmatch(r"\d{2}", parts[1]):
        return None
    if not re.fullmatch(r"\d{8}|\d{20}", parts[3]):
        return None
    try:
        amount = Decimal(parts[4]).quantize(Decimal("0.01")) if parts[4] else None
    except InvalidOperation:
        amount = None
    issued = None
    if re.fullmatch(r"\d{8}", parts[5]):
        try:
            issued = date(int(parts[5][:4]), int(parts[5][4:6]), int(parts[5][6:]))
        except ValueError:
            issued = None
    return InvoiceQr(text, parts[1], parts[2], parts[3], amount, issued, parts[6],
                     parts[7] if len(parts) > 7 else "")


def decode(images: list[np.ndarray]) -> InvoiceQr | None:
    """The first invoice QR found, trying each image in turn (rectified page first, then the photo)."""
    import zxingcpp

    for image in images:
        for attempt in _attempts(image):
            for barcode in zxingcpp.read_barcodes(attempt, formats=zxingcpp.BarcodeFormat.QRCode):
                parsed = parse_payload(barcode.text)
                if parsed is not None:
                    return parsed
    return None


def _attempts(image: np.ndarray):
    yield image
    # A small, blurred code decodes better enlarged, from the corner where invoices print it.
    import cv2

    h, w = image.shape[:2]
    corner = image[: h // 2, : w // 3]
    yield cv2.resize(corner, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)


def check_qr(ex: Extraction, qr: InvoiceQr | None, attempted: bool = True) -> CheckResult:
    """Every field the QR carries against the printed one; a missing QR is for a human to look at."""
    if qr is None:
        detail = "未能读取发票二维码（可能被遮挡、模糊或不在画面内），无法与票面信息交叉核对，请核对原件"
        return CheckResult("qr_match", "warn", detail if attempted else "未检测到发票二维码，请核对原件")
    printed_type = ex.value("invoice_type")
    pairs: list[tuple[str, object, object]] = [
        ("发票号码", qr.invoice_number, ex.value("invoice_number")),
        ("金额（不含税）", qr.amount, ex.value("amount")),
        ("开票日期", qr.issue_date, ex.value("issue_date")),
    ]
    if qr.invoice_code:
        pairs.append(("发票代码", qr.invoice_code, ex.value("invoice_code")))
    if qr.check_code:
        printed = ex.value("check_code")
        pairs.append(("校验码", qr.check_code, printed if printed is None else str(printed)[-len(qr.check_code):]))
    qr_type = TYPE_CODES.get(qr.type_code)
    if qr_type and printed_type:
        pairs.append(("发票类型", TYPE_CN[qr_type], TYPE_CN.get(printed_type, printed_type)))
    mismatches, unread = [], []
    for label, from_qr, printed in pairs:
        if from_qr is None or from_qr == "":
            continue
        if printed is None:
            unread.append(label)
        elif _shown(printed) != _shown(from_qr):
            mismatches.append(f"{label}：二维码为 {_shown(from_qr)}，票面为 {_shown(printed)}")
    if mismatches:
        return CheckResult("qr_match", "fail", "票面信息与发票二维码不符，疑似被改动：" + "；".join(mismatches))
    if unread:
        return CheckResult("qr_match", "warn", f"二维码已读取，但票面未识别到{'、'.join(unread)}，请对照原件")
    return CheckResult("qr_match", "pass", "发票二维码与票面号码、金额、日期一致")


def _shown(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
