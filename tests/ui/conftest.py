"""A real server on loopback for the channel tests, plus loopback fakes of the services it calls.

``serve(settings)`` runs the real app (``ui.app.create_app``) under uvicorn in a thread; the fake
WeChat API and the alert webhook receiver are plain HTTP servers that record what they get.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import uvicorn

from assistant.settings import Settings, load_settings
from assistant.staff_accounts import add_staff
from assistant.store.db import make_engine, session_factory, upgrade_schema

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORDS = {"alice": "alice-pass-1", "bob": "bob-pass-22", "sue": "sue-pass-333"}
ROLES = {"alice": "agent", "bob": "agent", "sue": "supervisor"}

# The hot-lead script of the conversation tests (tests/assistant/dialogues/leads.yaml).
# The flows ask only what is missing and take every fact a message gives (issue 12).
HOT_LEAD = ["我想申请贷款", "300万，采购原材料，期限1年，房产抵押", "杭州明远科技有限公司，信用代码91350100M000100Y43",
            "张伟，13912345678", "软件开发，5年，去年营收2000万，杭州市西湖区，纳税A级，高新技术企业", "同意", "确认"]
URGENT_COMPLAINT = ["你们未经授权扣了我公司账户5万块，我已经找了律师准备起诉", "同意，宁波海纳贸易有限公司",
                    "李娜 138 0013 8000", "查清原因并退回资金", "网银", "确认"]
XSS = "<script>alert('x')</script><img src=x onerror=alert(1)> 网页上的按钮点了没有反应，转账失败了"
XSS_COMPLAINT = ["我要投诉", "同意，杭州明远科技有限公司", "张伟，13912345678", "<b>请尽快处理</b>", "其他", XSS,
                 "确认"]


@dataclass
class Server:
    url: str
    settings: Settings
    app: Any
    server: uvicorn.Server
    thread: threading.Thread

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def start_server(settings: Settings, **app_kwargs: Any) -> Server:
    from ui.app import create_app

    app = create_app(settings, **app_kwargs)
    sock = free_socket()
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return Server(url, settings, app, server, thread)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the test server did not become ready")


def stop_server(server: Server) -> None:
    server.server.should_exit = True
    server.thread.join(timeout=10)


def make_settings(demo_data_dir: Path, target: Path, **overrides: Any) -> Settings:
    data = target / "data"
    shutil.copytree(demo_data_dir, data)
    settings = load_settings(assistant_data_dir=data, secret_key="test-secret-key", **overrides)
    engine = make_engine(settings.sqlalchemy_url)
    upgrade_schema(settings.sqlalchemy_url, engine)
    with session_factory(engine).begin() as db:
        for name, password in PASSWORDS.items():
            add_staff(db, name, ROLES[name], password)
    engine.dispose()
    return settings


def chat_script(client: httpx.Client, lines: list[str], session_id: str | None = None) -> tuple[str, dict]:
    body: dict = {}
    for line in lines:
        response = client.post("/api/chat", json={"session_id": session_id, "message": line})
        assert response.status_code == 200, response.text
        body = response.json()
        session_id = body["session_id"]
    assert session_id
    return session_id, body


def login(client: httpx.Client, name: str) -> dict[str, str]:
    response = client.post("/api/staff/login", json={"username": name, "password": PASSWORDS[name]})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


# Loopback fakes ---------------------------------------------------------------------------------
@dataclass
class Recorder:
    """An HTTP server that records requests and answers from a script (status, JSON or bytes)."""

    respond: Callable[[str, str, dict, bytes], tuple[int, str, bytes]]
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> Recorder:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                parsed = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                recorder.requests.append({"method": self.command, "path": parsed.path, "query": query, "body": body,
                                          "at": time.monotonic()})
                status, content_type, payload = recorder.respond(self.command, parsed.path, query, body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for request in list(self.requests):
                if predicate(request):
                    return request
            time.sleep(0.05)
        raise AssertionError(f"no matching request within {timeout}s; got {[r['path'] for r in self.requests]}")


def json_answer(data: dict[str, Any], status: int = 200) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(data, ensure_ascii=False).encode()


@pytest.fixture(scope="module")
def webhook() -> Iterator[Recorder]:
    """A WeCom group robot that fails the first two posts of each alert (HTTP 502, then errcode), then accepts."""
    seen: dict[bytes, int] = {}

    def respond(method: str, path: str, query: dict, body: bytes) -> tuple[int, str, bytes]:
        seen[body] = seen.get(body, 0) + 1
        if seen[body] == 1:
            return 502, "text/plain", b"bad gateway"
        if seen[body] == 2:
            return json_answer({"errcode": 45009, "errmsg": "api freq out of limit"})
        return json_answer({"errcode": 0, "errmsg": "ok"})

    recorder = Recorder(respond).start()
    yield recorder
    recorder.stop()


# Debian's chromium, driven by Playwright (`playwright install` cannot download here).
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per browser-test module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()
