"""A real invoice photo through the whole document route: the OCR package's own synthetic generator
makes the image, the real PP-OCRv4 engine reads it (about 2 s), the client hears the verdict, and
the file and its check are stored with the conversation.

One OCR run per covered database; each run gets its own data dir, so the duplicate-invoice memory of
one run does not turn the other's verdict into "duplicate".
"""

from __future__ import annotations

import hashlib
import random
import re
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import select

from assistant.dialogue import Attachment, IncomingMessage
from assistant.settings import load_settings
from assistant.store.db import make_engine, session_factory
from assistant.store.models import Conversation, Document, Message
from assistant.wiring import build_dialogue_manager
from eval.ocr.generate import invoice_sample
from eval.ocr.render import Noise

# A phone photo of a flat invoice: slight tilt, blur and JPEG (as tests/ocr use).
PHOTO = Noise(blur=0.6, rotate=1.2, jpeg_quality=70, contrast=0.8)


def test_an_uploaded_invoice_photo_is_checked_and_kept_with_the_session(
        database_url: str, answerer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The verifier judges invoice dates against the real today, so the invoice is dated from it too.
    invoice = invoice_sample(random.Random(11), date.today(), None, PHOTO)
    settings = load_settings(assistant_data_dir=tmp_path, database_url=database_url)
    engine = make_engine(database_url)
    try:
        manager = build_dialogue_manager(settings, answerer=answerer, engine=engine)
        user = f"u-{uuid.uuid4().hex[:10]}"
        manager.reply(IncomingMessage("test", user, "s1", "我要投诉"))
        reply = manager.reply(IncomingMessage("test", user, "s1", attachment=Attachment(
            "发票照片.jpg", "image/jpeg", data=invoice.data)))

        assert reply.route == "document" and reply.data == {"verdict": "pass"}
        assert "已收到文件《发票照片.jpg》（识别为：发票）" in reply.text
        assert "初步核验结论：未发现问题" in reply.text and "以人工审核为准" in reply.text
        assert (reply.flow, reply.step) == ("complaint", "notice")  # the complaint resumes where it was
        assert "个人信息告知" in reply.text

        with session_factory(engine)() as db:
            conversation = db.scalars(select(Conversation).where(Conversation.user_id == user)).one()
            document = db.scalars(select(Document).where(Document.conversation_id == conversation.id)).one()
            upload = db.scalars(select(Message).where(Message.conversation_id == conversation.id,
                                                      Message.role == "user").order_by(Message.id)).all()[-1]
        assert (document.filename, document.doc_type, document.verdict) == ("发票照片.jpg", "invoice", "pass")
        assert document.sha256 == hashlib.sha256(invoice.data).hexdigest()
        stored = Path(document.path)
        assert stored.read_bytes() == invoice.data and stored.is_relative_to(tmp_path / "uploads")
        fields = document.result["fields"]
        for name in ("invoice_number", "seller_tax_id", "total_amount"):
            assert fields[name]["value"] == invoice.fields[name], name
        assert upload.meta == {"attachment": "发票照片.jpg"}
    finally:
        engine.dispose()


def test_an_invoice_of_another_company_fails_the_applicant_check_in_a_lead_conversation(
        database_url: str, answerer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    invoice = invoice_sample(random.Random(12), date.today(), None, PHOTO)
    settings = load_settings(assistant_data_dir=tmp_path, database_url=database_url)
    engine = make_engine(database_url)
    try:
        manager = build_dialogue_manager(settings, answerer=answerer, engine=engine)
        user = f"u-{uuid.uuid4().hex[:10]}"
        manager.reply(IncomingMessage("test", user, "s1", "我们想贷300万"))
        manager.reply(IncomingMessage("test", user, "s1", "温州不相干贸易有限公司"))
        reply = manager.reply(IncomingMessage("test", user, "s1", attachment=Attachment(
            "发票.jpg", "image/jpeg", data=invoice.data)))
        with session_factory(engine)() as db:
            document = db.get(Document, reply.document_id)
            assert document is not None
            checks = {c["name"]: c for c in document.result["checks"]}
        assert checks["applicant"]["status"] == "fail", checks["applicant"]
        assert "温州不相干贸易有限公司" in checks["applicant"]["detail"]
        assert document.verdict != "pass"
    finally:
        engine.dispose()


def test_an_upload_from_an_english_widget_is_answered_in_english(
        database_url: str, answerer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An upload has no words to tell the language: the channel's (the browser's) decides, checks named in English."""
    invoice = invoice_sample(random.Random(13), date.today(), None, PHOTO)
    settings = load_settings(assistant_data_dir=tmp_path, database_url=database_url)
    engine = make_engine(database_url)
    try:
        manager = build_dialogue_manager(settings, answerer=answerer, engine=engine)
        user = f"u-{uuid.uuid4().hex[:10]}"
        manager.reply(IncomingMessage("test", user, "s1", "I want to apply for a loan", language="en"))
        manager.reply(IncomingMessage("test", user, "s1", "Wenzhou Unrelated Trading Co., Ltd.", language="en"))
        reply = manager.reply(IncomingMessage("test", user, "s1", language="en", attachment=Attachment(
            "invoice.jpg", "image/jpeg", data=invoice.data)))
        assert reply.language == "en" and reply.text.startswith('Received "invoice.jpg" (read as: invoice)')
        assert "To look at: your company is a party" in reply.text, reply.text
        assert not re.search(r"[\u4e00-\u9fff]", reply.text), reply.text
        chinese = manager.reply(IncomingMessage("test", f"{user}-zh", "s2", language="zh", attachment=Attachment(
            "invoice.jpg", "image/jpeg", data=invoice.data)))
        assert chinese.language == "zh" and "初步核验结论" in chinese.text
    finally:
        engine.dispose()
