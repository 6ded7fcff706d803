"""Attacks on the staff side: what an agent sees unclaimed, brute force, revocation, extension
without approval, the audit trail, headers and file permissions."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import httpx

from eval.security.client_attacks import Result, result
from eval.security.server import STAFF

HOT_LEAD = ["我想申请贷款", "杭州明远科技有限公司", "91350100M000100Y43", "软件开发", "5年", "2000万", "300万",
            "采购原材料", "1年", "房产抵押", "A级", "高新技术企业", "杭州市西湖区", "张伟", "13912345678", "同意",
            "确认"]
COMPLAINT = ["我要投诉", "宁波海纳贸易有限公司", "跳过", "李娜", "13800138000", "2", "1", "其他",
             "有人用我的身份证110101199003071234冒名开户", "昨天", "跳过", "请联系我", "确认"]


def _script(url: str, lines: list[str]) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=60) as client:
        session, body = None, {}
        for line in lines:
            body = client.post("/api/chat", json={"session_id": session, "message": line}).json()
            session = body.get("session_id")
    return body


def _login(url: str, name: str) -> dict[str, str]:
    token = httpx.post(url + "/api/staff/login", json={"username": name, "password": STAFF[name][1]}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def masking(url: str) -> tuple[Result, int, str]:
    lead = int(_script(url, HOT_LEAD)["data"]["lead"])
    ticket = str(_script(url, COMPLAINT)["data"]["ticket"])
    bob = _login(url, "bob")
    seen = json.dumps([httpx.get(f"{url}/api/staff/leads/{lead}", headers=bob).json(),
                       httpx.get(f"{url}/api/staff/complaints/{ticket}", headers=bob).json(),
                       httpx.get(f"{url}/api/staff/leads", headers=bob).json()], ensure_ascii=False)
    leaks = [s for s in ("91350100M000100Y43", "13912345678", "13800138000", "110101199003071234") if s in seen]
    return (result("an agent who has not claimed reads identifiers", "high", "no full identifier anywhere",
                   {"leaked": leaks}, not leaks), lead, ticket)


def brute_force(url: str) -> Result:
    codes = [httpx.post(url + "/api/staff/login", json={"username": "alice", "password": f"guess-{i}"}).status_code
             for i in range(7)]
    right = httpx.post(url + "/api/staff/login", json={"username": "alice", "password": STAFF["alice"][1]})
    observed = {"guesses": codes, "right password after": right.status_code,
                "retry_after_s": right.headers.get("retry-after")}
    return result("password guessing against one account", "high", "429 with Retry-After from the 5th failure on",
                  observed, 429 in codes[:5] and right.status_code == 429 and bool(right.headers.get("retry-after")))


def revocation(url: str) -> Result:
    sue = _login(url, "sue")
    before = httpx.get(url + "/api/staff/leads", headers=sue).status_code
    httpx.post(url + "/api/staff/logout", headers=sue)
    after = httpx.get(url + "/api/staff/leads", headers=sue).status_code
    return result("a token after logout", "medium", "401 after logout", {"before": before, "after": after},
                  before == 200 and after == 401)


def extension_and_claims(url: str, ticket: str) -> Result:
    bob = _login(url, "bob")
    httpx.post(f"{url}/api/staff/complaints/{ticket}/claim", headers=bob)
    asked = httpx.post(f"{url}/api/staff/complaints/{ticket}/extend", json={"days": 30, "reason": "复杂"},
                       headers=bob).json()
    detail = httpx.get(f"{url}/api/staff/complaints/{ticket}", headers=bob).json()
    observed = {"agent's extension pending": asked.get("pending"), "deadline extended": detail.get("extended")}
    return result("an agent extends a complaint alone", "medium", "a request waiting for a supervisor", observed,
                  asked.get("pending") is True and detail.get("extended") is False)


def audit_trail(url: str, data_dir: Path, lead: int) -> Result:
    sue, bob = _login(url, "sue"), _login(url, "bob")
    refused = httpx.post(f"{url}/api/staff/leads/{lead}/assign", json={"assignee": "alice"}, headers=bob).status_code
    httpx.get(url + "/api/staff/dashboard", headers=sue)
    with sqlite3.connect(data_dir / "assistant.db") as db:
        actions = {row[0] for row in db.execute("SELECT DISTINCT action FROM audit_log")}
    wanted = {"login", "login_failed", "login_refused_locked", "refused", "dashboard_viewed", "lead_viewed", "logout"}
    return result("the audit log misses logins, refusals, dashboard views", "medium",
                  ", ".join(sorted(wanted)), {"missing": sorted(wanted - actions), "refused_status": refused},
                  not wanted - actions and refused == 403)


def headers_and_files(url: str, data_dir: Path) -> Result:
    api = httpx.get(url + "/api/staff/leads").headers
    widget = httpx.get(url + "/widget/").headers
    modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in [data_dir / "assistant.db",
                                                                  *(data_dir / "uploads").rglob("original*")][:5]}
    observed = {"nosniff": api.get("x-content-type-options"), "widget frame-ancestors":
                widget.get("content-security-policy", "").split("frame-ancestors")[-1].split(";")[0].strip(),
                "/docs": httpx.get(url + "/docs").status_code, "file modes": modes}
    passed = (api.get("x-content-type-options") == "nosniff" and observed["widget frame-ancestors"] == "'self'"
              and observed["/docs"] == 404 and all(m == "0o600" for m in modes.values()))
    return result("headers, /docs, file permissions", "low", "nosniff, frame-ancestors 'self', /docs 404, 0600",
                  observed, passed)
