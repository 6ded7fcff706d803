"""What happens when a flow completes: register a ticket, hand over a lead, withdraw a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from assistant.calendar import BusinessCalendar
from assistant.complaints import status
from assistant.complaints.tickets import Complainant, register_ticket, withdraw_ticket
from assistant.dialogue.messages import LeadSubmitted, Reply, TicketRegistered
from assistant.flows.state import FlowProgress
from assistant.leads.products import ProductMatcher
from assistant.leads.scorecard import LeadScore, Scorecard
from assistant.privacy import client_urgent, mask_mobile
from assistant.store.models import AuditLog, Conversation, Lead

PERSONAL_SLOTS = ("company", "credit_code", "contact_name", "mobile")


@dataclass
class FlowActions:
    scorecard: Scorecard
    products: ProductMatcher
    calendar: BusinessCalendar
    timezone: ZoneInfo
    hotline: str

    def run(self, name: str, db: Session, conversation: Conversation, state: FlowProgress,
            now: datetime) -> Reply:
        return getattr(self, name)(db, conversation, state, now)

    def _local(self, moment: datetime) -> str:
        return moment.astimezone(self.timezone).strftime("%Y-%m-%d %H:%M")

    # complaints -------------------------------------------------------------------------------
    def register_complaint(self, db: Session, conversation: Conversation, state: FlowProgress,
                           now: datetime) -> Reply:
        if state.slots.get("notice") is False:  # the notice was refused: nothing is kept or registered
            state.slots.clear()
            state.display.clear()
            text = (f"好的，未经您同意我们不会记录您的信息。您也可以拨打{self.hotline}或到网点提出投诉。"
                    if state.lang == "zh" else "Understood — nothing is kept without your agreement. You can also "
                    f"complain on {self.hotline} or at a branch.")
            return Reply(text, route="complaint", language=state.lang, data={"ticket": None})
        who = Complainant(conversation.channel, conversation.user_id, conversation.id)
        ticket = register_ticket(db, who, state.slots, state.urgent, now,
                                 now.astimezone(self.timezone))
        lang = state.lang
        due = self._local(ticket.due_at)[:10]
        mobile = mask_mobile(ticket.mobile)
        # "Repeat" is known from other tickets with this mobile or credit code: saying so would tell
        # anyone who types a number whether its owner complained before. Staff still see it.
        urgent = client_urgent(ticket.urgent_reasons)
        if lang == "en":
            lines = [f"Your complaint is registered. Ticket number: {ticket.number}.",
                     f"Received: {self._local(now)}. We will give you our decision within 15 days (by {due}); "
                     "complex cases may be extended to 30 or 60 days and we will tell you why.",
                     f"The complaint handler will contact you on {mobile}."]
            if urgent:
                lines.append("It has been flagged as urgent; a member of staff will contact you as soon as possible.")
            lines.append("If you disagree with the outcome you can ask for a review, or call the banking and insurance "
                         "consumer complaint hotline 12378 or contact your local financial regulator.")
        else:
            lines = [f"您的投诉已登记，工单号：{ticket.number}。",
                     f"受理时间：{self._local(now)}。我们将在15日内（{due} 前）告知处理结果；"
                     "情况复杂的可能延长至30日或60日，届时会告知延长原因。",
                     f"投诉处理人员将通过 {mobile} 与您联系。"]
            if urgent:
                lines.append("您的投诉已标记为加急，工作人员会尽快与您联系。")
            lines.append("如对处理结果有异议，可申请复核，也可拨打银行业保险业消费者投诉热线12378，或向当地金融监管部门反映。")
        return Reply("\n".join(lines), route="complaint", language=lang,
                     data={"ticket": ticket.number, "urgent": urgent, "due_at": ticket.due_at.isoformat()},
                     events=[TicketRegistered(ticket.number, ticket.urgent, ticket.due_at)])

    def withdraw_complaint(self, db: Session, conversation: Conversation, state: FlowProgress,
                           now: datetime) -> Reply:
        who = Complainant(conversation.channel, conversation.user_id, conversation.id)
        number, lang = state.slots["ticket_number"], state.lang
        ticket = withdraw_ticket(db, number, who, state.slots.get("reason") or "客户撤回", now,
                                 mobile=state.slots.get("mobile"))
        if ticket is None:
            text = (f"没有找到您名下可撤销的工单 {number}，请核对工单号，或回复“转人工”。" if lang == "zh" else
                    f"I couldn't find an open ticket {number} of yours; please check the number or reply \"human\".")
            return Reply(text, route="withdraw_complaint", language=lang, data={"withdrawn": None})
        text = (f"工单 {number} 已撤销。如问题再次出现，随时可以重新投诉。" if lang == "zh" else
                f"Ticket {number} is withdrawn. You can complain again at any time.")
        return Reply(text, route="withdraw_complaint", language=lang, data={"withdrawn": number})

    def complaint_status(self, db: Session, conversation: Conversation, state: FlowProgress,
                         now: datetime) -> Reply:
        number, lang = state.slots["ticket_number"], state.lang
        ticket = status.lookup(db, number, state.slots["mobile"])
        if ticket is None:
            return Reply(status.not_found_text(number, lang), route="complaint_status", language=lang,
                         data={"ticket": None})
        db.add(AuditLog(at=now, actor="bot", action="complaint_status_told", entity_type="complaint_ticket",
                        entity_id=ticket.number, detail={"conversation": conversation.id}))
        due = ticket.extended_due_at or ticket.due_at
        return Reply(status.status_text(ticket, lang, self.timezone), route="complaint_status", language=lang,
                     data={"ticket": ticket.number, "status": ticket.status, "due_at": due.isoformat()})

    # leads ------------------------------------------------------------------------------------
    def submit_lead(self, db: Session, conversation: Conversation, state: FlowProgress, now: datetime) -> Reply:
        slots, lang = state.slots, state.lang
        score = self.scorecard.score(slots)
        suggestions = self.products.suggest(slots)
        citations = [s.citation for s in suggestions if s.citation]
        names = "、".join(s.name for s in suggestions)
        if slots.get("consent") is False:
            # No consent: nothing is handed over, and the personal details are not kept in the flow state.
            for key in PERSONAL_SLOTS:
                state.slots.pop(key, None)
                state.display.pop(key, None)
            text = ("好的，您的信息不会提供给客户经理。" if lang == "zh" else
                    "Understood — your details will not be passed to a relationship manager. ")
            text += self._self_service(lang, names)
            return Reply(text, citations=citations, route="lead", language=lang,
                         data={"lead": None, "knocked_out": score.knocked_out,
                               "products": [s.name for s in suggestions]})
        lead = Lead(conversation_id=conversation.id, channel=conversation.channel, user_id=conversation.user_id,
                    company=slots["company"], credit_code=slots.get("credit_code"),
                    contact_name=slots["contact_name"], mobile=slots["mobile"],
                    amount=Decimal(slots["amount"]) if slots.get("amount") else None, slots=slots,
                    score=score.score, tier=score.tier, score_breakdown=score.to_json(),
                    knocked_out=score.knocked_out, products=[s.to_json() for s in suggestions], consent_at=now,
                    status="new" if score.queued else "rejected", sla_due_at=self._sla_due(score, now),
                    created_at=now)
        db.add(lead)
        db.flush()
        # The client's reference for this request (quoted on the phone): its own unique column, which
        # staff search by, and the same value kept with the lead's facts.
        reference = lead_reference(lead.id, now.astimezone(self.timezone))
        lead.reference, lead.slots = reference, {**slots, "reference": reference}
        db.add(AuditLog(at=now, actor="bot", action="lead_submitted", entity_type="lead", entity_id=str(lead.id),
                        detail={"tier": score.tier, "score": score.score, "knocked_out": score.knocked_out,
                                "reference": reference}))
        data = {"lead": lead.id, "reference": reference, "tier": score.tier, "score": score.score,
                "knocked_out": score.knocked_out,
                "products": [s.name for s in suggestions],
                "sla_due_at": lead.sla_due_at.isoformat() if lead.sla_due_at else None}
        submitted = LeadSubmitted(lead.id, score.tier, score.score, tuple(data["products"]), lead.sla_due_at)
        if score.knocked_out:
            text = (f"感谢您的信息。按本行规定，{score.knocked_out}的企业暂不能通过线上受理融资申请，"
                    f"如有疑问可拨打{self.hotline}。" if lang == "zh" else
                    f"Thank you. Under our rules we cannot take an online financing request in this case "
                    f"({score.knocked_out}); please call {self.hotline} with any questions.")
            return Reply(text, route="lead", language=lang, data=data, events=[submitted])
        text = self._products_line(lang, names)
        if score.queued and lead.sla_due_at is not None:
            mobile = mask_mobile(lead.mobile)
            due = self._local(lead.sla_due_at)
            text += (f"您的融资需求已提交（编号 {reference}），本行客户经理将在 {due} 前通过 {mobile} 联系"
                     f"{lead.contact_name}。" if lang == "zh" else
                     f"Your request is submitted (reference {reference}); a relationship manager will call "
                     f"{lead.contact_name} on {mobile} by {due}.")
        else:
            text += (f"您的需求已记录（编号 {reference}）。" if lang == "zh" else
                     f"Your request is recorded (reference {reference}). ")
            text += self._self_service(lang, "")
        return Reply(text, citations=citations, route="lead", language=lang, data=data, events=[submitted])

    def _sla_due(self, score: LeadScore, now: datetime) -> datetime | None:
        """The callback deadline in UTC: business hours are counted on the bank's clock, the instant
        is stored and compared in UTC (a local time stored as-is was eight hours off on SQLite)."""
        local = now.astimezone(self.timezone)
        due = {"business_hour": lambda: self.calendar.add_business_hours(local, 1),
               "same_day": lambda: self.calendar.end_of_business_day(local),
               "three_business_days": lambda: self.calendar.add_business_hours(
                   local, 3 * _hours_per_day(self.calendar))}.get(score.sla)
        return due().astimezone(UTC) if due else None

    @staticmethod
    def _products_line(lang: str, names: str) -> str:
        if not names:
            return ""
        return f"根据您的情况，可以先了解：{names}（依据见引用）。" if lang == "zh" else \
            f"Products that may fit: {names} (see the cited sources). "

    def _self_service(self, lang: str, names: str) -> str:
        if lang == "en":
            return (self._products_line(lang, names) + "You can apply yourself through corporate online banking or our "
                    f"WeChat account, or call {self.hotline}.")
        return self._products_line(lang, names) + (
            f"您可以通过对公网银或微信公众号自助申请，也可拨打{self.hotline}咨询。")


def lead_reference(lead_id: int, local_day: datetime) -> str:
    """XS-YYYYMMDD-NNNNNN: the bank's local date and the lead's number, unique because the id is."""
    return f"XS-{local_day:%Y%m%d}-{lead_id:06d}"


def _hours_per_day(calendar: BusinessCalendar) -> float:
    opens = timedelta(hours=calendar.opens.hour, minutes=calendar.opens.minute)
    closes = timedelta(hours=calendar.closes.hour, minutes=calendar.closes.minute)
    return (closes - opens).total_seconds() / 3600
