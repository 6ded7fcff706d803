"""How replies are worded: the one place that turns an outcome into client-facing text."""

from __future__ import annotations

from assistant.answering.service import Answer
from assistant.dialogue.messages import Reply
from assistant.dialogue.texts import text
from assistant.flows import TurnOutcome


def question_reply(answer: Answer, lang: str) -> Reply:
    reply = Reply(answer.answer, citations=answer.citations, route="question", language=lang,
                  data={"grounded": answer.grounded})
    if not answer.grounded:
        reply.quick_replies = text("menu_quick_replies", lang).split("|")
    return reply


def menu(lead_in: str, route: str, lang: str) -> Reply:
    return Reply(lead_in + "\n" + text("menu", lang), quick_replies=text("menu_quick_replies", lang).split("|"),
                 route=route, language=lang)


def handover(lang: str, hotline: str) -> Reply:
    return Reply(text("handover", lang, hotline=hotline), route="handover", handover=True, language=lang)


def flow_reply(outcome: TurnOutcome, name: str, lang: str) -> Reply:
    return Reply(outcome.text, quick_replies=outcome.quick_replies, route=name, flow=name,
                 step=outcome.state.step, language=lang,
                 data={"offer_handover": outcome.offer_handover, "hint": outcome.hint_key})
