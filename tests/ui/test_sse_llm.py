"""The streaming endpoint with a model behind it: delta events arrive first, then the checked reply."""

from __future__ import annotations

import json
from pathlib import Path

from eval.fake_llm_server import FakeLlmServer
from tests.ui.conftest import make_settings, start_server, stop_server


def test_sse_streams_model_tokens_then_the_final_reply(demo_data_dir: Path, tmp_path: Path) -> None:
    with FakeLlmServer() as llm:
        settings = make_settings(demo_data_dir, tmp_path, llm_backend="openai", llm_base_url=llm.base_url,
                                 llm_model="scripted", llm_timeout_s=3.0)
        server = start_server(settings)
        try:
            with server.client() as client, client.stream(
                    "POST", "/api/chat/stream", json={"message": "科技贷最多能贷多少？"}) as response:
                assert response.status_code == 200
                events = []
                name = None
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        name = line.split(":", 1)[1].strip()
                    elif line.startswith("data:"):
                        events.append((name, json.loads(line.split(":", 1)[1])))
        finally:
            stop_server(server)
    kinds = [k for k, _ in events]
    assert kinds.count("delta") > 1
    assert kinds.index("delta") < kinds.index("reply")
    final = dict(events)["reply"]
    assert "1000万元" in final["reply"] and final["citations"]
