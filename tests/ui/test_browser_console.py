"""The console's lead and complaint pages in real headless Chromium at laptop size, read as staff read
them: business Chinese, the reference number, the call outcome, the complaint's facts. Screenshots
go to test-artifacts/ (console-lead-labels.png, console-complaint-labels.png) for people to look at.
"""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import HOT_LEAD, PASSWORDS, URGENT_COMPLAINT, Server, chat_script
from tests.ui.test_browser import artifacts, blocking_violations, server  # noqa: F401 (fixtures)

LAPTOP = {"width": 1366, "height": 768}


def test_the_lead_and_complaint_pages_read_as_business_chinese_on_a_laptop(
        server: Server, browser: object, artifacts: Path) -> None:  # noqa: F811
    with server.client() as api:
        _, lead = chat_script(api, HOT_LEAD)
        _, complaint = chat_script(api, URGENT_COMPLAINT)
    reference, ticket = lead["data"]["reference"], complaint["data"]["ticket"]
    page = browser.new_page(viewport=LAPTOP, locale="zh-CN")  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    page.goto(server.url + "/console/login")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORDS["bob"])
    page.click("#login")
    page.fill("input[name=reference]", reference[-6:])
    page.get_by_role("button", name="筛选").click()
    assert page.locator("#leads tbody tr").count() == 1
    page.locator("#leads td.reference a").click()
    assert page.locator("#reference").inner_text() == reference
    assert page.url.endswith(f"/console/leads/{lead['data']['lead']}")
    page.click("#claim")
    page.get_by_text("已保存").wait_for()
    page.select_option("select[name=outcome]", label="已接通-有意向")
    page.fill("input[name=note]", "客户下周三来行面谈")
    page.click("#record-call")
    page.get_by_text("已保存").wait_for()
    assert page.locator("#call-outcome").inner_text() == "已接通-有意向"
    assert page.locator("#amount").inner_text() == "300万元"
    slots = page.locator("#slots").inner_text()
    assert "房产或土地抵押" in slots and "高新技术企业" in slots and "mortgage" not in slots
    assert "登记通话结果" in page.locator("#history").inner_text()
    assert blocking_violations(page) == []
    page.screenshot(path=str(artifacts / "console-lead-labels.png"), full_page=True)

    page.goto(server.url + f"/console/complaints/{ticket}")
    page.click("#claim")
    page.get_by_text("已保存").wait_for()
    assert [b.inner_text() for b in page.locator("button.next-status").all()] == ["改为处理中"]
    facts = page.locator("#facts").inner_text()
    assert "5万元" in facts and "网银或手机银行" in facts and "查清原因并退回资金" in facts
    assert blocking_violations(page) == []
    page.screenshot(path=str(artifacts / "console-complaint-labels.png"), full_page=True)
    page.close()
