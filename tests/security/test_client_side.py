"""Client-facing leaks and abuse: the repeat-complaint flag, the duplicate-invoice message, chat
floods from one session, NUL in names and text, pixel bombs spread over frames, OCR floods."""

from __future__ import annotations

import io
import random
import threading
import time
from datetime import date
from pathlib import Path

import httpx
from PIL import Image

from eval.ocr.generate import invoice_sample
from tests.ui.conftest import Server, chat_script, make_settings, start_server, stop_server

COMPLAINT = ["我要投诉", "同意，宁波海纳贸易有限公司", "李娜，{mobile}", "请尽快修复", "网银",
             "网银转账一直失败，页面提示系统繁忙", "确认"]


def _complain(client: httpx.Client, mobile: str) -> dict:
    return chat_script(client, [line.format(mobile=mobile) for line in COMPLAINT])[1]


def test_a_complaint_does_not_tell_whether_the_mobile_complained_before(client: httpx.Client) -> None:
    first = _complain(client, "13700137000")
    assert first["data"]["urgent"] is False and "加急" not in first["reply"]
    with httpx.Client(base_url=str(client.base_url), timeout=30) as stranger:  # someone else, same number
        second = _complain(stranger, "13700137000")
    assert second["data"]["urgent"] is False and "加急" not in second["reply"]


def test_the_duplicate_invoice_message_names_no_one_elses_submission(client: httpx.Client) -> None:
    sample = invoice_sample(random.Random(21), date.today(), None, as_pdf=True)
    first = client.post("/api/chat/upload", files={"file": ("客户甲的发票.pdf", sample.data, "application/pdf")})
    assert first.status_code == 200
    with httpx.Client(base_url=str(client.base_url), timeout=60) as other:
        again = other.post("/api/chat/upload", files={"file": ("b.pdf", sample.data, "application/pdf")}).json()
    duplicate = next(c for c in again["document"]["checks"] if c["name"] == "duplicate")
    assert duplicate["status"] != "pass"
    for leak in ("客户甲", str(date.today().year) + "-"):
        assert leak not in duplicate["message"] and leak not in again["reply"]


def test_one_session_cannot_flood_the_chat(demo_data_dir: Path, tmp_path: Path) -> None:
    running = start_server(make_settings(demo_data_dir, tmp_path), with_widget=False)
    try:
        with running.client(headers={"accept-language": "en"}) as c:
            session = c.post("/api/sessions").json()["session_id"]
            codes = [c.post("/api/chat", json={"session_id": session, "message": "hi"}).status_code
                     for _ in range(25)]
            assert codes[:20] == [200] * 20 and set(codes[20:]) == {429}
            refused = c.post("/api/chat", json={"session_id": session, "message": "hi"})
            assert "Too many requests" in refused.json()["error"] and refused.headers["retry-after"]
            assert c.post("/api/chat", json={"message": "hi"}).status_code == 200  # another session still may
    finally:
        stop_server(running)


def test_nul_in_a_file_name_or_a_message_is_a_400(client: httpx.Client) -> None:
    pdf = invoice_sample(random.Random(22), date.today(), None, as_pdf=True).data
    body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="a\x00.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n" + pdf + b"\r\n--b--\r\n")
    named = client.post("/api/chat/upload", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert named.status_code == 400 and "Traceback" not in named.text
    text = client.post("/api/chat", content=b'{"message": "hi\\u0000there"}',
                       headers={"Content-Type": "application/json"})
    assert text.status_code == 400


def _frames_tiff(frames: int, side: int) -> bytes:
    pages = [Image.new("L", (side, side), 255) for _ in range(frames)]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate")
    return buffer.getvalue()


def test_a_tiff_of_ten_36_megapixel_frames_is_refused_before_decoding(client: httpx.Client, server: Server) -> None:
    bomb = _frames_tiff(10, 6000)
    assert len(bomb) < 600_000  # 535 KB on the wire, 360 Mpx decoded
    started = time.monotonic()
    response = client.post("/api/chat/upload", files={"file": ("scan.tiff", bomb, "image/tiff")})
    assert response.status_code == 200 and time.monotonic() - started < 5
    assert response.json()["document"]["verdict"] == "unreadable" and "总像素" in response.json()["reply"]
    uploads = server.settings.assistant_data_dir / "uploads"
    assert not [p for p in uploads.rglob("*.tiff")], "a refused upload is not kept"


def test_ocr_runs_beyond_the_bound_get_a_503(demo_data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(demo_data_dir, tmp_path, ocr_max_concurrent=1, ocr_queue_wait_s=0)
    running = start_server(settings, with_widget=False)
    scans = [invoice_sample(random.Random(30 + i), date.today(), None).data for i in range(2)]
    results: list[httpx.Response] = []
    try:
        def post(data: bytes) -> None:
            with running.client() as c:
                results.append(c.post("/api/chat/upload", files={"file": ("s.jpg", data, "image/jpeg")}))

        first = threading.Thread(target=post, args=(scans[0],))
        first.start()
        time.sleep(1.0)  # the first scan is in OCR (the engine loads, then reads for seconds)
        post(scans[1])
        first.join(timeout=120)
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 503], codes
        busy = next(r for r in results if r.status_code == 503)
        assert busy.headers["retry-after"] and "稍后" in busy.json()["error"]
    finally:
        stop_server(running)


def test_documents_past_the_retention_period_are_deleted(client: httpx.Client, server: Server) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select, update

    from assistant.retention import purge_documents
    from assistant.store.db import make_engine, session_factory
    from assistant.store.models import Document

    pdf = invoice_sample(random.Random(23), date.today(), None, as_pdf=True).data
    document_id = client.post("/api/chat/upload", files={"file": ("old.pdf", pdf, "application/pdf")}).json()[
        "document"]["id"]
    engine = make_engine(server.settings.sqlalchemy_url)
    sessions = session_factory(engine)
    with sessions.begin() as db:
        db.execute(update(Document).where(Document.id == document_id)
                   .values(created_at=datetime.now(UTC) - timedelta(days=400)))
        path = Path(db.scalar(select(Document.path).where(Document.id == document_id)))
    assert path.is_file()
    with sessions.begin() as db:
        assert purge_documents(db, server.settings.assistant_data_dir / "uploads", 365, datetime.now(UTC)) >= 1
    with sessions() as db:
        assert db.get(Document, document_id) is None
    engine.dispose()
    assert not path.exists() and not (path.parent / "annotated").exists()
