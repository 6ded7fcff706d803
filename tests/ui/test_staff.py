"""Staff API and alerts on a real loopback server: auth, masking until claimed, actions, audit, webhook retries."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from assistant.store.db import make_engine, session_factory
from assistant.store.models import AuditLog
from tests.ui.conftest import (
    HOT_LEAD,
    URGENT_COMPLAINT,
    Recorder,
    Server,
    chat_script,
    login,
    make_settings,
    start_server,
    stop_server,
)


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory, webhook: Recorder) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("staff"), notify_webhook_url=webhook.url + "/robot",
                             notify_backoff_s=0.2, notify_retries=3, public_base_url="https://assist.example")
    running = start_server(settings, with_widget=False)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def lead_id(client: httpx.Client) -> int:
    _, reply = chat_script(client, HOT_LEAD)
    return int(reply["data"]["lead"])


@pytest.fixture(scope="module")
def ticket(client: httpx.Client) -> str:
    _, reply = chat_script(client, URGENT_COMPLAINT)
    assert reply["data"]["urgent"] is True
    return str(reply["data"]["ticket"])


def audit(server: Server, entity_id: str) -> list[tuple[str, str]]:
    engine = make_engine(server.settings.sqlalchemy_url)
    with session_factory(engine)() as db:
        rows = db.execute(select(AuditLog.actor, AuditLog.action).where(AuditLog.entity_id == entity_id)
                          .order_by(AuditLog.id)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer forged.token.value"}, {"Authorization": "Basic x"}])
def test_staff_api_needs_a_valid_token(client: httpx.Client, headers: dict[str, str]) -> None:
    for path in ("/api/staff/leads", "/api/staff/complaints", "/api/staff/leads/1", "/api/staff/dashboard"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401 and "登录" in response.json()["error"]
    assert client.post("/api/staff/leads/1/claim", headers=headers).status_code == 401


def test_wrong_password_is_refused(client: httpx.Client) -> None:
    response = client.post("/api/staff/login", json={"username": "alice", "password": "wrong-password"})
    assert response.status_code == 401 and response.json()["error"] == "用户名或密码错误"
    assert client.post("/api/staff/login", json={"username": "nobody", "password": "x" * 10}).status_code == 401


def test_agent_sees_masked_data_until_claiming(client: httpx.Client, server: Server, lead_id: int) -> None:
    alice, bob = login(client, "alice"), login(client, "bob")
    queue = client.get("/api/staff/leads", params={"tier": "hot"}, headers=alice).json()
    row = next(r for r in queue if r["id"] == lead_id)
    assert row["mobile"] == "139****5678" and row["credit_code"] == "9135**********0Y43" and row["masked"]
    detail = client.get(f"/api/staff/leads/{lead_id}", headers=alice).json()
    assert detail["mobile"] == "139****5678" and detail["slots"]["mobile"] == "139****5678"
    assert all("13912345678" not in m["text"] for m in detail["transcript"])
    assert detail["score_breakdown"]["factors"] and detail["transcript"][0]["text"] == HOT_LEAD[0]

    assert client.post(f"/api/staff/leads/{lead_id}/claim", headers=alice).json()["status"] == "assigned"
    mine = client.get(f"/api/staff/leads/{lead_id}", headers=alice).json()
    assert mine["mobile"] == "13912345678" and mine["credit_code"] == "91350100M000100Y43" and not mine["masked"]
    assert any("13912345678" in m["text"] for m in mine["transcript"])

    # Another agent still sees it masked and may not work it.
    assert client.get(f"/api/staff/leads/{lead_id}", headers=bob).json()["mobile"] == "139****5678"
    taken = client.post(f"/api/staff/leads/{lead_id}/claim", headers=bob)
    assert taken.status_code == 409 and "alice" in taken.json()["error"]
    assert client.post(f"/api/staff/leads/{lead_id}/contacted", headers=bob).status_code == 403

    sue = login(client, "sue")  # a supervisor sees everything without claiming
    assert client.get(f"/api/staff/leads/{lead_id}", headers=sue).json()["mobile"] == "13912345678"

    actions = audit(server, str(lead_id))
    assert ("staff:alice", "lead_viewed") in actions and ("staff:alice", "lead_claimed") in actions
    assert ("staff:bob", "lead_viewed") in actions and ("staff:sue", "lead_viewed") in actions


def test_lead_is_worked_to_a_decision_with_a_reason(client: httpx.Client, server: Server, lead_id: int) -> None:
    alice = login(client, "alice")
    client.post(f"/api/staff/leads/{lead_id}/claim", headers=alice)
    assert client.post(f"/api/staff/leads/{lead_id}/contacted", headers=alice).json()["status"] == "contacted"
    no_reason = client.post(f"/api/staff/leads/{lead_id}/qualify", json={"reason": ""}, headers=alice)
    assert no_reason.status_code == 400
    done = client.post(f"/api/staff/leads/{lead_id}/qualify", json={"reason": "经营稳定，抵押充足"}, headers=alice)
    assert done.json()["status"] == "qualified"
    again = client.post(f"/api/staff/leads/{lead_id}/reject", json={"reason": "改主意"}, headers=alice)
    assert again.status_code == 409
    assert ("staff:alice", "lead_qualified") in audit(server, str(lead_id))
    filtered = client.get("/api/staff/leads", params={"status": "qualified"}, headers=alice).json()
    assert [r["id"] for r in filtered] == [lead_id]
    assert client.get("/api/staff/leads", params={"tier": "gold"}, headers=alice).status_code == 400


def test_complaint_queue_status_and_extension(client: httpx.Client, server: Server, ticket: str) -> None:
    alice = login(client, "alice")
    queue = client.get("/api/staff/complaints", headers=alice).json()
    row = next(r for r in queue if r["number"] == ticket)
    assert row["urgent"] and row["mobile"] == "138****8000" and not row["overdue"]
    extension = {"days": 30, "reason": "需调取监控"}
    bad = client.post(f"/api/staff/complaints/{ticket}/extend", json=extension, headers=alice)
    assert bad.status_code == 403  # not hers yet
    client.post(f"/api/staff/complaints/{ticket}/claim", headers=alice)
    wrong_days = client.post(f"/api/staff/complaints/{ticket}/extend", json={"days": 45, "reason": "x"}, headers=alice)
    assert wrong_days.status_code == 400
    asked = client.post(f"/api/staff/complaints/{ticket}/extend", json={"days": 30, "reason": "需调取监控"},
                        headers=alice).json()
    assert asked["pending"] and not client.get(f"/api/staff/complaints/{ticket}", headers=alice).json()["extended"]
    sue = login(client, "sue")  # the regulation's senior approval: a supervisor grants it
    assert client.get(f"/api/staff/complaints/{ticket}", headers=sue).json()["extension_pending"]["days"] == 30
    extended = client.post(f"/api/staff/complaints/{ticket}/extend", json={"days": 30, "reason": "需调取监控"},
                           headers=sue).json()
    assert extended["extension_reason"] == "需调取监控" and not extended["pending"]
    assert client.post(f"/api/staff/complaints/{ticket}/status", json={"status": "resolved"},
                       headers=alice).status_code == 409  # registered → resolved skips a step
    assert client.post(f"/api/staff/complaints/{ticket}/status", json={"status": "in_progress"},
                       headers=alice).json()["status"] == "in_progress"
    detail = client.get(f"/api/staff/complaints/{ticket}", headers=alice).json()
    assert detail["mobile"] == "13800138000" and detail["extended"]
    assert [h["event"] for h in detail["history"]][-4:] == ["claimed", "extension_requested", "extended_30d",
                                                           "in_progress"]
    actions = [a for _, a in audit(server, ticket)]
    assert {"complaint_viewed", "complaint_claimed", "complaint_extension_requested", "complaint_extended",
            "complaint_extension_approved", "complaint_status"} <= set(actions)


def test_dashboard_counts(client: httpx.Client, lead_id: int, ticket: str) -> None:
    stats = client.get("/api/staff/dashboard", headers=login(client, "sue")).json()
    assert sum(day["hot"] for day in stats["leads_per_day"].values()) >= 1
    assert stats["complaints_per_category"].get("unauthorised", 0) >= 1
    assert set(stats["sla_breaches"]) == {"leads", "complaints"}


def test_hot_lead_and_urgent_complaint_alerts_are_retried_until_accepted(webhook: Recorder, lead_id: int,
                                                                         ticket: str) -> None:
    lead_posts = [webhook.wait_for(lambda r, n=n: _is_alert(r, "高意向") and _nth(webhook, r, "高意向") == n)
                  for n in (1, 2, 3)]
    assert [p["path"] for p in lead_posts] == ["/robot"] * 3
    gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(lead_posts)]
    assert gaps[0] >= 0.15 and gaps[1] >= 0.3  # backoff doubles
    body = json.loads(lead_posts[-1]["body"])
    assert body["msgtype"] == "markdown" and f"#{lead_id}" in body["markdown"]["content"]
    assert "https://assist.example/console/leads/" in body["markdown"]["content"]
    urgent = webhook.wait_for(lambda r: _is_alert(r, ticket))
    assert "13800138000" not in urgent["body"].decode()  # alerts never carry a full mobile


def _is_alert(request: dict, words: str) -> bool:
    return words in request["body"].decode("utf-8", "replace")


def _nth(webhook: Recorder, request: dict, words: str) -> int:
    same = [r for r in webhook.requests if _is_alert(r, words)]
    return same.index(request) + 1
