"""Business-language labels for what staff see: slots, values, codes, checks and events, in Chinese.

A pure mapping (no database, no I/O beyond reading the flow files once): the console and exports
turn ``collateral: mortgage``, ``labels: ['high_tech']``, ``consent: True``, ``3000000.00``,
``buyer_is_applicant`` or ``lead_submitted`` into 房产或土地抵押, 高新技术企业, 同意, 300万元,
购买方为申请企业, 线索已提交. Unknown codes come back as they are, so nothing is hidden.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from assistant.validators.choices import LABELS as ENTERPRISE_LABELS
from assistant.validators.quantities import money_display

TIERS = {
    "hot": "高意向", "warm": "中意向", "nurture": "培育", "self_service": "自助",
}
LEAD_STATUSES = {
    "new": "待认领", "assigned": "已认领", "contacted": "已联系", "qualified": "合格", "rejected": "已拒绝",
}
TICKET_STATUSES = {
    "registered": "已登记", "in_progress": "处理中", "resolved": "已处理", "closed": "已办结",
    "withdrawn": "已撤销",
}
URGENT_REASONS = {
    "regulator": "已向监管反映（12378等）", "media": "提及媒体曝光", "legal": "提及律师或诉讼",
    "fraud": "未经授权扣款或欺诈", "data_leak": "个人信息泄露", "anger": "情绪激动", "repeat": "半年内重复投诉",
}
CHECK_STATUSES = {
    "pass": "通过", "warn": "需人工复核", "fail": "不通过",
}
CHECKS = {
    "fields_present": "必要字段齐全", "code_format": "发票代码与号码格式", "issue_date": "开票日期",
    "credit_code": "统一社会信用代码校验", "total_sum": "金额与税额合计", "tax_rate": "税率",
    "amount_in_words": "大写金额一致", "total_in_words": "价税合计大写一致", "line_items_sum": "明细金额合计",
    "buyer_not_seller": "购买方与销售方不同", "buyer_is_applicant": "购买方为申请企业",
    "ocr_confidence": "识别清晰度", "parties": "合同双方", "parties_distinct": "合同双方不同",
    "party_a_credit_code": "甲方信用代码校验", "party_b_credit_code": "乙方信用代码校验",
    "signing_date": "签订日期", "term": "合同期限", "key_clauses": "关键条款", "blanks": "无空白待填项",
    "seal": "盖章", "established_date": "成立日期",
}
EVENTS = {
    "lead_submitted": "线索已提交", "lead_claimed": "线索已认领", "lead_assigned": "线索已分派",
    "lead_contacted": "已联系客户", "lead_qualified": "线索合格", "lead_rejected": "线索已拒绝",
    "lead_viewed": "查看线索", "leads_listed": "查看线索列表", "complaint_registered": "投诉已登记",
    "complaint_claimed": "投诉已认领", "complaint_status": "投诉状态变更", "complaint_extended": "处理期限已延长",
    "complaint_withdrawn": "客户撤销投诉", "complaint_viewed": "查看投诉", "complaints_listed": "查看投诉列表",
    "complaint_status_told": "客户自助查询进度", "staff_saved": "员工账号变更", "registered": "已登记",
    "claimed": "已认领", "in_progress": "处理中", "resolved": "已处理", "closed": "已办结", "withdrawn": "已撤销",
    "extended_30d": "延期至30日", "extended_60d": "延期至60日",
}
_MONEY_SLOTS = {"amount", "annual_revenue"}
_YES_NO = {True: "同意", False: "不同意"}


@lru_cache(maxsize=1)
def _flows() -> dict[str, Any]:
    from assistant.flows import load_flows

    return load_flows()


def slot_label(slot: str) -> str:
    for spec in _flows().values():
        for step in spec.steps:
            if step.slot == slot:
                return step.label.zh
    return {"reference": "线索编号"}.get(slot, slot)


def money(value: Any) -> str:
    """3000000.00 → 300万元; what cannot be read as an amount is shown as given."""
    try:
        return money_display(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def value_label(slot: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if slot in _MONEY_SLOTS:
        return money(value)
    if isinstance(value, bool):
        return _YES_NO[value]
    if slot == "labels" and isinstance(value, list):
        return "、".join(ENTERPRISE_LABELS[v][0] if v in ENTERPRISE_LABELS else str(v) for v in value) or "无"
    if slot == "years_trading":
        return f"{Decimal(str(value)).normalize():f}年"
    if slot == "term_months":
        return f"{value}个月"
    if slot == "tax_credit_grade":
        return "不清楚" if value == "unknown" else f"{value}级"
    for spec in _flows().values():
        for step in spec.steps:
            if step.slot == slot and step.choices:
                return next((c.zh for c in step.choices if c.value == value), str(value))
    return str(value)


def facts(slots: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) for every slot a client gave, in business language, in the flows' order."""
    return [(slot_label(slot), value_label(slot, value)) for slot, value in slots.items()]


def label(table: dict[str, str], code: str | None) -> str:
    """A code from one of the tables above; an unknown code is shown as it is."""
    return "—" if code is None else table.get(code, code)
