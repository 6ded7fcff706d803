"""The flow step: start a flow, or continue the client's active one with this message.

Inside a flow a message may cancel it, ask for a person, be a side question (answered, then the
same step is asked again), switch to another flow, or answer the current step.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from assistant.answering.service import QuestionAnswerer
from assistant.clock import local_date
from assistant.complaints.urgency import urgent_signs
from assistant.dialogue import repository as repo
from assistant.dialogue import wording
from assistant.dialogue.actions import FlowActions
from assistant.dialogue.messages import HandoverRequested, Reply
from assistant.dialogue.router import HANDOVER, RouteDecision, Router
from assistant.dialogue.texts import text
from assistant.dialogue.turn import Turn
from assistant.flows import FlowEngine, FlowProgress
from assistant.store.models import FlowState
from assistant.validators import Rejected

CANCEL = re.compile(r"^\s*(取消|算了|不办了|不弄了|不填了|不要了|退出|结束|不用了|先不了"
                    r"|cancel|quit|stop|exit|never\s?mind)[吧了啦。.!！\s]*$", re.I)
FLOW_ROUTES = {"complaint": "complaint", "lead": "lead", "withdraw_complaint": "withdraw_complaint"}
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


class FlowStep:
    def __init__(self, engine: FlowEngine, actions: FlowActions, router: Router, answerer: QuestionAnswerer,
                 timezone: ZoneInfo, hotline: str, resume_after: timedelta) -> None:
        self.engine, self.actions, self.router, self.answerer = engine, actions, router, answerer
        self.timezone, self.hotline, self.resume_after = timezone, hotline, resume_after

    def start(self, turn: Turn, name: str) -> Reply:
        outcome = self.engine.start(name, turn.lang, turn.body, local_date(turn.now, self.timezone))
        progress = outcome.state
        progress.urgent = urgent_signs(turn.body) if name == "complaint" else []
        conversation = turn.conversation
        turn.db.add(FlowState(channel=conversation.channel, user_id=conversation.user_id,
                              conversation_id=conversation.id, flow=name, status="active",
                              state=progress.to_json(), started_at=turn.now, updated_at=turn.now))
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
        if CANCEL.match(body[:40]):
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
        step = self.engine.current_step(progress)
        routable = len(body) <= MAX_ROUTED_CHARS
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
