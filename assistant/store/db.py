"""The database engine and schema upgrades.

SQLite (a file in the data dir) is the embedded default; PostgreSQL (``SME_DATABASE_URL``) is what
several workers share. The schema is owned by Alembic: ``upgrade_schema`` runs the migrations,
and on PostgreSQL takes an advisory lock first so workers starting together migrate once.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK_ID = 7_241_001  # arbitrary, fixed: the advisory lock guarding migrations


def make_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            # Per worker process: 5 kept + 10 burst connections. pre_ping replaces connections a
            # PostgreSQL restart cut; the timeouts make a dead server an error in seconds, not a hang.
            engine = create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True, pool_recycle=1800,
                                   pool_timeout=10, connect_args=_pg_connect_args(url))
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise ConfigError(f"SME_DATABASE_URL: cannot use {url.split('@')[-1]!r}: {exc}") from exc
    return engine


def _pg_connect_args(url: str) -> dict[str, object]:
    if not url.startswith("postgresql"):
        return {}
    # connect_timeout: seconds to wait for a server that does not answer; statement_timeout: no query
    # may hold a conversation row lock (and a worker thread) for more than 30 s. Options already in
    # the URL (e.g. ?options=-csearch_path=bank) are kept: connect_args would otherwise replace them.
    query = make_url(url).query
    given = query.get("options", "")
    given = " ".join(given) if isinstance(given, tuple) else given
    options = given if "statement_timeout" in given else f"{given} -c statement_timeout=30000".strip()
    args: dict[str, object] = {"options": options}
    if "connect_timeout" not in query:
        args["connect_timeout"] = 5
    return args


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_schema(url: str, engine: Engine | None = None) -> str:
    """Bring the schema to the latest revision; returns it. Safe to call concurrently."""
    engine = engine or make_engine(url)
    try:
        with _sqlite_migration_lock(url), engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            return MigrationContext.configure(connection).get_current_revision() or "base"
    except OperationalError as exc:
        raise ConfigError(
            f"SME_DATABASE_URL: cannot connect to {url.split('@')[-1]!r}: {str(exc.orig).strip()[:200]}"
        ) from exc


@contextmanager
def _sqlite_migration_lock(url: str) -> Iterator[None]:
    """SQLite has no advisory locks: workers on one machine serialise migrations on a lock file instead."""
    database = make_url(url).database if url.startswith("sqlite") else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield
