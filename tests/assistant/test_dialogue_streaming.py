"""A knowledge-base answer written by a model streams through the dialogue manager, and what is
stored and returned at the end is the checked answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.answering.service import build_answerer
from assistant.dialogue import DialogueManager, IncomingMessage, Reply
from assistant.settings import Settings
from assistant.store.db import upgrade_schema
from assistant.store.models import Message
from assistant.wiring import build_dialogue_manager
from eval.fake_llm_server import ChatRequest, Completion, FakeLlmServer, quote_best_passage

NOON = datetime(2024, 7, 3, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def server() -> Iterator[FakeLlmServer]:
    with FakeLlmServer() as srv:
        yield srv


@pytest.fixture()
def manager(server: FakeLlmServer, demo_settings: Settings) -> DialogueManager:
    server.responder = quote_best_passage
    server.requests.clear()
    settings = demo_settings.model_copy(update={"llm_backend": "openai", "llm_base_url": server.base_url,
                                                "llm_model": "scripted", "llm_timeout_s": 3.0})
    upgrade_schema(settings.sqlalchemy_url)
    return build_dialogue_manager(settings, answerer=build_answerer(settings), clock=lambda: NOON)


def _run(manager: DialogueManager, text: str, session: str = "s1") -> tuple[list[str], Reply]:
    pieces: list[str] = []
    reply = None
    for item in manager.handle(IncomingMessage("web", "u1", session, text)):
        if isinstance(item, Reply):
            reply = item
        else:
            pieces.append(item.text)
    assert reply is not None
    return pieces, reply


def test_a_question_streams_pieces_then_the_checked_reply_which_is_stored(manager: DialogueManager):
    pieces, reply = _run(manager, "科技贷最多能贷多少？")
    assert len(pieces) > 1 and "1000万元" in "".join(pieces)
    assert reply.route == "question" and reply.data["retracted"] is False
    assert "1000万元" in reply.text and reply.citations
    with manager.sessions() as db:
        texts = [m.text for m in db.query(Message).order_by(Message.id).all()]
    assert texts[-2:] == ["科技贷最多能贷多少？", reply.text]


def test_routing_does_not_spend_a_model_call(server: FakeLlmServer, manager: DialogueManager):
    _run(manager, "科技贷最多能贷多少？")
    assert len(server.requests) == 1  # only the streamed answer; routing used the extractive answer
    _run(manager, "你好")
    assert len(server.requests) == 1  # a greeting never reaches the model


def test_a_streamed_answer_with_an_invented_figure_is_replaced_by_the_extractive_one(
        server: FakeLlmServer, manager: DialogueManager):
    def invent(request: ChatRequest) -> Completion:
        return Completion(f"科技贷最高可贷8888万元[{request.passage_with('1000万元')}]。")

    server.responder = invent
    pieces, reply = _run(manager, "科技贷最多能贷多少？")
    assert "8888万元" in "".join(pieces)  # what streamed was provisional
    assert reply.data["retracted"] is True
    assert "8888" not in reply.text and "1000万元" in reply.text


def test_a_flow_turn_is_one_reply_even_with_a_model(server: FakeLlmServer, manager: DialogueManager):
    pieces, reply = _run(manager, "我要投诉", session="s2")
    assert pieces == [] and reply.flow == "complaint"
    assert server.requests == []
