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
VERDICT_CN = {"pass": ("通过", "pass"), "review": ("需人工复核", "warn"), "fail": ("不通过", "fail"),
              "retake": ("非发票、合同或营业执照，请客户重新拍摄或上传", "warn")}
# Which fields a check is about, so a box shows the colour of the worst check that concerns it.
CHECK_FIELDS = {
    "code_format": ("invoice_code", "invoice_number", "check_code"),
    "issue_date": ("issue_date",),
    "buyer_tax_id": ("buyer_tax_id",),
    "seller_tax_id": ("seller_tax_id",),
    "total_sum": ("amount", "tax_amount", "total_amount"),
    "tax_rate": ("tax_rate", "tax_amount", "line_items"),
    "total_in_words": ("total_amount_cn", "total_amount"),
    "line_items_sum": ("line_items", "amount", "tax_amount"),
    "buyer_not_seller": ("buyer_name", "seller_name"),
    "applicant": ("buyer_name", "seller_name", "party_a", "party_b", "name"),
    "qr_match": ("invoice_number", "amount", "issue_date"),
    "duplicate": ("invoice_code", "invoice_number"),
    "party_a_credit_code": ("party_a_credit_code",),
    "party_b_credit_code": ("party_b_credit_code",),
    "amount_in_words": ("amount", "amount_cn"),
    "signing_date": ("signing_date",),
    "term": ("term_start", "term_end"),
    "credit_code": ("credit_code",),
    "established_date": ("established_date",),
}
RANK = {"pass": 0, "warn": 1, "fail": 2}
# The label drawn on each field's box: the document's own words, not the extraction's keys.
FIELD_CN = {
    "invoice_code": "发票代码", "invoice_number": "发票号码", "check_code": "校验码", "issue_date": "开票日期",
    "invoice_type": "发票类型", "buyer_name": "购买方名称", "buyer_tax_id": "购买方税号", "seller_name": "销售方名称",
    "seller_tax_id": "销售方税号", "amount": "金额", "tax_amount": "税额", "total_amount": "价税合计",
    "total_amount_cn": "价税合计（大写）", "amount_cn": "金额（大写）", "line_items": "明细", "tax_rate": "税率",
    "rate_text": "利率", "party_a": "甲方", "party_b": "乙方", "party_a_credit_code": "甲方信用代码",
    "party_b_credit_code": "乙方信用代码", "contract_number": "合同编号", "signing_date": "签订日期",
    "term_start": "起始日期", "term_end": "截止日期", "name": "名称", "credit_code": "统一社会信用代码",
    "legal_representative": "法定代表人", "registered_capital": "注册资本", "established_date": "成立日期",
    "address": "住所",
}


def field_status(result: VerificationResult) -> dict[str, str]:
    status: dict[str, str] = {}
    for check in result.checks:
        for name in CHECK_FIELDS.get(check.name, ()):
            if RANK[check.status] >= RANK[status.get(name, "pass")]:
                status[name] = check.status
    return status


def write_annotations(pages: list[Page], result: VerificationResult, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    font = ImageFont.truetype(str(cjk_font()), 18)
    stem = Path(result.file).stem or "upload"
    written = []
    for page in pages:
        image = Image.fromarray(page.image).convert("RGB")
        draw = ImageDraw.Draw(image)
        statuses = field_status(result)
        for field in result.extraction.fields.values():
            if field.box is None or field.page != page.index:
                continue
            colour = COLOURS[statuses.get(field.name, "pass")]
            draw.rectangle(field.box, outline=colour, width=3)
            x, y = field.box[0], max(0, field.box[1] - 20)
            draw.text((x, y), FIELD_CN.get(field.name, field.name), font=font, fill=colour, stroke_width=2,
                      stroke_fill="white")
        if page.index == 0:
            label, status = VERDICT_CN[result.verdict]
            draw.text((10, 10), f"初步核验结论：{label}", font=font, fill=COLOURS[status],
                      stroke_width=2, stroke_fill="white")
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
