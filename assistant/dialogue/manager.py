"""The dialogue manager: route each turn, run flows, answer questions, keep everything in the store.

Per turn: load the conversation and any active flow → (attachment → document check) →
(active flow → continue it: cancel, hand-over, side question, answer, switch) → (otherwise route)
→ store both messages → ``Reply``. No state lives in this object between turns.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.answering.language import detect_language
from assistant.answering.service import Answer, QuestionAnswerer
from assistant.complaints.urgency import urgent_signs
from assistant.dialogue import repository as repo
from assistant.dialogue.actions import FlowActions
from assistant.dialogue.messages import Attachment, IncomingMessage, Reply
from assistant.dialogue.router import HANDOVER, QUESTION_SHAPE, RouteDecision, Router
from assistant.dialogue.texts import DOC_TYPES, VERDICTS, text
from assistant.documents import DocumentCheck, DocumentCheckUnavailable, DocumentUnreadable, DocumentVerifier
from assistant.flows import FlowEngine, TurnOutcome
from assistant.settings import Settings
from assistant.store.models import Conversation, Document, FlowState
from assistant.validators import Rejected
from assistant.validators.base import cjk_count

log = logging.getLogger(__name__)

CANCEL = re.compile(r"^\s*(取消|算了|不办了|不弄了|不填了|不要了|退出|结束|不用了|先不了"
                    r"|cancel|quit|stop|exit|never\s?mind)[吧了啦。.!！\s]*$", re.I)
FLOW_ROUTES = {"complaint": "complaint", "lead": "lead", "withdraw_complaint": "withdraw_complaint"}
MAX_ROUTED_CHARS = 4000  # beyond this a message is pasted noise: ask for a sentence instead


def pick_language(message: str, current: str) -> str:
    if detect_language(message) == "en":
        return "en"
    return "zh" if cjk_count(message) >= 2 else current


@dataclass
class CheckedUpload:
    """An uploaded file, stored and checked before the turn's transaction opens."""

    name: str
    content_type: str
    sha256: str = ""
    path: Path | None = None
    check: DocumentCheck | None = None
    unreadable: str = ""  # the client-facing reason the file could not be read
    too_big: bool = False


