"""Business-language labels for what staff see: slots, values, codes, checks and events, in Chinese.

A pure mapping (no database, no I/O beyond reading the flow files once): the console and exports
turn ``collateral: mortgage``, ``labels: ['high_tech']``, ``consent: True``, ``3000000.00``,
``buyer_is_applicant`` or ``lead_submitted`` into 房产或土地抵押, 高新技术企业, 同意, 300万元,
购买方为申请企业, 线索已提交. Unknown codes come back as they are, so nothing is hidden.
Every amount staff see is written by ``money`` (Decimal arithmetic only).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from assistant.catalogue import DOC_TYPES as _DOC_TYPES
from assistant.validators.choices import LABELS as ENTERPRISE_LABELS

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
    "seal": "盖章", "established_date": "成立日期", "duplicate": "是否重复提交", "applicant": "申请企业为当事方",
    "qr_match": "二维码与票面一致",
}
DOC_TYPES = {code: text["zh"] for code, text in _DOC_TYPES.items()}
VERDICTS = {"pass": "未发现问题", "review": "需人工复核", "fail": "发现问题", "unchecked": "未核验"}
FIELDS = {
    "invoice_type": "发票类型", "invoice_code": "发票代码", "invoice_number": "发票号码", "issue_date": "开票日期",
    "check_code": "校验码", "buyer_name": "购买方名称", "buyer_tax_id": "购买方纳税人识别号",
    "seller_name": "销售方名称", "seller_tax_id": "销售方纳税人识别号", "amount": "金额", "tax_amount": "税额",
    "tax_rate": "税率", "total_amount": "价税合计", "total_amount_cn": "价税合计（大写）", "amount_cn": "金额（大写）",
    "line_items": "货物或服务明细", "contract_number": "合同编号", "party_a": "甲方", "party_b": "乙方",
    "signing_date": "签订日期", "term_start": "期限起始", "term_end": "期限截止", "name": "名称",
    "credit_code": "统一社会信用代码", "legal_representative": "法定代表人", "registered_capital": "注册资本",
    "address": "住所", "established_date": "成立日期",
}
MONEY_FIELDS = {"amount", "tax_amount", "total_amount", "registered_capital"}
CALL_OUTCOMES = {
    "connected_interested": "已接通-有意向", "connected_not_interested": "已接通-无意向",
    "no_answer": "未接通", "wrong_number": "号码错误",
}
ROLES = {"agent": "客户经理", "supervisor": "主管", "admin": "管理员"}
CHANNELS = {"web": "网页", "api": "接口", "wechat": "微信", "cli": "终端"}
EVENTS = {
    "lead_submitted": "线索已提交", "lead_claimed": "线索已认领", "lead_assigned": "线索已分派",
    "lead_contacted": "已联系客户", "lead_qualified": "线索合格", "lead_rejected": "线索已拒绝",
    "lead_viewed": "查看线索", "leads_listed": "查看线索列表", "complaint_registered": "投诉已登记",
    "complaint_claimed": "投诉已认领", "complaint_status": "投诉状态变更", "complaint_extended": "处理期限已延长",
    "complaint_withdrawn": "客户撤销投诉", "complaint_viewed": "查看投诉", "complaints_listed": "查看投诉列表",
    "complaint_status_told": "客户自助查询进度", "staff_saved": "员工账号变更", "registered": "已登记",
    "claimed": "已认领", "in_progress": "处理中", "resolved": "已处理", "closed": "已办结", "withdrawn": "已撤销",
    "extended_30d": "延期至30日", "extended_60d": "延期至60日", "refused": "操作未执行",
    "lead_claim": "认领线索", "lead_qualify": "判定合格",
    "lead_reject": "判定拒绝", "lead_assign": "分派线索", "lead_call": "登记通话结果",
    "lead_call_logged": "登记通话结果", "complaint_claim": "认领投诉", "complaint_extend": "申请或批准延期",
    "complaint_extension_requested": "申请延期", "complaint_extension_approved": "批准延期",
    "extension_requested": "申请延期", "dashboard_viewed": "查看统计", "logout": "退出登录",
}
_MONEY_SLOTS = {"amount", "annual_revenue"}
_YES_NO = {True: "同意", False: "不同意"}


@lru_cache(maxsize=1)
def _flows() -> dict[str, Any]:
    from assistant.flows import load_flows

    return load_flows()


def _specs(flow: str | None) -> list[Any]:
    """The named flow's spec first: ``amount`` is 融资金额 in the lead flow and 涉及金额 in a complaint."""
    flows = _flows()
    return [flows[flow], *(s for name, s in flows.items() if name != flow)] if flow in flows else list(flows.values())


