"""The flow step: start a flow, or continue the client's active one with this message.

Inside a flow a message may cancel it, ask for a person, be a side question (answered, then the
same step is asked again), switch to another flow, or answer the current step.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.answering.guard import classify_scope
from assistant.answering.service import QuestionAnswerer
from assistant.clock import local_date
from assistant.complaints.urgency import urgent_signs
from assistant.dialogue import repository as repo
from assistant.dialogue import wording
from assistant.dialogue.actions import FlowActions
from assistant.dialogue.messages import HandoverRequested, Reply
from assistant.dialogue.router import HANDOVER, QUESTION_SHAPE, RouteDecision, Router
from assistant.dialogue.texts import text
from assistant.dialogue.turn import Turn
from assistant.flows import FlowEngine, FlowProgress
from assistant.privacy import mask_mobile
from assistant.store.models import ComplaintTicket, FlowState
from assistant.validators import Rejected

CANCEL = re.compile(r"^\s*(取消|算了|不办了|不弄了|不填了|不要了|退出|结束|不用了|先不了"
                    r"|cancel|quit|stop|exit|never\s?mind)[吧了啦。.!！\s]*$", re.I)
# A short message that says to stop, in a sentence (算了，先不贷了 / Never mind, cancel that).
CANCEL_SAID = re.compile(r"取消|算了|不办了|不贷了|不借了|不弄了|不填了|不提交了|不投诉了|不撤了|不撤销了|先不了|不用了"
                         r"|\bcancel\b|never\s?mind|forget it|\bstop\b", re.I)
SWITCH_AT_ONCE = ("complaint", "withdraw_complaint", "complaint_status")
KEEP = {("complaint", "complaint_status"), ("complaint", "withdraw_complaint")}  # part of the complaint itself
REUSABLE = ("company", "credit_code", "contact_name", "mobile", "ticket_number")
FLOW_ROUTES = {"complaint": "complaint", "lead": "lead", "withdraw_complaint": "withdraw_complaint",
               "complaint_status": "complaint_status"}
MAX_ROUTED_CHARS = 4000  # beyond this a message is pasted noise: ask for a sentence instead


def handover(turn: Turn, hotline: str, reason: str = "client_asked") -> Reply:
    """The client asked for a person: the conversation enters the staff inbox (``assistant.handover``)."""
    if turn.handover_policy is None:  # no inbox configured: the conversation is only marked for staff
        turn.conversation.status, turn.conversation.handover_at = "handover", turn.now
        reply = wording.handover(turn.lang, hotline)
    else:
        from assistant.handover.step import enter_inbox  # the inbox imports the dialogue package

        reply = enter_inbox(turn, hotline, reason)
    reply.events.append(HandoverRequested(turn.conversation.id, reason))
    return reply


def session_facts(db: Session, conversation_id: int) -> dict[str, tuple[Any, str]]:
    """Company, contact, mobile (and a ticket) the client gave in this session's finished flows, newest
    last, so a later flow offers them instead of asking again. Only this session: nothing is carried
    between visits, and a lead without consent has already dropped its personal details."""
    facts: dict[str, tuple[Any, str]] = {}
    rows = db.scalars(select(FlowState).where(FlowState.conversation_id == conversation_id,
                                              FlowState.status == "completed").order_by(FlowState.id))
    for row in rows:
        progress = FlowProgress.from_json(row.state, row.flow)
        for slot in REUSABLE:
            if progress.slots.get(slot):
                facts[slot] = (progress.slots[slot], progress.display.get(slot) or str(progress.slots[slot]))
    number = db.scalar(select(ComplaintTicket.number).where(ComplaintTicket.conversation_id == conversation_id)
                       .order_by(ComplaintTicket.id.desc()).limit(1))
    if number:
        facts["ticket_number"] = (number, number)
    if "mobile" in facts:  # read back masked: the screen may be seen by others
        facts["mobile"] = (facts["mobile"][0], mask_mobile(str(facts["mobile"][0])))
    return facts


class FlowStep:
    def __init__(self, engine: FlowEngine, actions: FlowActions, router: Router, answerer: QuestionAnswerer,
                 timezone: ZoneInfo, hotline: str, resume_after: timedelta) -> None:
        self.engine, self.actions, self.router, self.answerer = engine, actions, router, answerer
        self.timezone, self.hotline, self.resume_after = timezone, hotline, resume_after

    def start(self, turn: Turn, name: str) -> Reply:
        known = session_facts(turn.db, turn.conversation.id)
        outcome = self.engine.start(name, turn.lang, turn.body, local_date(turn.now, self.timezone), known)
        progress = outcome.state
        progress.urgent = urgent_signs(turn.body) if name == "complaint" else []
        conversation = turn.conversation
        flow = FlowState(channel=conversation.channel, user_id=conversation.user_id, conversation_id=conversation.id,
                         flow=name, status="active", state=progress.to_json(), started_at=turn.now,
                         updated_at=turn.now)
        turn.db.add(flow)
        if outcome.kind == "complete":  # the first message said everything (a status lookup with both)
            flow.status = "completed"
            reply = self.actions.run(self.engine.flows[name].on_complete, turn.db, conversation, progress, turn.now)
            flow.state = progress.to_json()
            reply.text = (outcome.text + "\n" + reply.text).strip()
            return reply
        return wording.flow_reply(outcome, name, turn.lang)

    def resume_prompt(self, reply: Reply, progress: FlowProgress) -> None:
        """After a document in the middle of a flow, the flow's question is asked again."""
        resume = self.engine.prompt(progress)
        reply.text += "\n\n" + text("continue", reply.language) + resume.text
        reply.flow, reply.step, reply.quick_replies = progress.flow, progress.step, resume.quick_replies

    def continue_flow(self, turn: Turn) -> Reply:
        flow, body, now, lang = turn.flow, turn.body, turn.now, turn.lang
        assert flow is not None and turn.progress is not None
        spec = self.engine.flows[flow.flow]
        progress = turn.progress.copy()
        progress.lang = lang
        prefix = text("resume", lang, title=spec.title(lang)) + "\n" if (
            now - repo.aware(flow.updated_at) > self.resume_after) else ""
        flow.updated_at, flow.conversation_id = now, turn.conversation.id
        said_stop = len(body) <= 30 and CANCEL_SAID.search(body) and not QUESTION_SHAPE.search(body)
        if CANCEL.match(body[:40]) or said_stop:
            flow.status, flow.state = "cancelled", progress.closed().to_json()  # nothing unsubmitted is kept
            return Reply(text("cancelled", lang, title=spec.title(lang)), route="cancel", language=lang)
        if HANDOVER.search(body[:2000]):
            flow.state = progress.to_json()
            gave_up = any(n >= 2 for n in progress.failures.values())  # the flow had offered a person
            reply = handover(turn, self.hotline, "flow_gave_up" if gave_up else "client_asked")
            reply.text += "\n" + text("handover_flow_kept", lang, title=spec.title(lang))
            reply.flow, reply.step = flow.flow, progress.step
            return reply
        if flow.flow == "complaint":
            progress.urgent = list(dict.fromkeys([*progress.urgent, *urgent_signs(body)]))
        if classify_scope(body[:2000]) == "injection":  # never taken as an answer (a company name…)
            return self._digression(turn, progress, RouteDecision("out_of_scope"), prefix)
        step = self.engine.current_step(progress)
        routable = len(body) <= MAX_ROUTED_CHARS
        # A complaint (or a ticket lookup) said in the middle of another flow is that, not an answer
        # to a free-text question such as the loan's purpose.
        early = self.router.rule_route(body[:2000]) if routable else None
        if early in SWITCH_AT_ONCE and FLOW_ROUTES[early] != flow.flow and (flow.flow, early) not in KEEP:
            flow.status, flow.state = "cancelled", progress.closed(switched_to=early).to_json()
            return self.start(turn, FLOW_ROUTES[early])
        if step is not None and step.validator == "free_text" and routable:
            side = self.router.is_digression(body, flow.flow)
            if side is not None:
                return self._digression(turn, progress, side, prefix)
        result = self.engine.try_answer(progress, body, local_date(now, self.timezone))
        if isinstance(result, Rejected):
            side = self.router.is_digression(body, flow.flow) if routable else None
            if side is not None:
                return self._digression(turn, progress, side, prefix)
            switch = self.router.rule_route(body[:2000]) if routable else None
            if switch in FLOW_ROUTES and FLOW_ROUTES[switch] != flow.flow:
                flow.status, flow.state = "cancelled", progress.closed(switched_to=switch).to_json()
                return self.start(turn, FLOW_ROUTES[switch])
            result = self.engine.reject(progress, result)
        if result.kind == "complete":
            flow.status = "completed"
            reply = self.actions.run(spec.on_complete, turn.db, turn.conversation, result.state, now)
            flow.state = result.state.to_json()  # the action may have dropped personal details (no consent)
            return reply
        flow.state = result.state.to_json()
        reply = wording.flow_reply(result, flow.flow, lang)
        reply.text = prefix + reply.text
        return reply

    def _digression(self, turn: Turn, progress: FlowProgress, side: RouteDecision, prefix: str) -> Reply:
        assert turn.flow is not None
        turn.flow.state = progress.to_json()
        answer = side.answer or self.answerer.answer(turn.body, use_llm=False)
        if answer.grounded and self.answerer.streams:
            answer = self.answerer.answer(turn.body, prepared=answer)  # recognised extractively; a model words it
        resume = self.engine.prompt(progress)
        return Reply(prefix + answer.answer + "\n\n" + text("continue", turn.lang) + resume.text,
                     citations=answer.citations, quick_replies=resume.quick_replies, route=side.route,
                     flow=turn.flow.flow, step=progress.step, language=turn.lang)
