"""The dialogue manager: one client message in, the turn's events out, all state in the store.

``handle(message)`` is the turn pipeline, the same for every caller:

1. ``store_upload``   keep an attached file and check it (before any transaction: OCR is slow)
2. ``open_turn``      record the client's message; load the conversation and any active flow
3. one step           the document (``DocumentStep``), the active flow (``FlowStep``), or
                      routing and acting on the route (``RouteStep``)
4. ``close_turn``     record the bot's reply
5. ``write_answer``   only when a model words a knowledge-base answer: it streams after the
                      transaction has committed (``Delta`` events), then the checked ``Reply``

It yields zero or more ``Delta`` events and exactly one ``Reply``, last. ``reply(message)`` is the
same turn for callers that only want the ``Reply``. A lost database connection re-runs the
transaction (``retry.with_retries``) on both paths. No state lives in this object between turns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.answering.language import detect_language
from assistant.answering.service import QuestionAnswerer
from assistant.clock import Clock, system_clock, utc_now
from assistant.dialogue import repository as repo
from assistant.dialogue import wording
from assistant.dialogue.actions import FlowActions
from assistant.dialogue.document_step import DocumentStep
from assistant.dialogue.flow_step import FlowStep
from assistant.dialogue.messages import Delta, IncomingMessage, Reply
from assistant.dialogue.retry import with_retries
from assistant.dialogue.route_step import RouteStep
from assistant.dialogue.router import Router
from assistant.dialogue.turn import AnswerLater, CheckedUpload, StepResult, Turn
from assistant.documents import DocumentVerifier
from assistant.flows import FlowEngine, FlowProgress
from assistant.store.models import Conversation
from assistant.uploads import UploadStore
from assistant.validators.base import cjk_count

if TYPE_CHECKING:  # the inbox imports the dialogue package: imported when a turn runs, not here
    from assistant.handover.availability import Policy

TurnEvent = Delta | Reply


@dataclass(frozen=True)
class TurnLimits:
    resume_after: timedelta = timedelta(minutes=30)  # "welcome back" to a flow left this long
    flow_ttl: timedelta = timedelta(days=7)  # an unfinished flow older than this has expired


def final_reply(events: Iterable[TurnEvent]) -> Reply:
    """The last event of a turn, its ``Reply``, for callers that show no provisional text."""
    final = None
    for event in events:
        if isinstance(event, Reply):
            final = event
    assert final is not None, "every turn ends with a Reply"
    return final


def pick_language(message: str, current: str) -> str:
    if detect_language(message) == "en":
        return "en"
    return "zh" if cjk_count(message) >= 2 else current


class DialogueManager:
    def __init__(self, sessions: sessionmaker[Session], answerer: QuestionAnswerer, engine: FlowEngine,
                 actions: FlowActions, verifier: DocumentVerifier, uploads: UploadStore, timezone: ZoneInfo,
                 hotline: str, clock: Clock = system_clock, limits: TurnLimits | None = None,
                 handover: Policy | None = None) -> None:
        self.sessions, self.answerer, self.clock = sessions, answerer, clock
        self.handover = handover  # the staff inbox (issue 11); None keeps the old "marked for staff" only
        self.limits = limits or TurnLimits()
        self.engine = engine  # the flow definitions; the console and tests read them
        self.router = Router(answerer)
        self.documents = DocumentStep(uploads, verifier)
        self.flows = FlowStep(engine, actions, self.router, answerer, timezone, hotline, self.limits.resume_after)
        self.routes = RouteStep(self.router, answerer, self.flows, hotline)

    # the pipeline -------------------------------------------------------------------------------
    def handle(self, message: IncomingMessage) -> Iterator[TurnEvent]:
        upload = None
        if message.attachment is not None:
            upload = self.documents.store_and_check(message.attachment, self._applicant(message))
        result, conversation_id = with_retries(lambda: self._transaction(message, upload))
        if isinstance(result, Reply):
            yield result
            return
        yield from self._write_answer(result, conversation_id)

    def reply(self, message: IncomingMessage) -> Reply:
        """The turn's final ``Reply`` (provisional text, if any, is dropped)."""
        return final_reply(self.handle(message))

    def _applicant(self, message: IncomingMessage) -> str | None:
        with self.sessions() as db:
            return repo.known_company(db, message.channel, message.user_id)

    def _transaction(self, message: IncomingMessage, upload: CheckedUpload | None) -> tuple[StepResult, int]:
        from assistant.handover.step import after_step, during_handover_step

        with self.sessions.begin() as db:
            turn = self._open_turn(db, message, upload)
            turn.handover_policy = self.handover
            # While the conversation is in the staff inbox the message goes to the staff thread, not the bot.
            result = during_handover_step(turn) or self._step(turn)
            after_step(turn, result)
            if isinstance(result, Reply):
                self._close_turn(db, turn.conversation, result, turn)
            return result, turn.conversation.id

    def _open_turn(self, db: Session, message: IncomingMessage, upload: CheckedUpload | None) -> Turn:
        now, body = utc_now(self.clock), message.text or ""
        conversation = repo.conversation_for(db, message.channel, message.user_id, message.session_id, now)
        meta = {"attachment": message.attachment.filename} if message.attachment else {}
        repo.add_message(db, conversation, "user", body, now, meta=meta)
        flow = repo.active_flow(db, message.channel, message.user_id)
        if flow is not None and now - repo.aware(flow.updated_at) > self.limits.flow_ttl:
            flow.status, flow.state = "expired", {}
            flow = None
        progress = FlowProgress.from_json(flow.state, flow.flow) if flow is not None else None
        lang = pick_language(body, progress.lang if progress else message.language or conversation.language)
        return Turn(db, message, body, now, lang, conversation, flow, progress, upload)

    def _step(self, turn: Turn) -> StepResult:
        if turn.upload is not None:
            reply = self.documents.reply(turn, turn.upload)
            if turn.progress is not None:
                self.flows.resume_prompt(reply, turn.progress)
            return reply
        if turn.flow is not None:
            return self.flows.continue_flow(turn)
        turn.history = repo.recent_user_texts(turn.db, turn.conversation.id)[:-1]
        return self.routes.act(turn, self.routes.decide(turn))

    def _close_turn(self, db: Session, conversation: Conversation, reply: Reply, turn: Turn | None = None) -> None:
        now = turn.now if turn is not None else utc_now(self.clock)
        conversation.language = reply.language
        if reply.text or reply.route != "staff_thread":  # a person has the client: the bot writes nothing
            repo.add_message(db, conversation, "bot", reply.text, now, route=reply.route, meta=reply.data)

    def _write_answer(self, later: AnswerLater, conversation_id: int) -> Iterator[TurnEvent]:
        """A model writes the answer outside any transaction, so no database lock is held meanwhile."""
        final = None
        for event in self.answerer.stream(later.question, later.history, prepared=later.prepared):
            if event.kind == "delta":
                yield Delta(event.text)
            else:
                final = event
        assert final is not None and final.answer is not None
        reply = wording.question_reply(final.answer, later.lang)
        reply.data["retracted"] = final.retracted

        def record() -> None:
            with self.sessions.begin() as db:
                # Locked like every writer of the conversation, so message ids follow commit order.
                conversation = db.scalar(select(Conversation).where(Conversation.id == conversation_id)
                                         .with_for_update())
                assert conversation is not None
                self._close_turn(db, conversation, reply)

        with_retries(record)
        yield reply