def slot_label(slot: str, flow: str | None = None) -> str:
    for spec in _specs(flow):
        for step in spec.steps:
            if step.slot == slot:
                return step.label.zh
    return {"reference": "线索编号", "flow": "办理事项", "ticket_number": "工单号"}.get(slot, slot)


_WAN, _YI, _CENT = Decimal(10**4), Decimal(10**8), Decimal("0.01")


def money(value: Decimal | int | str | None) -> str:
    """An amount in yuan as a banker says it: 3000000 → 300万元, 1250000 → 125万元,
    180000000 → 1.8亿元, 8500.5 → 8,500.50元. Whole hundreds from 1万 up are counted in 万 and whole
    millions from 1亿 up in 亿; anything else is yuan with thousands separators and two decimals.
    Computed in Decimal (a float is read through its shortest text, never calculated with);
    what is not an amount is shown as given."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    sign, amount = ("-" if amount < 0 else ""), abs(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    if amount >= _YI and amount % (_YI / 100) == 0:
        return f"{sign}{(amount / _YI).normalize():f}亿元"
    if amount >= _WAN and amount % 100 == 0:
        return f"{sign}{(amount / _WAN).normalize():f}万元"
    return f"{sign}{amount:,.2f}元"


def value_label(slot: str, value: Any, flow: str | None = None) -> str:
    if value is None or value == "":
        return "—"
    if slot in _MONEY_SLOTS:
        return money(value)
    if isinstance(value, bool):
        return _YES_NO[value]
    if slot == "labels" and isinstance(value, list):
        return "、".join(ENTERPRISE_LABELS[v][0] if v in ENTERPRISE_LABELS else str(v) for v in value) or "无"
    if slot == "reference":
        return str(value)
    if slot == "flow" and value in _flows():
        return _flows()[value].title.zh
    if slot == "amount_to_revenue":  # the scorecard's ratio of the amount asked to last year's revenue
        return f"{(Decimal(str(value)) * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    if slot == "years_trading":
        return f"{Decimal(str(value)).normalize():f}年"
    if slot == "term_months":
        return f"{value}个月"
    if slot == "tax_credit_grade":
        return "不清楚" if value == "unknown" else f"{value}级"
    for spec in _specs(flow):
        for step in spec.steps:
            if step.slot == slot and step.choices:
                return next((c.zh for c in step.choices if c.value == value), str(value))
    return str(value)


def facts(slots: dict[str, Any], flow: str | None = None) -> list[tuple[str, str]]:
    """(label, value) for every slot a client gave in ``flow``, in business language, in the order given."""
    return [(slot_label(slot, flow), value_label(slot, value, flow)) for slot, value in slots.items()]


def label(table: dict[str, str], code: str | None) -> str:
    """A code from one of the tables above; an unknown code is shown as it is."""
    return "—" if code is None else table.get(code, code)


def actor(who: str | None) -> str:
    """Who did it, as the audit log writes it: ``bot`` → 助手, ``staff:alice`` → alice, ``system`` → 系统."""
    if not who:
        return "—"
    return {"bot": "助手", "system": "系统", "client": "客户"}.get(who, who.removeprefix("staff:"))


def field_value(name: str, value: Any) -> str:
    """A recognised document field: amounts through ``money``, line items counted, the rest as read."""
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if value is None or value == "":
        return "—"
    if name in MONEY_FIELDS:
        return money(value)
    if isinstance(value, list):
        return f"{len(value)}项"
    return str(value)


def check_name(check: dict[str, Any]) -> str:
    """The Chinese name of an OCR check row (``name`` or ``check`` is its code)."""
    code = str(check.get("name") or check.get("check") or "")
    return label(CHECKS, code)
