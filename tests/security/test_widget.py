"""The widget reads no file from the server's disk: a forged Gradio FileData path is refused before
anything is opened or copied; Gradio's upload route needs the widget's cookie; a real upload by
the same browser still works and leaves nothing behind in Gradio's cache."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from assistant.store.db import make_engine, session_factory
from assistant.store.models import Document
from eval.ocr.generate import invoice_sample
from tests.ui.conftest import Server, make_settings, start_server, stop_server
from ui.channels.widget.guard import upload_folder


@pytest.fixture(scope="module")
def widget(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(make_settings(demo_data_dir, tmp_path_factory.mktemp("widget")))
    yield running
    stop_server(running)


@contextmanager
def _browser(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        assert client.get("/widget/").status_code == 200 and client.cookies.get("sme_widget")
        yield client


def _upload_event(client: httpx.Client) -> int:
    config = client.get("/widget/config").json()
    upload_id = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "upload")
    return next(i for i, d in enumerate(config["dependencies"])
                if any(t[0] == upload_id and t[1] == "upload" for t in d["targets"]))


def _run(client: httpx.Client, fn_index: int, file: dict[str, Any]) -> dict[str, Any]:
    session = uuid.uuid4().hex[:11]
    joined = client.post("/widget/gradio_api/queue/join", json={
        "data": [file, [], {}], "fn_index": fn_index, "session_hash": session, "event_data": None})
    assert joined.status_code == 200, joined.text
    with client.stream("GET", "/widget/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
    raise AssertionError("no completion")


def _documents(server: Server) -> int:
    engine = make_engine(server.settings.sqlalchemy_url)
    with session_factory(engine)() as db:
        count = db.scalar(select(func.count()).select_from(Document)) or 0
    engine.dispose()
    return count


@pytest.mark.parametrize("target", ["secret_key", "assistant.db", "/etc/passwd"])
def test_a_forged_path_reads_nothing(widget: Server, target: str) -> None:
    path = target if target.startswith("/") else str(widget.settings.assistant_data_dir / target)
    before = _documents(widget)
    cached = {p.name for p in upload_folder().rglob("*")} if upload_folder().is_dir() else set()
    with _browser(widget) as client:
        done = _run(client, _upload_event(client), {"path": path, "orig_name": "licence.png",
                                                    "meta": {"_type": "gradio.FileData"}})
    assert not done.get("success") or "未能接收" in json.dumps(done, ensure_ascii=False)
    assert _documents(widget) == before  # no OCR, nothing stored
    now = {p.name for p in upload_folder().rglob("*")} if upload_folder().is_dir() else set()
    assert not {Path(path).name} & (now - cached), "no copy of the file landed in Gradio's cache"


def test_gradio_upload_route_needs_the_widget_cookie(widget: Server) -> None:
    response = httpx.post(widget.url + "/widget/gradio_api/upload", files={"files": ("x.exe", b"MZ\x90", "x/y")})
    assert response.status_code == 403


def test_a_real_upload_by_the_same_browser_is_checked_and_not_kept_in_the_cache(widget: Server) -> None:
    pdf = invoice_sample(random.Random(4), date.today(), None, as_pdf=True).data
    with _browser(widget) as client:
        paths = client.post("/widget/gradio_api/upload", files={"files": ("发票.pdf", pdf, "application/pdf")}).json()
        before = _documents(widget)
        done = _run(client, _upload_event(client), {"path": paths[0], "orig_name": "发票.pdf",
                                                    "meta": {"_type": "gradio.FileData"}})
        assert done.get("success"), done
        assert _documents(widget) == before + 1 and not Path(paths[0]).exists()
    with _browser(widget) as other:  # another browser cannot use this browser's upload
        again = other.post("/widget/gradio_api/upload", files={"files": ("发票.pdf", pdf, "application/pdf")}).json()
    with _browser(widget) as third:
        done = _run(third, _upload_event(third), {"path": again[0], "orig_name": "发票.pdf",
                                                  "meta": {"_type": "gradio.FileData"}})
        assert "未能接收" in json.dumps(done, ensure_ascii=False)


def test_gradio_upload_route_keeps_no_file_of_another_type(widget: Server) -> None:
    with _browser(widget) as client:
        paths = client.post("/widget/gradio_api/upload", files={"files": ("tool.exe", b"MZ\x90\x00" * 100,
                                                                          "application/octet-stream")}).json()
    deadline = time.monotonic() + 10
    while Path(paths[0]).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert paths and not Path(paths[0]).exists()
