"""Slot filling from free text (assistant/flows/fill.py), complaint status and the extension notice."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from assistant.complaints import status
from assistant.complaints.tickets import Complainant, extend_ticket, register_ticket
from assistant.dialogue.actions import lead_reference
from assistant.flows import load_flows
from assistant.flows.fill import fill, misread
from assistant.validators import ValidationContext, get_validator

FLOWS = load_flows()
MONDAY = date(2026, 11, 23)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def values(flow: str, text: str, **kwargs: Any) -> dict[str, Any]:
    return {slot: v.value for slot, v in fill(FLOWS[flow], text, MONDAY, **kwargs).items()}


def test_one_sentence_fills_amount_purpose_and_collateral() -> None:
    assert values("lead", "想贷300万扩产，有厂房可以抵押") == {
        "amount": "3000000.00", "purpose": "扩产", "collateral": "mortgage"}


def test_revenue_years_and_term_are_told_apart_by_their_cues() -> None:
    got = values("lead", "我们做进出口6年了，去年营收2000万左右，想贷200万进货，期限一年，没有抵押物")
    assert got["years_trading"] == 6.0 and got["annual_revenue"] == "20000000.00"
    assert got["amount"] == "2000000.00" and got["term_months"] == 12 and got["collateral"] == "credit"
    assert got["industry"] == "进出口" and got["purpose"] == "进货"


def test_the_amount_asked_for_beats_an_earlier_uncued_one() -> None:
    assert values("lead", "订单850万，想融500万备货")["amount"] == "5000000.00"


def test_mobile_company_code_and_a_name_with_title_come_out_of_one_line() -> None:
    got = values("lead", "公司全称苏州恒润精密制造有限公司，统一社会信用代码9132050568124793XK，"
                         "法人张卫东张董，电话18626112233")
    assert got["company"] == "苏州恒润精密制造有限公司" and got["credit_code"] == "9132050568124793XK"
    assert got["contact_name"] == "张卫东" and got["mobile"] == "18626112233"
    assert "business_channel" not in values("complaint", "电话18626112233")  # 电话 named the number, not the channel


def test_a_place_fills_the_region_only_when_the_clause_is_the_place() -> None:
    assert values("lead", "在宁波北仑")["region"] == "宁波北仑"
    assert values("lead", "嘉兴")["region"] == "嘉兴"  # the segmenter alone reads 嘉兴 as a person's name
    assert "region" not in values("lead", "温州小商品商行")


def test_a_form_of_address_is_kept_only_when_no_full_name_is_given() -> None:
    assert values("lead", "李经理，李明，手机15157112233")["contact_name"] == "李明"
    assert values("lead", "王女士，13700001111")["contact_name"] == "王女士"
    assert values("lead", "联系我们财务刘经理就行，刘芳")["contact_name"] == "刘芳"


def test_a_complaint_sentence_gives_channel_fee_date_and_amount() -> None:
    got = values("complaint", "上周五你们手机银行扣了我们公司380块的账户管理费，我从来没同意过，我要投诉", opening=True)
    assert got["business_channel"] == "online" and got["fee_type"] == "account_management"
    assert got["occurred_on"] == "2026-11-20" and got["amount"] == "380.00" and got["category"] == "fees"
    assert got["description"].startswith("上周五")
    english = values("complaint", "On November 15 your mobile banking app charged us a 50 yuan SMS fee.")
    assert english["occurred_on"] == "2026-11-15" and english["fee_type"] == "sms" and english["amount"] == "50.00"


def test_skipped_slots_are_not_filled_again_and_a_bad_check_character_is_reported() -> None:
    assert "amount" not in values("lead", "想贷300万", skip={"amount"})
    wrong = misread(FLOWS["lead"], "信用代码913301067238154654", MONDAY)
    assert [(step.slot, hint) for step, hint in wrong] == [("credit_code", "credit_code_check")]


@pytest.mark.parametrize(("said", "name"), [
    ("王建国，王总", "王建国"), ("张卫东张董", "张卫东"), ("刘经理 刘芳", "刘芳"),
    ("Mr. David Chen, CFO", "David Chen"),
    ("我是财务刘芳", "刘芳"), ("王女士", "王女士")])
def test_names_with_titles_and_roles_are_accepted(said: str, name: str) -> None:
    assert get_validator("person_name")(said, ValidationContext(today=MONDAY)).value == name


def test_a_question_is_not_a_yes() -> None:
    result = get_validator("yes_no")("科技贷的利率是多少？", ValidationContext(today=MONDAY))
    assert not hasattr(result, "value")


def test_the_lead_reference_carries_the_local_day_and_the_id() -> None:
    assert lead_reference(42, datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI)) == "XS-20261201-000042"


# complaint status ----------------------------------------------------------------------------------
def test_status_needs_the_tickets_mobile_and_tells_due_date_and_extension(sessions: sessionmaker[Session]) -> None:
    received = datetime(2026, 10, 9, 23, 30, tzinfo=SHANGHAI).astimezone(UTC)  # late evening: local date 10-09
    mobile = f"139{uuid.uuid4().int % 10**8:08d}"
    slots = {"contact_name": "张伟", "mobile": mobile, "description": "被扣了200元年费", "request": "退还"}
    with sessions.begin() as db:
        ticket = register_ticket(db, Complainant("test", f"u-{uuid.uuid4().hex[:8]}", None), slots, [], received,
                                 received.astimezone(SHANGHAI))
        number = ticket.number
    with sessions.begin() as db:
        assert status.lookup(db, number, "13000000000") is None  # a wrong mobile learns nothing
        found = status.lookup(db, number.lower(), f"+86 {mobile}")
        assert found is not None
        told = status.status_text(found, "zh", SHANGHAI)
        assert "已登记" in told and "2026-10-24 前" in told and "受理日期：2026-10-09" in told
        extend_ticket(db, found, 30, "需调取网点监控核实", "staff:test", received + timedelta(days=5))
    with sessions() as db:
        found = status.lookup(db, number, mobile)
        assert found is not None
        told = status.status_text(found, "en", SHANGHAI)
        assert "extended to 30 days" in told and "2026-11-08" in told and "需调取网点监控核实" in told
        notice = status.extension_notice(found, "zh", SHANGHAI)
        assert number in notice and "30日" in notice and "2026-11-08 前" in notice


def test_console_labels_are_business_language() -> None:
    from assistant import labels

    assert labels.value_label("collateral", "mortgage") == "房产或土地抵押"
    assert labels.value_label("labels", ["high_tech"]) == "高新技术企业"
    assert labels.value_label("consent", True) == "同意"
    assert labels.value_label("amount", "3000000.00") == "300万元"
    assert labels.value_label("annual_revenue", "180000000.00") == "1.8亿元"
    assert labels.value_label("fee_type", "sms") == "短信服务费"
    assert labels.slot_label("collateral") == "担保方式"
    assert labels.label(labels.CHECKS, "buyer_is_applicant") == "购买方为申请企业"
    assert labels.label(labels.EVENTS, "lead_submitted") == "线索已提交"
    assert labels.label(labels.EVENTS, "something_new") == "something_new"  # unknown codes are not hidden


def test_a_ticket_cannot_skip_its_decision() -> None:
    from assistant.complaints.transitions import may_move

    assert may_move("registered", "in_progress") and may_move("resolved", "closed")
    assert not may_move("registered", "closed") and not may_move("withdrawn", "in_progress")
