"""`sme-assistant db …` — the database schema."""

from __future__ import annotations

import typer

from assistant.store.db import upgrade_schema
from ui.cli.common import settings_from_cli

app = typer.Typer(no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Create or migrate the tables to the latest version (safe to run repeatedly)."""
    settings = settings_from_cli()
    revision = upgrade_schema(settings.sqlalchemy_url)
    print(f"database at revision {revision}: {settings.sqlalchemy_url.split('@')[-1]}")


@app.command("purge")
def purge() -> None:
    """Delete documents older than SME_DOCUMENTS_RETENTION_DAYS (files and rows; the audit log records it)."""
    from datetime import UTC, datetime

    from assistant.retention import purge_documents
    from assistant.store.db import make_engine, session_factory

    settings = settings_from_cli()
    engine = make_engine(settings.sqlalchemy_url)
    upgrade_schema(settings.sqlalchemy_url, engine)
    with session_factory(engine).begin() as db:
        count = purge_documents(db, settings.assistant_data_dir / "uploads", settings.documents_retention_days,
                                datetime.now(UTC))
    engine.dispose()
    print(f"{count} documents older than {settings.documents_retention_days} days deleted")
