"""The REST API on a real loopback server: chat, flows, upload with OCR, SSE, and every refusal."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from eval.ocr.generate import invoice_sample
from tests.ui.conftest import HOT_LEAD, Server, chat_script, make_settings, start_server, stop_server


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("api"))
    running = start_server(settings, with_widget=False)
    yield running
    stop_server(running)


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def test_health_and_openapi(client: httpx.Client, server: Server) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/openapi.json").status_code == 404 and client.get("/docs").status_code == 404  # off by default
    paths = server.app.openapi()["paths"]
    assert {"/api/chat", "/api/chat/upload", "/api/chat/stream", "/api/staff/login", "/api/staff/leads"} <= set(paths)


def test_question_gets_a_cited_answer_and_a_session(client: httpx.Client) -> None:
    body = client.post("/api/chat", json={"message": "科技贷最多能贷多少？"}).json()
    assert "1000万元" in body["reply"]
    assert body["citations"] and body["citations"][0]["title"] == "科技贷"
    assert body["route"] == "question" and body["session_id"]
    follow = client.post("/api/chat", json={"session_id": body["session_id"], "message": "谢谢"}).json()
    assert follow["session_id"] == body["session_id"] and follow["route"] == "thanks"


def test_lead_flow_end_to_end_over_the_api(client: httpx.Client) -> None:
    session, first = chat_script(client, HOT_LEAD[:1])
    assert first["flow"] == "lead" and first["step"] == "amount"
    _, last = chat_script(client, HOT_LEAD[1:], session)
    assert last["data"]["tier"] == "hot" and "139****5678" in last["reply"]
    assert last["citations"], "the product suggestions cite the handbook"


def test_quick_replies_come_as_a_list(client: httpx.Client) -> None:
    body = client.post("/api/chat", json={"message": "你好"}).json()
    assert body["route"] == "greeting" and len(body["quick_replies"]) >= 3


def test_streaming_variant_sends_server_sent_events(client: httpx.Client) -> None:
    with client.stream("POST", "/api/chat/stream", json={"message": "发票贷的利率是多少？"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = "".join(response.iter_text())
    events = [block.split("\n", 1)[0].removeprefix("event: ") for block in raw.strip().split("\n\n")]
    assert events[0] == "session" and events[-1] == "done" and "reply" in events
    assert "发票贷" in raw and '"citations"' in raw


def test_unknown_or_forged_session_is_refused_in_the_clients_language(client: httpx.Client) -> None:
    response = client.post("/api/chat", json={"session_id": "abc123.0000000000000000", "message": "你好"})
    assert response.status_code == 404 and "会话不存在" in response.json()["error"]
    response = client.post("/api/chat", json={"session_id": "nope", "message": "hello, what loans do you offer?"})
    assert response.status_code == 404 and "Unknown or expired session" in response.json()["error"]


@pytest.mark.parametrize(("content", "status", "words"), [
    (b"\xff\xfe{\"message\": \"\xc4\"}", 400, "UTF-8"),
    (b"{not json", 400, "JSON"),
    (b"[1, 2]", 400, "JSON"),
    (b'{"message": 42}', 400, "message"),
    (b'{"session_id": null}', 400, "message"),
])
def test_malformed_requests_get_a_clear_error(client: httpx.Client, content: bytes, status: int, words: str) -> None:
    response = client.post("/api/chat", content=content, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert words in response.json()["error"]


def test_long_messages_are_answered_or_refused_never_crash(client: httpx.Client) -> None:
    body = client.post("/api/chat", json={"message": "贷" * 20_000}).json()
    assert body["route"] == "out_of_scope" and body["reply"]  # asks for a shorter message
    huge = client.post("/api/chat", json={"message": "x" * 70_000})
    assert huge.status_code == 413 and "KB" in huge.json()["error"]
    assert client.get("/healthz").status_code == 200


def test_html_in_a_message_comes_back_as_data_not_markup(client: httpx.Client) -> None:
    response = client.post("/api/chat", json={"message": "<script>alert(1)</script>"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")


def test_upload_checks_an_invoice_and_links_the_annotated_page(client: httpx.Client) -> None:
    pdf = invoice_sample(random.Random(11), date.today(), None, as_pdf=True).data
    response = client.post("/api/chat/upload", files={"file": ("发票.pdf", pdf, "application/pdf")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["route"] == "document" and body["document"]["doc_type"] == "invoice"
    assert body["document"]["verdict"] in ("pass", "review") and body["document"]["checks"]
    assert all(c["message"] for c in body["document"]["checks"]), "each check says what it found"
    assert "发票.pdf" in body["reply"]
    image = client.get(body["document"]["annotated"][0])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert client.get(body["document"]["annotated"][0][:-3] + "xyz").status_code == 404  # links are signed


def test_wrong_type_oversized_and_empty_uploads_are_refused(client: httpx.Client) -> None:
    wrong = client.post("/api/chat/upload", files={"file": ("invoice.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert wrong.status_code == 415 and "不支持的文件类型" in wrong.json()["error"]
    jpeg = b"\xff\xd8\xff" + b"0" * (11 * 2**20)
    big = client.post("/api/chat/upload", files={"file": ("big.jpg", jpeg, "image/jpeg")})
    assert big.status_code == 413 and "10 MB" in big.json()["error"]
    empty = client.post("/api/chat/upload", files={"file": ("e.png", b"", "image/png")})
    assert empty.status_code == 400
    missing = client.post("/api/chat/upload", data={"message": "hi"}, headers={"accept-language": "en"})
    assert missing.status_code == 400 and "choose a file" in missing.json()["error"]
    assert client.get("/healthz").status_code == 200


def test_starting_over_cancels_the_flow_in_progress_on_the_server(client: httpx.Client, server: Server) -> None:
    """What the widget's clear button does: the screen is empty, so the flow must not go on either."""
    first = client.post("/api/chat", json={"message": "我要投诉"}).json()
    assert first["flow"] == "complaint"
    services = server.app.state.services
    services.start_over("api", first["session_id"])
    after = client.post("/api/chat", json={"session_id": first["session_id"], "message": "你好"}).json()
    assert after["flow"] is None and after["route"] == "greeting"
