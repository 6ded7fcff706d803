"""`sme-assistant serve` — the ASGI app (REST API, web widget, staff console, WeChat bridge)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ui.cli.common import settings_from_cli

HELP = "Start the web service: chat widget, REST API, staff console and WeChat bridge in one app."


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    no_widget: Annotated[bool, typer.Option("--no-widget", help="Leave out the Gradio widget (API only).")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes sharing the database "
                                         "(use PostgreSQL for more than one).")] = 1,
) -> None:
    import logging

    import uvicorn

    from assistant.store.db import upgrade_schema
    from assistant.wiring import ensure_default_kb
    from ui.app import CONSOLE_PATH, WIDGET_PATH, create_app
    from ui.security import load_secret

    settings = settings_from_cli()
    logging.getLogger("ui").setLevel(logging.INFO)
    ensure_default_kb(settings)  # a first run answers from the demo handbook; built once, before any worker
    if workers > 1:
        # Migrate once here, before the workers start; each worker's own upgrade is then a no-op
        # (and still safe: an advisory lock on PostgreSQL, a lock file on SQLite).
        upgrade_schema(settings.sqlalchemy_url)
        load_secret(settings)  # generated here once (when unset), so every worker signs with the same key
        if settings.ocr_threads == 0:
            # One OCR engine per worker would otherwise each start a thread per core: N workers would
            # run N × cores threads and slow each other down. Workers read their settings from the
            # environment, so this is how the share reaches them.
            os.environ["SME_OCR_THREADS"] = str(max(1, (os.cpu_count() or 1) // workers))
        if settings.sqlalchemy_url.startswith("sqlite"):
            logging.getLogger("ui").warning("SQLite with %d workers: writes are serialised; use PostgreSQL "
                                            "(SME_DATABASE_URL) to scale out", workers)
        app = "ui.app:worker_api_app" if no_widget else "ui.app:worker_app"
    else:
        app = create_app(settings, with_widget=not no_widget)
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    print(f"{settings.bank_name} SME assistant on {base}")
    if not no_widget:
        print(f"  chat widget    {base}{WIDGET_PATH}/")
    print(f"  staff console  {base}{CONSOLE_PATH}/   (add users: sme-assistant staff add NAME --role agent)")
    print(f"  REST API       {base}/api/chat   docs {base}/docs   OpenAPI {base}/openapi.json")
    print(f"  WeChat         {base}/wechat" + ("" if settings.wechat_token else "   (off: set SME_WECHAT_TOKEN)"),
          flush=True)
    if workers > 1:
        print(f"  workers        {workers} processes on {settings.sqlalchemy_url.split('@')[-1]}", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True, timeout_graceful_shutdown=5,
                workers=workers if workers > 1 else None, factory=workers > 1)
