"""Extensions need a supervisor; closed and withdrawn tickets cannot be claimed; refusals,
downloads and dashboard views are audited (refusals in a transaction of their own)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from assistant.store.db import make_engine, session_factory
from assistant.store.models import ComplaintTicket
from eval.ocr.generate import invoice_sample
from tests.security.conftest import audit_rows
from tests.ui.conftest import HOT_LEAD, URGENT_COMPLAINT, Server, chat_script, login


@pytest.fixture(scope="module")
def ticket(client: httpx.Client) -> str:
    return str(chat_script(client, URGENT_COMPLAINT)[1]["data"]["ticket"])


def _set_status(server: Server, number: str, status: str) -> None:
    engine = make_engine(server.settings.sqlalchemy_url)
    with session_factory(engine).begin() as db:
        db.execute(update(ComplaintTicket).where(ComplaintTicket.number == number).values(status=status))
    engine.dispose()


def test_an_agent_alone_cannot_extend_to_60_days(client: httpx.Client, ticket: str) -> None:
    alice = login(client, "alice")
    client.post(f"/api/staff/complaints/{ticket}/claim", headers=alice)
    for days in (30, 60):
        asked = client.post(f"/api/staff/complaints/{ticket}/extend", json={"days": days, "reason": "复杂"},
                            headers=alice)
        assert asked.status_code == 200 and asked.json()["pending"]
    detail = client.get(f"/api/staff/complaints/{ticket}", headers=alice).json()
    waited = datetime.fromisoformat(detail["due_at"]) - datetime.fromisoformat(detail["received_at"])
    assert not detail["extended"] and waited == timedelta(days=15)
    assert detail["extension_pending"]["days"] == 60
    sue = login(client, "sue")
    granted = client.post(f"/api/staff/complaints/{ticket}/extend", json={"days": 30, "reason": "复杂"}, headers=sue)
    assert granted.status_code == 200 and not granted.json()["pending"]
    assert client.get(f"/api/staff/complaints/{ticket}", headers=alice).json()["extended"]


@pytest.mark.parametrize("status", ["withdrawn", "closed"])
def test_withdrawn_and_closed_tickets_cannot_be_claimed(client: httpx.Client, server: Server, status: str) -> None:
    number = str(chat_script(client, URGENT_COMPLAINT)[1]["data"]["ticket"])
    _set_status(server, number, status)
    bob = login(client, "bob")
    refused = client.post(f"/api/staff/complaints/{number}/claim", headers=bob)
    assert refused.status_code == 409
    assert client.get(f"/api/staff/complaints/{number}", headers=bob).json()["masked"]
    row = audit_rows(server, action="refused", entity_id=number)[-1]
    assert row.actor == "staff:bob" and row.detail["code"] == "conflict" and "claim" in row.detail["attempted"]


def test_refused_actions_are_audited_after_the_rollback(client: httpx.Client, server: Server) -> None:
    lead = int(chat_script(client, HOT_LEAD)[1]["data"]["lead"])
    alice, bob = login(client, "alice"), login(client, "bob")
    client.post(f"/api/staff/leads/{lead}/claim", headers=alice)
    assert client.post(f"/api/staff/leads/{lead}/contacted", headers=bob).status_code == 403
    assert client.post(f"/api/staff/leads/{lead}/assign", json={"assignee": "bob"}, headers=bob).status_code == 403
    refused = [r.detail["attempted"] for r in audit_rows(server, action="refused", entity_id=str(lead))]
    assert any("contacted" in a for a in refused) and any("assign" in a for a in refused)


def test_downloads_and_dashboard_views_are_audited(client: httpx.Client, server: Server) -> None:
    session, _ = chat_script(client, ["你好"])
    pdf = invoice_sample(random.Random(8), date.today(), None, as_pdf=True).data
    body = client.post("/api/chat/upload", data={"session_id": session},
                       files={"file": ("inv.pdf", pdf, "application/pdf")}).json()
    link = body["document"]["annotated"][0]
    assert client.get(link).status_code == 200
    assert audit_rows(server, action="file_downloaded")[-1].actor == "client"
    assert client.get("/api/staff/dashboard", headers=login(client, "sue")).status_code == 200
    assert audit_rows(server, action="dashboard_viewed")[-1].actor == "staff:sue"


def test_file_links_do_not_reveal_server_paths(client: httpx.Client) -> None:
    import base64

    session, _ = chat_script(client, ["你好"])
    pdf = invoice_sample(random.Random(9), date.today(), None, as_pdf=True).data
    link = client.post("/api/chat/upload", data={"session_id": session},
                       files={"file": ("inv.pdf", pdf, "application/pdf")}).json()["document"]["annotated"][0]
    token = link.rsplit("/", 1)[-1]
    for chunk in token.split("."):
        decoded = base64.urlsafe_b64decode(chunk + "=" * (-len(chunk) % 4))
        assert b"uploads" not in decoded and b"/tmp" not in decoded and b"annotated" not in decoded
