"""The composition root: every long-lived object is built here from ``Settings``, in one place.

The CLI, the web app and the benchmarks all call these functions, so the answerer, the OCR
verifier, the store and the dialogue manager are assembled the same way everywhere. Reading this
file top to bottom shows what the product is made of.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.clock import Clock, system_clock
from assistant.settings import Settings

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy import Engine

    from assistant.answering.service import QuestionAnswerer
    from assistant.calendar import BusinessCalendar
    from assistant.dialogue.pipeline import DialogueManager
    from assistant.documents import DocumentVerifier
    from assistant.handover.availability import Policy
    from knowledge_base.dense import Embedder
    from ocr.engine import EngineConfig
    from ocr.pipeline import VerifyOptions


# --- knowledge base and answers ------------------------------------------------------------------
def embedder_for(settings: Settings) -> Embedder | None:
    from knowledge_base.dense import Embedder

    return Embedder(settings.embedding_model) if settings.embedding_model else None


def ensure_default_kb(settings: Settings, kb_name: str | None = None) -> None:
    """A first run works: the demo knowledge base (the default, ``SME_DEFAULT_KB=demo``) is built
    from the bundled handbook when missing, and follows it when the package is updated.

    Only the demo: a bank's own knowledge base is never filled with demo text, and a missing one
    (or any other name the user gave) is reported by the store with the command to run.
    """
    from knowledge_base.bundled import DEMO_KB, ensure_demo
    from knowledge_base.store import KnowledgeBaseStore

    if (kb_name or settings.default_kb) == DEMO_KB:
        ensure_demo(KnowledgeBaseStore(settings.kb_dir), embedder=embedder_for(settings))


def build_answerer(settings: Settings, kb_name: str | None = None) -> QuestionAnswerer:
    from assistant.answering.service import build_answerer as assemble

    ensure_default_kb(settings, kb_name)
    return assemble(settings, kb_name)


# --- documents (OCR) -----------------------------------------------------------------------------
def ocr_engine_config(settings: Settings) -> EngineConfig:
    """The one mapping from ``SME_OCR_*`` settings to the OCR engine."""
    from ocr.engine import EngineConfig

    return EngineConfig(name=settings.ocr_engine, threads=settings.ocr_threads or -1,
                        paddle_det_dir=settings.ocr_paddle_det_dir, paddle_rec_dir=settings.ocr_paddle_rec_dir,
                        paddle_cls_dir=settings.ocr_paddle_cls_dir)


def ocr_verify_options(settings: Settings, *, applicant: str | None = None, annotate_dir: Path | None = None,
                       clock: Clock = system_clock) -> VerifyOptions:
    """The one mapping from settings to the checks' limits and options (``ocr/`` reads no clock:
    the document's arrival time and the bank's time zone come from here)."""
    from ocr.inputs import InputLimits
    from ocr.pipeline import VerifyOptions

    return VerifyOptions(
        limits=InputLimits(max_bytes=settings.ocr_max_upload_mb * 1024 * 1024, max_pixels=settings.ocr_max_pixels,
                           max_pages=settings.ocr_max_pages),
        max_age_days=settings.ocr_invoice_max_age_days, applicant=applicant, now=clock(),
        timezone=settings.timezone, seen_dir=settings.assistant_data_dir / "ocr", annotate_dir=annotate_dir)


def build_verifier(settings: Settings, *, annotate: bool = False, clock: Clock = system_clock) -> DocumentVerifier:
    from zoneinfo import ZoneInfo

    from assistant.documents import OcrPipelineVerifier
    from assistant.ocr_guard import GuardedVerifier

    inner = OcrPipelineVerifier(ocr_engine_config(settings), ocr_verify_options(settings), annotate=annotate,
                                clock=clock, timezone=ZoneInfo(settings.timezone))
    return GuardedVerifier(inner, max_total_pixels=settings.ocr_max_total_pixels, max_pages=settings.ocr_max_pages,
                           max_concurrent=settings.ocr_max_concurrent, wait_s=settings.ocr_queue_wait_s)


# --- conversations -------------------------------------------------------------------------------
def build_dialogue_manager(settings: Settings, *, answerer: QuestionAnswerer | None = None,
                           engine: Engine | None = None, clock: Clock | None = None,
                           verifier: DocumentVerifier | None = None) -> DialogueManager:
    """Everything from settings; pass ``answerer``/``engine`` to share them (tests, several managers)."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from assistant.calendar import BusinessCalendar
    from assistant.dialogue.actions import FlowActions
    from assistant.dialogue.pipeline import DialogueManager, TurnLimits
    from assistant.dialogue.texts import HINTS
    from assistant.flows import FlowEngine, load_flows
    from assistant.leads.products import ProductMatcher
    from assistant.leads.scorecard import Scorecard
    from assistant.store.db import make_engine, session_factory
    from assistant.uploads import UploadStore

    clock = clock or system_clock
    answerer = answerer or build_answerer(settings)
    engine = engine or make_engine(settings.sqlalchemy_url)
    timezone = ZoneInfo(settings.timezone)
    calendar = BusinessCalendar.load(settings.holidays_file) if settings.holidays_file else BusinessCalendar.load()
    actions = FlowActions(Scorecard.load(), ProductMatcher.load(answerer), calendar, timezone,
                          settings.service_hotline)
    limits = TurnLimits(resume_after=timedelta(minutes=settings.flow_resume_after_min),
                        flow_ttl=timedelta(days=settings.flow_ttl_days))
    return DialogueManager(
        session_factory(engine), answerer, FlowEngine(load_flows(), HINTS), actions,
        verifier or build_verifier(settings, clock=clock),
        UploadStore(settings.assistant_data_dir / "uploads", settings.max_file_mb * 1024 * 1024),
        timezone, settings.service_hotline, clock=clock, limits=limits,
        handover=handover_policy(settings, calendar, timezone))


# --- the staff inbox (issue 11) ------------------------------------------------------------------
def handover_policy(settings: Settings, calendar: BusinessCalendar, timezone: ZoneInfo) -> Policy:
    """The inbox's rules: business hours from the bank calendar, callbacks, who counts as online."""
    from datetime import timedelta

    from assistant.handover.availability import Policy

    return Policy(calendar, timezone, callback_hours=settings.handover_callback_hours,
                  online_window=timedelta(minutes=settings.handover_online_min))
