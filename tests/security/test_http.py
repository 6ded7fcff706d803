"""HTTP-level hardening: limits before reading, oversized numbers, security headers, /docs off,
owner-only files, per-address rate limits."""

from __future__ import annotations

import socket
import stat
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.ui.conftest import Server, make_settings, start_server, stop_server


def _raw(server: Server, head: bytes, body: bytes = b"", timeout: float = 5) -> bytes:
    url = urlparse(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=timeout) as sock:
        sock.sendall(head + body)
        return sock.recv(4096)


def test_a_huge_staff_body_is_refused_before_it_is_read(server: Server) -> None:
    started = time.monotonic()
    head = (b"POST /api/staff/leads/1/qualify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 31457280\r\n\r\n")
    answer = _raw(server, head)  # not one byte of the 30 MB is sent: the answer comes anyway
    assert answer.startswith(b"HTTP/1.1 413") and time.monotonic() - started < 3


def test_a_body_without_length_is_cut_off_at_the_limit(client: httpx.Client) -> None:
    def chunks():
        for _ in range(200):
            yield b"x" * 4096

    response = client.post("/api/staff/login", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/api/chat", "/api/staff/login"])
def test_a_5000_digit_number_is_a_400(client: httpx.Client, path: str) -> None:
    body = '{"message": "hi", "username": "a", "password": "b", "n": ' + "9" * 5000 + "}"
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "Traceback" not in response.text


def test_a_5000_digit_number_in_a_typed_body_is_a_400(client: httpx.Client) -> None:
    from tests.ui.conftest import login

    body = '{"days": ' + "9" * 5000 + ', "reason": "x"}'
    response = client.post("/api/staff/complaints/TS-1/extend", content=body,
                           headers={**login(client, "sue"), "Content-Type": "application/json"})
    assert response.status_code == 400


def test_security_headers_on_every_response(client: httpx.Client) -> None:
    for path in ("/healthz", "/api/staff/leads", "/console/login", "/nowhere"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "strict-transport-security" not in headers  # plain HTTP: HSTS would be ignored
    tls = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})  # behind a TLS proxy on loopback
    assert tls.headers["strict-transport-security"].startswith("max-age=31536000")


def test_api_docs_are_off_by_default(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404


def test_the_database_and_the_uploads_are_owner_only(client: httpx.Client, server: Server) -> None:
    import random
    from datetime import date

    from eval.ocr.generate import invoice_sample

    pdf = invoice_sample(random.Random(3), date.today(), None, as_pdf=True).data
    assert client.post("/api/chat/upload", files={"file": ("i.pdf", pdf, "application/pdf")}).status_code == 200
    data = server.settings.assistant_data_dir
    files = [data / "assistant.db", *[p for p in (data / "uploads").rglob("*") if p.is_file()]]
    assert len(files) > 2
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_the_widget_may_be_framed_only_by_the_configured_sites(demo_data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(demo_data_dir, tmp_path, frame_ancestors=["https://www.bank.example"])
    running = start_server(settings)
    try:
        csp = httpx.get(running.url + "/widget/", timeout=30).headers["content-security-policy"]
        assert "frame-ancestors 'self' https://www.bank.example" in csp and "*" not in csp
    finally:
        stop_server(running)


def test_uploads_from_one_address_are_rate_limited(demo_data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(demo_data_dir, tmp_path, rate_upload_per_min_address=3)
    running = start_server(settings, with_widget=False)
    try:
        with running.client(headers={"accept-language": "en"}) as c:
            codes = [c.post("/api/chat/upload", files={"file": ("x.txt", b"hello", "text/plain")}).status_code
                     for _ in range(4)]
            assert codes[:3] == [415] * 3 and codes[3] == 429
            refused = c.post("/api/chat/upload", files={"file": ("x.txt", b"hello", "text/plain")})
            assert int(refused.headers["retry-after"]) >= 1 and "Too many requests" in refused.json()["error"]
    finally:
        stop_server(running)
