"""What the simulated clients say: short question sessions, a complaint, a financing lead, an upload.

The complaint and lead scripts are the ones the conversation tests use (they complete their flows),
so every finished complaint must leave a ticket and every finished lead a lead row.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

DATASET = Path(__file__).resolve().parents[1] / "datasets" / "kb_qa.jsonl"

COMPLAINT = ["你们乱扣我手续费，我要投诉", "同意，杭州明远科技有限公司，信用代码91350100M000100Y43",
             "张伟，13912345678", "退还费用并说明原因", "手机银行", "确认"]
LEAD = ["我想申请贷款", "300万，采购原材料，期限1年，房产抵押", "杭州明远科技有限公司，信用代码91350100M000100Y43",
        "张伟，13912345678", "软件开发，5年，去年营收2000万，杭州市西湖区，纳税A级，高新技术企业", "同意", "确认"]
# Relative weights of the conversation kinds a client starts.
MIX = {"questions": 5, "complaint": 2, "lead": 2, "upload": 1}


def questions() -> list[str]:
    with DATASET.open(encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


def conversation(kind: str, rng: random.Random, pool: list[str]) -> list[str]:
    """The turns of one conversation; ``"<upload>"`` marks the document upload."""
    if kind == "complaint":
        return list(COMPLAINT)
    if kind == "lead":
        return list(LEAD)
    if kind == "upload":
        return ["帮我看看这张发票", "<upload>", rng.choice(pool)]
    return ["你好", *rng.sample(pool, 3), "谢谢"]


def upload_image() -> bytes:
    """A small receipt-like PNG: cheap to read, so uploads test the path (storage, records), not OCR speed."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 30), "INVOICE No. 20240612 0001", fill="black")
    draw.text((20, 90), "TOTAL 1,200.00", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def multipart(fields: dict[str, str], filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    """A multipart/form-data body (locust's fast client has no ``files=``)."""
    boundary = f"----sme{random.getrandbits(64):016x}"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
