"""Fuzz POST /api/chat: any body gets a reply or a 4xx {"error"}; never a 500, never a trace."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from assistant.settings import load_settings
from ui.app import create_app


@pytest.fixture(scope="module")
def client(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("chat-fuzz") / "data"
    shutil.copytree(demo_data_dir, data)
    # The limits of one client would turn the examples into 429s: the parser is under test, not the limiter.
    settings = load_settings(assistant_data_dir=data, secret_key="fuzz-secret", rate_chat_per_min_address=10**6,
                             rate_chat_per_min_session=10**6)
    app = create_app(settings, with_widget=False)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _check(response: Any) -> None:
    assert response.status_code in (200, 400, 404, 413), response.text[:300]
    body = response.json()
    if response.status_code == 200:
        assert isinstance(body["reply"], str) and body["reply"] and isinstance(body["session_id"], str)
    else:
        assert isinstance(body["error"], str) and body["error"] and "Traceback" not in body["error"]


finite = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.none() | st.booleans() | st.integers() | finite | st.text(max_size=40)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
messages = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300) | st.sampled_from(
    ["我要投诉", "我想申请贷款", "科技贷最多能贷多少？", "1", "取消", "转人工", "\x00", " " * 50])


@given(message=messages | json_values, session=st.none() | st.text(max_size=60) | json_values,
       extra=st.dictionaries(st.text(max_size=8), json_values, max_size=3))
def test_chat_objects(client: TestClient, message: Any, session: Any, extra: dict[str, Any]) -> None:
    body = {**extra, "message": message}
    if session is not None:
        body["session_id"] = session
    _check(client.post("/api/chat", json=body))


@given(raw=st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
       | st.sampled_from([b'{"message": NaN}', b'{"message": "hi", "session_id": Infinity}', b'{"message": "\\ud800"}',
                          b'[' * 5000, b'{"message": ' * 3000, b"\xef\xbb\xbf{}"]))
def test_chat_raw_bodies(client: TestClient, raw: bytes) -> None:
    _check(client.post("/api/chat", content=raw, headers={"Content-Type": "application/json"}))


@given(body=json_values)
def test_chat_any_json_value(client: TestClient, body: Any) -> None:
    _check(client.post("/api/chat", content=json.dumps(body), headers={"Content-Type": "application/json"}))
