"""A worker killed between two turns loses nothing: the next process continues the flow from the store.

Runs the real terminal chat (``python -m ui.cli chat``) as a subprocess, answers the first three
questions of a complaint, kills it with SIGKILL (no clean shutdown, no flush, WAL left behind on
SQLite), then finishes the complaint in a new process on a new session against the same database.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.store.db import make_engine, session_factory
from assistant.store.models import ComplaintTicket, Conversation, FlowState, Message

REPO = Path(__file__).resolve().parents[2]
META = re.compile(r"\(route=(\S*) flow=(\S*) step=(\S*) data=(.*)\)$")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


class Chat:
    """One ``python -m ui.cli chat`` process, driven line by line."""

    def __init__(self, env: dict[str, str], user: str, session: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "ui.cli", "chat", "--user", user, "--session", session, "--meta"],
            cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8")
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def say(self, text: str) -> tuple[str, str | None, str | None]:
        """Send one line; return (reply text, flow, step) once the reply is printed in full."""
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        reply: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=90)
            except queue.Empty:
                pytest.fail(f"no reply to {text!r} within 90 s; so far: {reply}")
            if line is None:
                stderr = self.process.stderr.read() if self.process.stderr else ""
                pytest.fail(f"the chat exited after {text!r}: {reply}\n{stderr[-2000:]}")
            if match := META.search(line):
                flow, step = (None if v == "None" else v for v in match.group(2, 3))
                return "\n".join(reply), flow, step
            reply.append(line)

    def kill(self) -> int:
        os.kill(self.process.pid, signal.SIGKILL)
        return self.process.wait(timeout=30)

    def quit(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.write("/quit\n")
        self.process.stdin.close()
        return self.process.wait(timeout=30)


def test_a_complaint_survives_a_sigkill_between_turns(database_url: str, data_dir: Path, answerer) -> None:  # type: ignore[no-untyped-def]
    # ``answerer`` ingests the demo handbook into ``data_dir``, which the subprocesses answer from.
    env = {**os.environ, "SME_ASSISTANT_DATA_DIR": str(data_dir), "SME_DATABASE_URL": database_url,
           "PYTHONUNBUFFERED": "1"}
    user = f"u-{uuid.uuid4().hex[:10]}"

    first = Chat(env, user, "before-kill")
    try:
        assert first.say("你们乱扣我手续费，我要投诉")[1:] == ("complaint", "notice")
        assert first.say("同意")[1:] == ("complaint", "contact_name")
        assert first.say("杭州明远科技有限公司，信用代码91350100M000100Y43")[1:] == ("complaint", "contact_name")
    finally:
        assert first.kill() == -signal.SIGKILL

    second = Chat(env, user, "after-kill")
    try:
        text, flow, step = second.say("张伟")  # the answer to the question the killed process asked
        assert (flow, step) == ("complaint", "mobile"), text
        for answer, next_step in [("13912345678", "request"), ("退还费用", "business_channel"),
                                  ("手机银行", "__confirm__")]:
            text, flow, step = second.say(answer)
            assert step == next_step, (answer, text)
        assert "杭州明远科技有限公司" in text and "91350100M000100Y43" in text  # read back from before the kill
        text, flow, step = second.say("确认")
        assert flow is None and re.search(r"TS-\d{8}-\d{4}", text), text
    finally:
        assert second.quit() == 0

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as db:
            ticket = db.scalars(select(ComplaintTicket).where(ComplaintTicket.user_id == user)).one()
            assert (ticket.company, ticket.credit_code, ticket.contact_name, ticket.mobile, ticket.category) == (
                "杭州明远科技有限公司", "91350100M000100Y43", "张伟", "13912345678", "fees")
            flows = db.scalars(select(FlowState).where(FlowState.user_id == user)).all()
            assert [f.status for f in flows] == ["completed"]  # one flow, carried across both processes
            conversations = db.scalars(select(Conversation).where(Conversation.user_id == user))
            sessions = {c.session_id: c.id for c in conversations}
            assert set(sessions) == {"before-kill", "after-kill"}
            before = db.scalars(select(Message).where(Message.conversation_id == sessions["before-kill"])
                                .order_by(Message.id)).all()
            assert [m.text for m in before if m.role == "user"] == [
                "你们乱扣我手续费，我要投诉", "同意", "杭州明远科技有限公司，信用代码91350100M000100Y43"]
            assert [m.role for m in before] == ["user", "bot"] * 3  # every reply the killed process gave is kept
    finally:
        engine.dispose()
