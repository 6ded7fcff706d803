"""Conversation tests written in YAML (tests/assistant/dialogues/*.yaml), run on every covered database.

A dialogue is a list of client turns with what the client should notice (route, wording, the step
asked next, hand-over) and, at the end, what staff should find in the store (ticket, lead).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from assistant.dialogue import Attachment, IncomingMessage
from assistant.store.db import session_factory
from assistant.store.models import ComplaintTicket, Conversation, FlowState, Lead, Message

DIALOGUES_DIR = Path(__file__).parent / "dialogues"
DEFAULT_START = "2024-06-12T10:00:00+08:00"  # a Wednesday, a business day


class Clock:
    """A controllable 'now' in the bank's time zone."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _dialogues() -> list[Any]:
    cases = []
    for path in sorted(DIALOGUES_DIR.glob("*.yaml")):
        for dialogue in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(dialogue, id=f"{path.stem}:{dialogue['name']}"))
    return cases


def test_there_are_at_least_forty_dialogues() -> None:
    assert len(_dialogues()) >= 40


@pytest.mark.parametrize("dialogue", _dialogues())
def test_dialogue(dialogue: dict[str, Any], new_manager, settings) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(datetime.fromisoformat(str(dialogue.get("start", DEFAULT_START))))
    manager = new_manager(clock)
    user, session = f"u-{uuid.uuid4().hex[:10]}", "s1"
    for number, turn in enumerate(dialogue["turns"], 1):
        if turn.get("restart"):
            manager = new_manager(clock)  # a new process: nothing carried over but the database
        if "advance_minutes" in turn:
            clock.advance(minutes=turn["advance_minutes"])
        if "session" in turn:
            session = turn["session"]
        if "user" not in turn and "upload" not in turn:
            continue
        clock.advance(seconds=20)
        text = str(turn.get("user", ""))
        if "repeat" in turn:
            text = text * int(turn["repeat"])
        attachment = None
        if "upload" in turn:
            attachment = Attachment(turn["upload"], "image/jpeg", data=b"\xff\xd8\xff" + b"0" * 2048)
        reply = manager.reply(IncomingMessage("test", user, session, text, attachment))
        _check_reply(reply, turn.get("expect", {}), f"turn {number} ({text[:30]!r})")
    _check_store(settings.sqlalchemy_url, user, dialogue.get("end", {}))


def _check_reply(reply, expect: dict[str, Any], where: str) -> None:  # type: ignore[no-untyped-def]
    said = reply.text
    for key, wanted in expect.items():
        if key == "contains":
            for part in map(str, _listify(wanted)):
                assert part in said, f"{where}: reply lacks {part!r}:\n{said}"
        elif key == "not_contains":
            for part in map(str, _listify(wanted)):
                assert part not in said, f"{where}: reply should not say {part!r}:\n{said}"
        elif key == "matches":
            assert re.search(wanted, said), f"{where}: reply does not match {wanted!r}:\n{said}"
        elif key == "citations":
            assert bool(reply.citations) == wanted, f"{where}: citations {reply.citations}"
        elif key == "quick_replies":
            for part in _listify(wanted):
                assert part in reply.quick_replies, f"{where}: quick replies {reply.quick_replies}"
        elif key == "data":
            for name, value in wanted.items():
                assert reply.data.get(name) == value, f"{where}: data {reply.data}"
        else:
            assert getattr(reply, key) == wanted, f"{where}: {key}={getattr(reply, key)!r}, wanted {wanted!r}\n{said}"


def _check_store(url: str, user: str, end: dict[str, Any]) -> None:
    from assistant.store.db import make_engine

    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            tickets = db.scalars(select(ComplaintTicket).where(ComplaintTicket.user_id == user)).all()
            leads = db.scalars(select(Lead).where(Lead.user_id == user)).all()
            flows = db.scalars(select(FlowState).where(FlowState.user_id == user).order_by(FlowState.id)).all()
            messages = db.scalars(select(Message).join(Conversation).where(Conversation.user_id == user)).all()
            assert all(m.role in ("user", "bot") for m in messages) and messages, "the transcript was not stored"
            if "tickets" in end:
                assert len(tickets) == end["tickets"], [t.number for t in tickets]
            if "ticket" in end:
                assert tickets, "no complaint ticket registered"
                _match(tickets[-1], end["ticket"], "ticket")
                assert re.fullmatch(r"TS-\d{8}-\d{4}", tickets[-1].number)
            if "leads" in end:
                assert len(leads) == end["leads"], [(lead.company, lead.tier) for lead in leads]
            if "lead" in end:
                assert leads, "no lead stored"
                _match(leads[-1], end["lead"], "lead")
            if "flow_status" in end:
                assert flows and flows[-1].status == end["flow_status"], [f.status for f in flows]
            if "slots" in end:
                assert flows, "no flow"
                for name, value in end["slots"].items():
                    assert flows[-1].state.get("slots", {}).get(name) == value, flows[-1].state
            if "stored_text_max" in end:
                assert max(len(m.text) for m in messages) <= end["stored_text_max"]
    finally:
        engine.dispose()


def _match(row: Any, wanted: dict[str, Any], what: str) -> None:
    for key, value in wanted.items():
        if key.endswith("_contains"):
            actual = getattr(row, key.removesuffix("_contains"))
            names = [p["name"] if isinstance(p, dict) else p for p in actual]
            for item in _listify(value):
                assert item in names, f"{what}.{key}: {names}"
        elif key == "due_local":
            assert str(row.due_at.astimezone().date() if row.due_at.tzinfo else row.due_at.date()) == value
        else:
            actual = getattr(row, key)
            actual = str(actual) if not isinstance(actual, (bool, int, list, type(None))) else actual
            assert actual == value, f"{what}.{key} = {actual!r}, wanted {value!r}"


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
