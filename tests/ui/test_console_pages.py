"""The staff console speaks business Chinese, on a real loopback server with the pages as a browser gets them.

What staff read on a lead or a complaint is what a relationship manager would say: 300万元, 房产或土地抵押,
高新技术企业, 线索已提交; never the codes the store keeps (``mortgage``, ``high_tech``, ``True``,
``3000000.00``, ``lead_submitted``). The tests read the visible text of each page (tags and attribute
values removed), since a form may still carry a code as the value it posts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.ui.conftest import (
    HOT_LEAD,
    PASSWORDS,
    URGENT_COMPLAINT,
    Server,
    chat_script,
    login,
    make_settings,
    start_server,
    stop_server,
)

CODES = ("mortgage", "high_tech", "True", "3000000", "lead_submitted", "lead_claimed", "collateral", "consent",
         "term_months", "hot", "assigned", "registered", "in_progress", "unauthorised", "online", "agent")


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(make_settings(demo_data_dir, tmp_path_factory.mktemp("console")), with_widget=False)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def lead(server: Server) -> dict:
    with server.client() as api:
        _, reply = chat_script(api, HOT_LEAD)
    return reply["data"]


@pytest.fixture(scope="module")
def ticket(server: Server) -> str:
    with server.client() as api:
        _, reply = chat_script(api, URGENT_COMPLAINT)
    return str(reply["data"]["ticket"])


@pytest.fixture(scope="module")
def alice(server: Server) -> Iterator[httpx.Client]:
    """An agent logged in to the console, as a browser is: the cookie, and the CSRF value of each form."""
    with server.client(follow_redirects=True) as browser:
        page = browser.get("/console/login").text
        response = browser.post("/console/login", data={"username": "alice", "password": PASSWORDS["alice"],
                                                         "csrf": csrf_of(page)})
        assert response.status_code == 200 and "融资线索" in response.text
        yield browser


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has a form"
    return found.group(1)


def visible(page: str) -> str:
    """What a person reads: no tags, no attribute values, no hidden form values."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_lead_page_shows_facts_score_and_history_in_business_chinese(alice: httpx.Client, lead: dict) -> None:
    text = visible(alice.get(f"/console/leads/{lead['lead']}").text)
    for shown in ("融资金额", "300万元", "担保方式", "房产或土地抵押", "企业资质", "高新技术企业", "同意联系", "同意",
                  "期限", "12个月", "上年营业收入", "2000万元", "纳税信用等级", "A级", "高意向", "待认领", "线索已提交",
                  "线索编号", lead["reference"], "通话结果", "尚未登记"):
        assert shown in text, shown
    for code in CODES:
        assert not re.search(rf"(?<![A-Za-z_]){code}(?![A-Za-z_])", text), code


def test_the_lead_list_shows_the_reference_and_finds_a_lead_by_it(alice: httpx.Client, lead: dict) -> None:
    listing = alice.get("/console/leads").text
    assert lead["reference"] in visible(listing) and "300万元" in visible(listing)
    with httpx.Client(base_url=str(alice.base_url)) as other:  # another client: another lead
        _, reply = chat_script(other, HOT_LEAD)
    found = alice.get("/console/leads", params={"reference": lead["reference"][-6:]}).text
    assert lead["reference"] in found and reply["data"]["reference"] not in found
    missing = visible(alice.get("/console/leads", params={"reference": "XS-19990101-000000"}).text)
    assert "没有编号含“XS-19990101-000000”的线索" in missing


def test_the_api_finds_a_lead_by_reference_and_it_is_the_one_the_client_was_told(
        server: Server, lead: dict) -> None:
    with server.client() as api:
        rows = api.get("/api/staff/leads", params={"reference": lead["reference"]},
                       headers=login(api, "sue")).json()
    assert [(r["id"], r["reference"]) for r in rows] == [(lead["lead"], lead["reference"])]


def test_a_call_outcome_is_recorded_from_the_lead_page_and_shown_with_the_history(
        alice: httpx.Client, lead: dict) -> None:
    url = f"/console/leads/{lead['lead']}"
    claimed = alice.post(url + "/claim", data={"csrf": csrf_of(alice.get(url).text)})
    assert "已保存" in claimed.text
    page = claimed.text
    assert all(f">{text}</option>" in page for text in ("已接通-有意向", "已接通-无意向", "未接通", "号码错误"))
    done = alice.post(url + "/call", data={"csrf": csrf_of(page), "outcome": "connected_interested",
                                           "note": "客户下周三来行面谈"})
    text = visible(done.text)
    assert "已保存" in text and "通话结果： 已接通-有意向" in re.sub(r"\s+", " ", text)
    assert "客户下周三来行面谈" in text and "登记通话结果" in text and "已联系" in text
    refused = alice.post(url + "/call", data={"csrf": csrf_of(done.text), "outcome": "maybe"})
    assert "请选择通话结果" in visible(refused.text)


def test_the_complaint_page_shows_what_the_client_said_in_chinese(alice: httpx.Client, ticket: str) -> None:
    text = visible(alice.get(f"/console/complaints/{ticket}").text)
    for shown in ("发生时间", "涉及金额", "5万元", "办理渠道", "网银或手机银行", "业务类型", "投诉原因", "诉求",
                  "查清原因并退回资金", "已登记", "加急", "未经授权扣款或欺诈", "提及律师或诉讼", "改为处理中"):
        assert shown in text, shown
    assert "改为已办结" not in text and "改为已处理" not in text  # only the allowed next status is offered
    for code in CODES:
        assert not re.search(rf"(?<![A-Za-z_]){code}(?![A-Za-z_])", text), code


def test_a_status_the_transitions_do_not_allow_is_refused_in_chinese(
        alice: httpx.Client, server: Server, ticket: str) -> None:
    url = f"/console/complaints/{ticket}"
    page = alice.post(url + "/claim", data={"csrf": csrf_of(alice.get(url).text)}).text
    refused = alice.post(url + "/status", data={"csrf": csrf_of(page), "status": "closed"})
    assert "工单当前为已登记，不能改为已办结（下一步只能改为：处理中）" in visible(refused.text)
    with server.client() as api:
        response = api.post(f"/api/staff/complaints/{ticket}/status", json={"status": "closed"},
                            headers=login(api, "sue"))
    assert response.status_code == 409 and "不能改为已办结" in response.json()["error"]
    moved = alice.post(url + "/status", data={"csrf": csrf_of(refused.text), "status": "in_progress"})
    text = visible(moved.text)
    assert "已保存" in text and "改为已处理" in text and "改为处理中" not in text


def test_the_complaint_queue_and_the_header_name_codes_in_chinese(alice: httpx.Client, ticket: str) -> None:
    text = visible(alice.get("/console/complaints").text)
    assert ticket in text and "未经授权扣款或盗刷" in text and "unauthorised" not in text
    assert "alice（客户经理）" in text  # the role, not "agent"
    assert alice.get("/console/charts/complaints.png").headers["content-type"] == "image/png"


def test_a_lead_or_complaint_that_does_not_exist_sends_staff_back_to_the_list_with_a_reason(
        alice: httpx.Client) -> None:
    page = alice.get("/console/leads/987654")
    assert page.url.path == "/console/leads" and "线索 987654 不存在" in visible(page.text)
    page = alice.get("/console/complaints/TS-NOPE")
    assert page.url.path == "/console/complaints" and "工单 TS-NOPE 不存在" in visible(page.text)
