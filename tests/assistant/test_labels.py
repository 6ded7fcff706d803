"""What staff read is business Chinese: amounts as a banker says them, and a name for every code.

``assistant.labels.money`` is the one way the console writes an amount (leads, complaints, the
dashboard, document fields). It counts in 万 and 亿 when the figure is round and falls back to
yuan with thousands separators, computed in Decimal so 0.1 + 0.2 never shows as 0.30000000000000004.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant import labels


@pytest.mark.parametrize(("amount", "shown"), [
    (3000000, "300万元"),                   # the lead's 300万 as the client said it
    ("3000000.00", "300万元"),              # as the Numeric(18, 2) column and the slots keep it
    (1250000, "125万元"),
    (12000, "1.2万元"),
    (180000000, "1.8亿元"),                 # whole millions above 1亿 are counted in 亿
    (123450000, "12345万元"),               # not a whole million: stays in 万
    (8500.5, "8,500.50元"),                 # under 1万: yuan, two decimals, thousands separator
    (Decimal("10000.50"), "10,000.50元"),   # not whole hundreds: yuan, not 1.00005万元
    (Decimal("12345.675"), "12,345.68元"),  # rounded half up to the fen
    (0, "0.00元"),
    (-50000, "-5万元"),                     # a refund or reversal keeps its sign
])
def test_amounts_are_written_in_wan_and_yi_when_round_and_in_yuan_otherwise(amount: object, shown: str) -> None:
    assert labels.money(amount) == shown  # type: ignore[arg-type]


def test_money_never_calculates_in_float() -> None:
    assert labels.money(0.1 + 0.2) == "0.30元"
    assert labels.money("1,250,000") == "125万元"  # figures typed with separators are read too


def test_what_is_not_an_amount_is_shown_as_given_and_nothing_is_shown_as_a_dash() -> None:
    assert labels.money("约三百万") == "约三百万"
    assert labels.money(None) == "—" and labels.money("") == "—"


def test_slots_of_a_lead_read_as_business_language() -> None:
    facts = dict(labels.facts({"amount": "3000000.00", "collateral": "mortgage", "labels": ["high_tech"],
                               "consent": True, "term_months": 12, "reference": "XS-20261201-000001"}, flow="lead"))
    assert facts == {"融资金额": "300万元", "担保方式": "房产或土地抵押", "企业资质": "高新技术企业",
                     "同意联系": "同意", "期限": "12个月", "线索编号": "XS-20261201-000001"}


def test_complaint_slots_checks_fields_outcomes_and_events_have_chinese_names() -> None:
    assert labels.value_label("business_channel", "online") == "网银或手机银行"
    assert labels.value_label("business_type", "loan") == "贷款"
    assert labels.value_label("category", "fees") == "收费或扣费"
    assert labels.check_name({"name": "total_in_words", "status": "pass"}) == "价税合计大写一致"
    assert labels.label(labels.FIELDS, "buyer_tax_id") == "购买方纳税人识别号"
    assert labels.field_value("total_amount", {"value": "8500.50"}) == "8,500.50元"
    assert labels.label(labels.CALL_OUTCOMES, "wrong_number") == "号码错误"
    assert labels.label(labels.TICKET_STATUSES, "closed") == "已办结"
    assert labels.label(labels.EVENTS, "lead_call_logged") == "登记通话结果"


def test_a_slot_is_named_as_its_own_flow_names_it() -> None:
    assert labels.slot_label("amount", "lead") == "融资金额"
    assert labels.slot_label("amount", "complaint") == "涉及金额"


def test_the_facts_handed_over_to_a_person_name_their_flow() -> None:
    assert labels.slot_label("flow") == "办理事项" and labels.value_label("flow", "complaint") == "投诉登记"
    assert labels.value_label("amount", "300万元", "lead") == "300万元"  # already written for people: kept


def test_the_scorecard_ratio_reads_as_a_percentage_and_actors_by_name() -> None:
    assert labels.value_label("amount_to_revenue", 0.15, "lead") == "15%"
    assert labels.actor("bot") == "助手" and labels.actor("staff:alice") == "alice"
