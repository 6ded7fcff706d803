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