class DialogueManager:
    def __init__(self, sessions: sessionmaker[Session], answerer: QuestionAnswerer, engine: FlowEngine,
                 actions: FlowActions, verifier: DocumentVerifier, uploads_dir: Path, timezone: ZoneInfo,
                 hotline: str, clock: Callable[[], datetime] | None = None, max_upload_mb: int = 20,
                 resume_after: timedelta = timedelta(minutes=30), flow_ttl: timedelta = timedelta(days=7)) -> None:
        self.sessions, self.answerer, self.engine, self.actions = sessions, answerer, engine, actions
        self.router = Router(answerer)
        self.verifier, self.uploads_dir, self.timezone, self.hotline = verifier, uploads_dir, timezone, hotline
        self.clock = clock or (lambda: datetime.now(timezone))
        self.max_upload_bytes = max_upload_mb * 1024 * 1024
        self.resume_after, self.flow_ttl = resume_after, flow_ttl

    def handle(self, message: IncomingMessage) -> Reply:
        now = self.clock().astimezone(UTC)  # stored in UTC: SQLite keeps no offsets; shown in the bank's zone
        body = message.text or ""
        # OCR takes seconds: do it before the turn's transaction, which would otherwise hold the
        # database's write lock (all of SQLite's) while the pages are read.
        upload = self._check_upload(message.attachment) if message.attachment is not None else None
        with self.sessions.begin() as db:
            conversation, flow, lang = self._open_turn(db, message, body, now)
            reply = self._reply(db, conversation, flow, message, body, now, lang, upload=upload)
            self._close_turn(db, conversation, reply, now)
        return reply

    def handle_stream(self, message: IncomingMessage) -> Iterator[str | Reply]:
        """Like ``handle``, but a knowledge-base answer written by a model streams as it is written:
        text pieces first, then the final ``Reply`` (whose text replaces them: the checks may have
        swapped the model's answer for the extractive one). Everything else is one ``Reply``."""
        now = self.clock().astimezone(UTC)
        body = message.text or ""
        upload = self._check_upload(message.attachment) if message.attachment is not None else None
        with self.sessions.begin() as db:
            conversation, flow, lang = self._open_turn(db, message, body, now)
            decision, history = None, []
            if (self.answerer.streams and message.attachment is None and flow is None
                    and len(body) <= MAX_ROUTED_CHARS):
                history = repo.recent_user_texts(db, conversation.id)[:-1]
                decision = self.router.route(body, history=history)
            if decision is None or decision.route != "question" or not (decision.answer and decision.answer.grounded):
                reply = self._reply(db, conversation, flow, message, body, now, lang, decision, upload)
                self._close_turn(db, conversation, reply, now)
                yield reply
                return
            conversation_id = conversation.id
        # The user's message is stored; the answer streams outside the transaction so no database
        # lock is held while the model writes.
        final = None
        for event in self.answerer.stream(body, history):
            if event.kind == "delta":
                yield event.text
            else:
                final = event
        assert final is not None and final.answer is not None
        reply = self._question_reply(final.answer, lang)
        reply.data["retracted"] = final.retracted
        with self.sessions.begin() as db:
            conversation = db.get(Conversation, conversation_id)
            self._close_turn(db, conversation, reply, self.clock().astimezone(UTC))
        yield reply

    def _open_turn(self, db: Session, message: IncomingMessage, body: str,
                   now: datetime) -> tuple[Conversation, FlowState | None, str]:
        conversation = repo.conversation_for(db, message.channel, message.user_id, message.session_id, now)
        meta = {"attachment": message.attachment.filename} if message.attachment else {}
        repo.add_message(db, conversation, "user", body, now, meta=meta)
        flow = repo.active_flow(db, message.channel, message.user_id)
        if flow is not None and now - repo.aware(flow.updated_at) > self.flow_ttl:
            flow.status, flow.state = "expired", {}
            flow = None
        return conversation, flow, pick_language(body, flow.state["lang"] if flow else conversation.language)

    def _reply(self, db: Session, conversation: Conversation, flow: FlowState | None, message: IncomingMessage,
               body: str, now: datetime, lang: str, decision: RouteDecision | None = None,
               upload: CheckedUpload | None = None) -> Reply:
        if upload is not None:
            reply = self._document(db, conversation, upload, now, lang)
            if flow is not None:
                self._append_prompt(reply, flow)
            return reply
        if flow is not None:
            return self._continue_flow(db, conversation, flow, body, now, lang)
        return self._route(db, conversation, body, now, lang, decision)

    def _close_turn(self, db: Session, conversation: Conversation, reply: Reply, now: datetime) -> None:
        conversation.language = reply.language
        repo.add_message(db, conversation, "bot", reply.text, now, route=reply.route, meta=reply.data)

    # outside a flow -----------------------------------------------------------------------------
    def _route(self, db: Session, conversation: Conversation, body: str, now: datetime, lang: str,
               decision: RouteDecision | None = None) -> Reply:
        if len(body) > MAX_ROUTED_CHARS:
            return self._menu(text("too_long", lang), "out_of_scope", lang)
        history = repo.recent_user_texts(db, conversation.id)[:-1]
        decision = decision or self.router.route(body, history=history)
        route = decision.route
        if route == "handover":
            return self._handover(conversation, now, lang)
        if route in FLOW_ROUTES:
            return self._start_flow(db, conversation, FLOW_ROUTES[route], body, now, lang)
        if route == "document":
            return Reply(text("document_ask", lang), route="document", language=lang)
        answer = decision.answer or self.answerer.answer(body, history, use_llm=False)
        if route == "question":
            if answer.grounded and self.answerer.streams:
                answer = self.answerer.answer(body, history)  # routing used the extractive answer
            return self._question_reply(answer, lang)
        if route == "greeting":
            return self._menu(answer.answer, route, lang)
        if route == "thanks":
            return Reply(answer.answer, route=route, language=lang)
        readable = cjk_count(body) or re.search(r"[A-Za-z]{3}", body)
        # A question the documents do not answer gets the answerer's refusal: it says the documents do
        # not cover it and gives the hotline, rather than a bare "can't help".
        asked = readable and QUESTION_SHAPE.search(body) and not answer.grounded
        lead_in = answer.answer if answer.reason in ("injection", "chitchat") or asked else (
            text("out_of_scope", lang) if readable else text("unreadable", lang))
        return self._menu(lead_in, "out_of_scope", lang)

    def _question_reply(self, answer: Answer, lang: str) -> Reply:
        reply = Reply(answer.answer, citations=answer.citations, route="question", language=lang,
                      data={"grounded": answer.grounded})
        if not answer.grounded:
            reply.quick_replies = text("menu_quick_replies", lang).split("|")
        return reply

    def _menu(self, lead_in: str, route: str, lang: str) -> Reply:
        return Reply(lead_in + "\n" + text("menu", lang), quick_replies=text("menu_quick_replies", lang).split("|"),
                     route=route, language=lang)

    def _handover(self, conversation: Conversation, now: datetime, lang: str) -> Reply:
        conversation.status, conversation.handover_at = "handover", now
        return Reply(text("handover", lang, hotline=self.hotline), route="handover", handover=True, language=lang)

    def _start_flow(self, db: Session, conversation: Conversation, name: str, body: str, now: datetime,
                    lang: str) -> Reply:
        outcome = self.engine.start(name, lang, body, self._today(now))
        state = {**outcome.state, "urgent": urgent_signs(body) if name == "complaint" else []}
        flow = FlowState(channel=conversation.channel, user_id=conversation.user_id, conversation_id=conversation.id,
                         flow=name, status="active", state=state, started_at=now, updated_at=now)
        db.add(flow)
        return self._flow_reply(outcome, name, lang)

    # inside a flow ------------------------------------------------------------------------------
    def _continue_flow(self, db: Session, conversation: Conversation, flow: FlowState, body: str, now: datetime,
                       lang: str) -> Reply:
        spec = self.engine.flows[flow.flow]
        state = {**flow.state, "lang": lang}
        prefix = text("resume", lang, title=spec.title(lang)) + "\n" if (
            now - repo.aware(flow.updated_at) > self.resume_after) else ""
        flow.updated_at, flow.conversation_id = now, conversation.id
        if CANCEL.match(body[:40]):
            flow.status, flow.state = "cancelled", {"flow": flow.flow, "lang": lang}  # nothing unsubmitted is kept
            return Reply(text("cancelled", lang, title=spec.title(lang)), route="cancel", language=lang)
        if HANDOVER.search(body[:2000]):
            flow.state = state
            reply = self._handover(conversation, now, lang)
            reply.text += "\n" + text("handover_flow_kept", lang, title=spec.title(lang))
            reply.flow, reply.step = flow.flow, state["step"]
            return reply
        if flow.flow == "complaint":
            state["urgent"] = list(dict.fromkeys([*state.get("urgent", []), *urgent_signs(body)]))
        step = self.engine.current_step(state)
        if step is not None and step.validator == "free_text" and len(body) <= MAX_ROUTED_CHARS:
            side = self.router.is_digression(body, flow.flow)
            if side is not None:
                return self._digression(flow, state, side, body, prefix, lang)
        result = self.engine.try_answer(state, body, self._today(now))
        if isinstance(result, Rejected):
            side = self.router.is_digression(body, flow.flow) if len(body) <= MAX_ROUTED_CHARS else None
            if side is not None:
                return self._digression(flow, state, side, body, prefix, lang)
            switch = self.router.rule_route(body[:2000]) if len(body) <= MAX_ROUTED_CHARS else None
            if switch in FLOW_ROUTES and FLOW_ROUTES[switch] != flow.flow:
                flow.status, flow.state = "cancelled", {"flow": flow.flow, "lang": lang, "switched_to": switch}
                return self._start_flow(db, conversation, FLOW_ROUTES[switch], body, now, lang)
            result = self.engine.reject(state, result)
        if result.kind == "complete":
            flow.status, flow.state = "completed", result.state
            reply = self.actions.run(spec.on_complete, db, conversation, result.state, now)
            flow.state = result.state  # the action may have dropped personal details (no consent)
            return reply
        flow.state = result.state
        reply = self._flow_reply(result, flow.flow, lang)
        reply.text = prefix + reply.text
        return reply

    def _digression(self, flow: FlowState, state: dict, side: RouteDecision, body: str, prefix: str,
                    lang: str) -> Reply:
        flow.state = state
        answer = side.answer or self.answerer.answer(body, use_llm=False)
        if answer.grounded and self.answerer.streams:
            answer = self.answerer.answer(body)  # the side question was recognised extractively
        resume = self.engine.prompt(state)
        reply = Reply(prefix + answer.answer + "\n\n" + text("continue", lang) + resume.text,
                      citations=answer.citations, quick_replies=resume.quick_replies, route=side.route,
                      flow=flow.flow, step=state["step"], language=lang)
        return reply

    def _flow_reply(self, outcome: TurnOutcome, name: str, lang: str) -> Reply:
        return Reply(outcome.text, quick_replies=outcome.quick_replies, route=name, flow=name,
                     step=outcome.state["step"], language=lang,
                     data={"offer_handover": outcome.offer_handover, "hint": outcome.hint_key})

    def _append_prompt(self, reply: Reply, flow: FlowState) -> None:
        resume = self.engine.prompt(flow.state)
        reply.text += "\n\n" + text("continue", reply.language) + resume.text
        reply.flow, reply.step, reply.quick_replies = flow.flow, flow.state["step"], resume.quick_replies

    # documents ----------------------------------------------------------------------------------
    def _check_upload(self, attachment: Attachment) -> CheckedUpload:
        """Store the file (content-addressed: the same file is kept once) and run the document check."""
        data = attachment.data if attachment.data is not None else Path(attachment.path or "").read_bytes()
        name = Path(attachment.filename).name[:200]
        upload = CheckedUpload(name, attachment.content_type[:100])
        if len(data) > self.max_upload_bytes:
            upload.too_big = True
            return upload
        upload.sha256 = hashlib.sha256(data).hexdigest()
        suffix = Path(attachment.filename).suffix.lower()[:10]
        path = self.uploads_dir / upload.sha256[:24] / f"original{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            tmp = path.with_name(path.name + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)  # never a half-written upload under the final name
        upload.path = path
        try:
            upload.check = self.verifier.verify(path)
        except DocumentUnreadable as exc:
            upload.unreadable = str(exc)
        except DocumentCheckUnavailable as exc:
            log.warning("document check unavailable: %s", exc)
        except Exception:  # a broken scan must not lose the upload or the turn
            log.exception("document check failed for %s", name)
        return upload

    def _document(self, db: Session, conversation: Conversation, upload: CheckedUpload, now: datetime,
                  lang: str) -> Reply:
        if upload.too_big:
            return Reply(text("document_too_big", lang, mb=str(self.max_upload_bytes // 2**20)), route="document",
                         language=lang)
        check, name = upload.check, upload.name
        db.add(Document(conversation_id=conversation.id, filename=name, content_type=upload.content_type,
                        path=str(upload.path), sha256=upload.sha256, doc_type=check.doc_type if check else None,
                        verdict=check.verdict if check else ("unreadable" if upload.unreadable else "unchecked"),
                        result=check.result if check else {},
                        created_at=now))
        if upload.unreadable:
            return Reply(text("document_unreadable", lang, name=name, reason=upload.unreadable), route="document",
                         language=lang, data={"verdict": "unreadable"})
        if check is None:
            return Reply(text("document_unavailable", lang, name=name), route="document", language=lang,
                         data={"verdict": "unchecked"})
        verdict = VERDICTS.get(check.verdict, {"zh": check.verdict, "en": check.verdict})[lang]
        doc_type = DOC_TYPES.get(check.doc_type, {"zh": check.doc_type, "en": check.doc_type})[lang]
        return Reply(text("document_checked", lang, name=name, doc_type=doc_type, verdict=verdict,
                          summary=check.summary), route="document", language=lang, data={"verdict": check.verdict})

    def _today(self, now: datetime) -> date:
        return now.astimezone(self.timezone).date()


def build_dialogue_manager(settings: Settings, *, answerer: QuestionAnswerer | None = None,
                           engine: Engine | None = None, clock: Callable[[], datetime] | None = None,
                           verifier: DocumentVerifier | None = None) -> DialogueManager:
    """Everything from settings; pass ``answerer``/``engine`` to share them (tests, several managers)."""
    from assistant.answering.service import build_answerer
    from assistant.calendar import BusinessCalendar
    from assistant.dialogue.texts import HINTS
    from assistant.documents import OcrPipelineVerifier
    from assistant.flows import load_flows
    from assistant.leads.products import ProductMatcher
    from assistant.leads.scorecard import Scorecard
    from assistant.store.db import make_engine, session_factory

    answerer = answerer or build_answerer(settings)
    engine = engine or make_engine(settings.sqlalchemy_url)
    timezone = ZoneInfo(settings.timezone)
    calendar = BusinessCalendar.load(settings.holidays_file) if settings.holidays_file else BusinessCalendar.load()
    actions = FlowActions(Scorecard.load(), ProductMatcher.load(answerer), calendar, timezone,
                          settings.service_hotline)
    return DialogueManager(
        session_factory(engine), answerer, FlowEngine(load_flows(), HINTS), actions,
        verifier or OcrPipelineVerifier(settings),
        settings.assistant_data_dir / "uploads", timezone, settings.service_hotline, clock=clock,
        max_upload_mb=settings.max_file_mb, resume_after=timedelta(minutes=settings.flow_resume_after_min),
        flow_ttl=timedelta(days=settings.flow_ttl_days))
