"""Complaint status for the client: found by ticket number plus the mobile on the ticket.

The pair is the client's proof that the ticket is theirs (it may have been lodged by phone or in
another session); a wrong pair is answered exactly like a missing ticket, so the lookup cannot be
used to learn which numbers exist. What is said — status, due date, extensions and their reason —
is computed here from the ticket, never generated.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.store.models import ComplaintTicket

STATUS_LABELS = {
    "registered": {"zh": "已登记，等待处理", "en": "registered, waiting to be handled"},
    "in_progress": {"zh": "处理中", "en": "being handled"},
    "resolved": {"zh": "已处理，等待您确认", "en": "handled, waiting for your confirmation"},
    "closed": {"zh": "已办结", "en": "closed"},
    "withdrawn": {"zh": "已撤销", "en": "withdrawn"},
}


def lookup(db: Session, number: str, mobile: str) -> ComplaintTicket | None:
    digits = re.sub(r"\D", "", mobile)[-11:]
    ticket = db.scalar(select(ComplaintTicket).where(ComplaintTicket.number == number.upper()))
    if ticket is None or re.sub(r"\D", "", ticket.mobile)[-11:] != digits:
        return None
    return ticket


def _day(moment: datetime, timezone: ZoneInfo) -> str:
    return moment.astimezone(timezone).strftime("%Y-%m-%d")


def status_text(ticket: ComplaintTicket, lang: str, timezone: ZoneInfo) -> str:
    status = STATUS_LABELS.get(ticket.status, {"zh": ticket.status, "en": ticket.status})[lang]
    received = _day(ticket.received_at, timezone)
    due = _day(ticket.extended_due_at or ticket.due_at, timezone)
    days = (ticket.extended_due_at - ticket.received_at).days if ticket.extended_due_at else 15
    open_ = ticket.status not in ("closed", "withdrawn")
    if lang == "en":
        lines = [f"Ticket {ticket.number}: {status}.", f"Received on {received}."]
        if ticket.extended_due_at:
            lines.append(f"The deadline was extended to {days} days: we will tell you the outcome by {due}. "
                         f"Reason: {ticket.extension_reason or '—'}.")
        elif open_:
            lines.append(f"We will tell you the outcome within 15 days, by {due}.")
        if open_:
            lines.append("If you disagree with the outcome you can ask for a review or call the complaint hotline "
                         "12378.")
        return "\n".join(lines)
    lines = [f"工单 {ticket.number}：{status}。", f"受理日期：{received}。"]
    if ticket.extended_due_at:
        lines.append(f"处理期限已延长至{days}日，将在 {due} 前告知处理结果。"
                     f"延长原因：{ticket.extension_reason or '—'}。")
    elif open_:
        lines.append(f"我们将在15日内（{due} 前）告知处理结果。")
    if open_:
        lines.append("如对处理结果有异议，可申请复核，也可拨打银行业保险业消费者投诉热线12378。")
    return "\n".join(lines)


def not_found_text(number: str, lang: str) -> str:
    if lang == "en":
        return (f"I couldn't find ticket {number} with that mobile number. Please check both, or reply \"human\" "
                "and a member of staff will help.")
    return f"没有找到与该手机号对应的工单 {number}，请核对工单号和手机号，或回复“转人工”由工作人员为您查询。"


def extension_notice(ticket: ComplaintTicket, lang: str, timezone: ZoneInfo) -> str:
    """What the client must be told when staff extend the deadline (the reply at registration promises it).

    Hook for the staff-to-client path (issue 11): whoever sends staff messages to the client's channel
    sends this text after ``extend_ticket``; it is built from the stored ticket, so it always states the
    new instant and the recorded reason.
    """
    assert ticket.extended_due_at is not None, "only an extended ticket has an extension notice"
    due = _day(ticket.extended_due_at, timezone)
    days = (ticket.extended_due_at - ticket.received_at).days
    if lang == "en":
        return (f"About your complaint {ticket.number}: it needs more time, so the deadline is extended to {days} "
                f"days. We will tell you the outcome by {due}. Reason: {ticket.extension_reason}.")
    return (f"关于您的投诉 {ticket.number}：因{ticket.extension_reason}，处理期限延长至{days}日，"
            f"我们将在 {due} 前告知处理结果。")
