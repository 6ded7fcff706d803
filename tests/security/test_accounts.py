"""Staff login: password policy, throttling per account and per address (in the database, so
every worker sees it), audit of each attempt, token revocation, CSRF on the console's login/logout."""

from __future__ import annotations

import re

import httpx
import pytest
from typer.testing import CliRunner

from assistant.errors import UserError
from assistant.staff_accounts import add_staff
from assistant.store.db import make_engine, session_factory
from tests.security.conftest import audit_rows
from tests.ui.conftest import PASSWORDS, Server, login, start_server, stop_server


@pytest.mark.parametrize("weak", ["12345678", "password123", "qwertyuiop", "1q2w3e4r5t", "carolcarol1", "Password2024",
                                  "woaini1314"])
def test_common_or_short_passwords_are_refused(server: Server, weak: str) -> None:
    engine = make_engine(server.settings.sqlalchemy_url)
    with pytest.raises(UserError), session_factory(engine).begin() as db:
        add_staff(db, "carol", "agent", weak)
    engine.dispose()


def _add(server: Server, name: str, password: str) -> None:
    engine = make_engine(server.settings.sqlalchemy_url)
    with session_factory(engine).begin() as db:
        add_staff(db, name, "agent", password, replace=True)
    engine.dispose()


def test_an_account_is_locked_after_repeated_failures_on_every_worker(client: httpx.Client, server: Server) -> None:
    _add(server, "dave", "dave-Secret-2041")
    for _ in range(4):
        assert client.post("/api/staff/login", json={"username": "dave", "password": "guess"}).status_code == 401
    fifth = client.post("/api/staff/login", json={"username": "dave", "password": "guess"})
    assert fifth.status_code == 429 and int(fifth.headers["retry-after"]) > 60 and "分钟" in fifth.json()["error"]
    right = client.post("/api/staff/login", json={"username": "dave", "password": "dave-Secret-2041"})
    assert right.status_code == 429  # the lock holds against the right password too
    other = start_server(server.settings, with_widget=False)  # a second worker on the same database
    try:
        again = httpx.post(other.url + "/api/staff/login", json={"username": "dave", "password": "dave-Secret-2041"})
        assert again.status_code == 429
    finally:
        stop_server(other)
    actions = [r.action for r in audit_rows(server, entity_id="dave", entity_type="staff_user")]
    assert actions.count("login_failed") == 5 and "login_refused_locked" in actions


def test_an_address_guessing_many_accounts_is_locked(demo_data_dir, tmp_path) -> None:
    from tests.ui.conftest import make_settings

    settings = make_settings(demo_data_dir, tmp_path, login_max_failures_address=6)
    running = start_server(settings, with_widget=False)
    try:
        with running.client() as c:
            codes = [c.post("/api/staff/login", json={"username": f"user{i}", "password": "x"}).status_code
                     for i in range(6)]
            assert codes == [401] * 5 + [429]
            assert c.post("/api/staff/login", json={"username": "alice",
                                                    "password": PASSWORDS["alice"]}).status_code == 429
    finally:
        stop_server(running)


def test_good_logins_are_audited(client: httpx.Client, server: Server) -> None:
    login(client, "sue")
    row = audit_rows(server, action="login", entity_id="sue")[-1]
    assert row.actor == "staff:sue" and row.detail["address"] == "127.0.0.1"


def test_logout_revokes_the_token(client: httpx.Client) -> None:
    alice = login(client, "alice")
    assert client.get("/api/staff/leads", headers=alice).status_code == 200
    assert client.post("/api/staff/logout", headers=alice).status_code == 204
    assert client.get("/api/staff/leads", headers=alice).status_code == 401


def test_disable_and_reset_password_revoke_tokens_at_once(client: httpx.Client, server: Server,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.cli import app

    _add(server, "erin", "erin-Secret-3052")
    monkeypatch.setenv("SME_ASSISTANT_DATA_DIR", str(server.settings.assistant_data_dir))
    monkeypatch.setenv("SME_SECRET_KEY", "test-secret-key")
    runner = CliRunner()
    token = client.post("/api/staff/login", json={"username": "erin", "password": "erin-Secret-3052"}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert runner.invoke(app, ["staff", "reset-password", "erin", "--password-stdin"],
                         input="12345678\n").exit_code != 0  # the policy applies to resets too
    result = runner.invoke(app, ["staff", "reset-password", "erin", "--password-stdin"], input="erin-Newer-4163\n")
    assert result.exit_code == 0, result.output
    assert client.get("/api/staff/leads", headers=headers).status_code == 401
    token = client.post("/api/staff/login", json={"username": "erin", "password": "erin-Newer-4163"}).json()["token"]
    assert runner.invoke(app, ["staff", "disable", "erin"]).exit_code == 0
    assert client.get("/api/staff/leads", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/api/staff/login", json={"username": "erin", "password": "erin-Newer-4163"}).status_code == 401
    assert runner.invoke(app, ["staff", "enable", "erin"]).exit_code == 0
    assert client.post("/api/staff/login", json={"username": "erin", "password": "erin-Newer-4163"}).status_code == 200


def test_console_login_and_logout_need_the_csrf_value(server: Server) -> None:
    with server.client(follow_redirects=False) as browser:
        forged = browser.post("/console/login", data={"username": "alice", "password": PASSWORDS["alice"]})
        assert forged.status_code == 303 and "sme_staff" not in forged.headers.get("set-cookie", "")
        page = browser.get("/console/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
        ok = browser.post("/console/login", data={"username": "alice", "password": PASSWORDS["alice"], "csrf": csrf})
        assert ok.headers["location"] == "/console/leads" and "sme_staff" in ok.headers["set-cookie"]
        cookie = browser.cookies.get("sme_staff")
        browser.post("/console/logout")  # no CSRF value: another site's form
        assert browser.get("/console/leads").status_code == 200
        leads = browser.get("/console/leads")
        token_csrf = re.search(r'name="csrf" value="([^"]+)"', leads.text)[1]
        browser.post("/console/logout", data={"csrf": token_csrf})
    assert httpx.get(server.url + "/api/staff/leads", headers={"Authorization": f"Bearer {cookie}"}).status_code == 401
