"""转人工 that reaches a person, over the REST API on a real loopback server (issue 11).

A client asks for a person; staff see it in the inbox, claim it and reply; the reply reaches the
client's event stream within 2 s; the client's answer reaches the staff transcript; the bot is
silent meanwhile; after release the bot answers again. Bad input gets a clear refusal.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.ui.conftest import Server, login, make_settings, start_server, stop_server
from tests.ui.inbox_helpers import EventReader, MovableClock


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("inbox"))
    running = start_server(settings, with_widget=False, clock=MovableClock())
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def say(client: httpx.Client, text: str, session_id: str | None = None) -> dict:
    response = client.post("/api/chat", json={"session_id": session_id, "message": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_whole_round_trip(server: Server, client: httpx.Client) -> None:
    alice, bob, sue = login(client, "alice"), login(client, "bob"), login(client, "sue")
    assert client.get("/api/staff/handovers", headers=alice).status_code == 200  # alice is online now
    first = say(client, "我要找人工客服，手机 13912345678")
    sid = first["session_id"]
    assert first["route"] == "handover" and first["handover"] and "前面还有 0 位" in first["reply"]
    assert first["data"]["handover"]["status"] == "waiting"

    inbox = client.get("/api/staff/handovers", headers=alice).json()
    item = next(i for i in inbox if i["last_messages"] and "139****5678" in i["last_messages"][-1]["text"])
    hid = item["id"]
    assert item["status"] == "waiting" and item["queue_position"] == 1 and item["channel"] == "api"
    assert client.get("/api/staff/handovers?status=bogus", headers=alice).status_code == 400

    claimed = client.post(f"/api/staff/handovers/{hid}/claim", headers=alice)
    assert claimed.status_code == 200 and claimed.json()["status"] == "held"
    assert "13912345678" in claimed.json()["transcript"][0]["text"]  # unmasked for the holder
    refused = client.post(f"/api/staff/handovers/{hid}/claim", headers=bob)
    assert refused.status_code == 409 and "alice" in refused.json()["error"]

    history = client.get(f"/api/chat/{sid}/messages").json()
    assert history["handover"]["status"] == "held" and history["handover"]["staff_name"] == "alice"
    last_id = history["messages"][-1]["id"]
    reader = EventReader(server.url, sid, after=last_id).start()
    time.sleep(0.8)
    html = "<b>您好</b>，我是客服，<script>alert(1)</script>请问需要加急办理什么？"
    sent_at = time.monotonic()
    sent = client.post(f"/api/staff/handovers/{hid}/reply", headers=alice, json={"text": html})
    assert sent.status_code == 200, sent.text
    arrived, message = reader.wait_for(lambda m: m["role"] == "staff")
    assert arrived - sent_at <= 2.0, f"staff reply took {arrived - sent_at:.2f}s to reach the client"
    assert message["text"] == html and message["staff_name"] == "alice" and message["id"] == sent.json()["id"]

    answer = say(client, "有人吗？能不能加急", sid)
    assert answer["reply"] == "" and answer["route"] == "staff_thread"  # the bot is silent
    detail = client.get(f"/api/staff/handovers/{hid}", headers=alice).json()
    assert detail["transcript"][-1]["role"] == "client" and detail["transcript"][-1]["text"] == "有人吗？能不能加急"
    assert [m["role"] for m in detail["transcript"]].count("bot") == 2  # the hand-over reply and "alice joined"

    assert client.post(f"/api/staff/handovers/{hid}/reply", headers=bob, json={"text": "我来"}).status_code == 403
    for bad in ({"text": ""}, {"text": "   "}, {"text": "长" * 20_000}, {"text": 5}, {}):
        response = client.post(f"/api/staff/handovers/{hid}/reply", headers=alice, json=bad)
        assert response.status_code == 400 and response.json()["error"], bad
    too_long = client.post(f"/api/staff/handovers/{hid}/reply", headers=alice, json={"text": "长" * 20_000})
    assert "最多 2000 字" in too_long.json()["error"]
    assert client.post(f"/api/staff/handovers/{hid}/assign", headers=alice, json={"assignee": "bob"}).status_code == 403
    assigned = client.post(f"/api/staff/handovers/{hid}/assign", headers=sue, json={"assignee": "bob"})
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "bob"
    assert client.post(f"/api/staff/handovers/{hid}/reply", headers=alice, json={"text": "还在"}).status_code == 403

    released = client.post(f"/api/staff/handovers/{hid}/release", headers=bob)
    assert released.status_code == 200 and released.json()["status"] == "released"
    after = say(client, "科技贷最多能贷多少", sid)
    assert after["route"] == "question" and after["reply"]  # the bot answers again
    late = client.post(f"/api/staff/handovers/{hid}/reply", headers=bob, json={"text": "还有问题吗"})
    assert late.status_code == 409 and "已结束" in late.json()["error"]
    reader.stop()

    everything = client.get(f"/api/chat/{sid}/messages").json()["messages"]
    ids = [m["id"] for m in everything]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert [m["role"] for m in everything].count("staff") == 1


def test_messages_api_refuses_bad_input(client: httpx.Client) -> None:
    sid = say(client, "你好")["session_id"]
    assert client.get(f"/api/chat/{sid}/messages?after=abc").status_code == 400
    assert client.get("/api/chat/not-a-session/messages").status_code == 404
    listed = client.get(f"/api/chat/{sid}/messages?after=0").json()
    assert [m["role"] for m in listed["messages"]] == ["client", "bot"] and listed["handover"] == {"status": "none"}
    assert client.get("/api/staff/handovers").status_code == 401


def test_nobody_online_is_told_honestly_with_a_callback(server: Server, client: httpx.Client) -> None:
    server.app.state.services.clock.advance(timedelta(hours=10))  # 20:00 Shanghai
    try:
        reply = say(client, "转人工")
        assert "非工作时间" in reply["reply"] and reply["data"]["handover"]["callback_due"]
        sue = login(client, "sue")
        waiting = client.get("/api/staff/handovers?status=waiting", headers=sue).json()
        assert any(i["callback"] and i["callback"]["reason"] == "after_hours" for i in waiting)
    finally:
        server.app.state.services.clock.advance(-timedelta(hours=10))


def test_an_urgent_hand_over_goes_to_the_alert_webhook() -> None:
    from assistant.dialogue.messages import HandoverRequested, Reply
    from tests.ui.conftest import Recorder, json_answer
    from ui.notify import Notifier

    robot = Recorder(lambda *_: json_answer({"errcode": 0})).start()
    try:
        notifier = Notifier(robot.url + "/robot", retries=0, public_url="https://assist.example")
        calm = Reply("…", data={"handover": {"id": 7, "urgent": False}}, events=[HandoverRequested(1, "client_asked")])
        assert notifier.after_turn(calm) is None
        urgent = Reply("…", data={"handover": {"id": 8, "urgent": True}}, events=[HandoverRequested(2, "client_asked")])
        posted = notifier.after_turn(urgent)
        assert posted is not None and posted.result(timeout=10) is True
        content = json.loads(robot.requests[0]["body"])["markdown"]["content"]
        assert "加急" in content and "/console/handovers/8" in content
        notifier.close()
    finally:
        robot.stop()
