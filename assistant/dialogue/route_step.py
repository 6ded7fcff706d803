"""The routing step: a message outside any flow is routed (rules, then the knowledge base) and acted on."""

from __future__ import annotations

import re

from assistant.answering.service import QuestionAnswerer
from assistant.dialogue import wording
from assistant.dialogue.flow_step import FLOW_ROUTES, MAX_ROUTED_CHARS, FlowStep, handover
from assistant.dialogue.messages import Reply
from assistant.dialogue.router import QUESTION_SHAPE, RouteDecision, Router
from assistant.dialogue.texts import text
from assistant.dialogue.turn import AnswerLater, StepResult, Turn
from assistant.validators.base import cjk_count


class RouteStep:
    def __init__(self, router: Router, answerer: QuestionAnswerer, flows: FlowStep, hotline: str) -> None:
        self.router, self.answerer, self.flows, self.hotline = router, answerer, flows, hotline

    def decide(self, turn: Turn) -> RouteDecision | None:
        """Where the message goes; None for a pasted wall of text (asked to say it in a sentence)."""
        if len(turn.body) > MAX_ROUTED_CHARS:
            return None
        return self.router.route(turn.body, history=turn.history)

    def act(self, turn: Turn, decision: RouteDecision | None) -> StepResult:
        lang, body = turn.lang, turn.body
        if decision is None:
            return wording.menu(text("too_long", lang), "out_of_scope", lang)
        route = decision.route
        if route == "handover":
            return handover(turn, self.hotline)
        if route in FLOW_ROUTES:
            return self.flows.start(turn, FLOW_ROUTES[route])
        if route == "document":
            return Reply(text("document_ask", lang), route="document", language=lang)
        answer = decision.answer or self.answerer.answer(body, turn.history, use_llm=False)
        if route == "question":
            if answer.grounded and self.answerer.streams:
                # A model words the answer: after the transaction, from the passages routing found.
                return AnswerLater(body, turn.history, lang, answer)
            reply = wording.question_reply(answer, lang)
            if self.router.wants_financing(body):  # 最多能贷多少: answered, and registering offered next
                reply.text += "\n\n" + text("offer_lead", lang)
                reply.data["offered"] = "lead"
            return reply
        if route == "greeting":
            return wording.menu(answer.answer, route, lang)
        if route == "thanks":
            return Reply(answer.answer, route=route, language=lang)
        readable = cjk_count(body) or re.search(r"[A-Za-z]{3}", body)
        # A question the documents do not answer gets the answerer's refusal: it says the documents do
        # not cover it and gives the hotline, rather than a bare "can't help".
        asked = readable and QUESTION_SHAPE.search(body) and not answer.grounded
        lead_in = answer.answer if answer.reason in ("injection", "chitchat") or asked else (
            text("out_of_scope", lang) if readable else text("unreadable", lang))
        return wording.menu(lead_in, "out_of_scope", lang)
