"""The ASGI app factory: one app with the REST API, web widget, staff console and WeChat bridge.

``create_app(settings)`` builds the dialogue manager (``assistant.wiring``), the database session
factory, the token signer and the notifier once, then mounts the channels — REST, WeChat, the
widget — each built from the one ``on_message`` callback, and the staff routes. Nothing is
global, so tests build as many apps as they like and a worker process builds exactly one.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from assistant.answering.service import QuestionAnswerer
from assistant.clock import Clock, system_clock
from assistant.dialogue import DialogueManager
from assistant.documents import DocumentVerifier
from assistant.settings import Settings
from assistant.store.db import make_engine, session_factory, upgrade_schema
from assistant.wiring import build_dialogue_manager, build_verifier
from ui.channels import rest, wechat
from ui.errors import install_error_handlers
from ui.inbox import install_inbox
from ui.notify import Notifier
from ui.security import Signer, load_secret
from ui.services import Services

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
WIDGET_PATH, CONSOLE_PATH = "/widget", "/console"


def create_app(settings: Settings, *, answerer: QuestionAnswerer | None = None, engine: Engine | None = None,
               manager: DialogueManager | None = None, verifier: DocumentVerifier | None = None,
               clock: Clock | None = None, with_widget: bool = True) -> FastAPI:
    from ui.hardening import install_hardening, restrict_files
    from ui.middleware.ratelimit import RateLimiter
    from ui.routes import console, console_complaints, files, health, staff

    restrict_files(settings)  # before the database or any upload is created
    engine = engine or make_engine(settings.sqlalchemy_url)
    upgrade_schema(settings.sqlalchemy_url, engine)
    manager = manager or build_dialogue_manager(settings, answerer=answerer, engine=engine, clock=clock,
                                                verifier=verifier or build_verifier(settings, annotate=True))
    services = Services(
        settings=settings, manager=manager, sessions=session_factory(engine),
        signer=Signer(load_secret(settings), settings.staff_token_ttl_min * 60),
        notifier=Notifier(settings.notify_webhook_url, settings.notify_retries, settings.notify_backoff_s,
                          settings.public_base_url),
        timezone=ZoneInfo(settings.timezone), clock=clock or system_clock)

    inboxes = []  # the staff inbox (issue 11), installed below

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        services.close()
        for inbox in inboxes:
            inbox.close()

    docs = settings.api_docs  # off by default: the docs page loads its scripts from a CDN
    app = FastAPI(title=f"{settings.bank_name} SME assistant", version="0.1.0", lifespan=lifespan,
                  description="Chat API, document upload, staff console API and WeChat bridge.",
                  docs_url="/docs" if docs else None, redoc_url=None, openapi_url="/openapi.json" if docs else None)
    app.state.services = services
    app.state.limiter = RateLimiter()
    install_hardening(app, settings, WIDGET_PATH, app.state.limiter)
    install_error_handlers(app, settings.service_hotline)
    app.include_router(health.router)
    # The client channels: each owns its routes and renders the same turn events its own way.
    app.include_router(rest.build_router(services.on_message, services))
    app.include_router(wechat.build_router(services.on_message, services))
    app.include_router(files.router)
    inboxes.append(install_inbox(app, services))  # staff inbox API, client messages and SSE, WeChat pushes
    app.include_router(staff.router)
    app.include_router(console.router)
    app.include_router(console_complaints.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if with_widget:
        from ui.channels.widget import mount_widget

        app = mount_widget(app, services.on_message, services, WIDGET_PATH)
    app.state.ready = True
    return app


def worker_app() -> FastAPI:
    """The app of one worker process of ``serve --workers N`` (uvicorn ``--factory``).

    Each worker builds its own settings from the same ``SME_*`` environment and its own engine and
    pool; they share nothing but the database, which holds every conversation and flow.
    """
    from assistant.settings import load_settings

    return create_app(load_settings())


def worker_api_app() -> FastAPI:
    """``worker_app`` without the Gradio widget (``serve --no-widget --workers N``)."""
    from assistant.settings import load_settings

    return create_app(load_settings(), with_widget=False)
