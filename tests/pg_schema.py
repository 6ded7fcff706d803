"""A PostgreSQL schema of a test's own, migrated to the latest revision and dropped afterwards.

The ``test`` database is shared by runs (and by CI): each run works in ``<prefix><random>``
through ``search_path`` in the URL, so runs never see each other's rows. ``empty_schema`` gives the
same without migrating, for tests that walk the migrations themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from assistant.store.db import upgrade_schema


@contextmanager
def empty_schema(pg_url: str, prefix: str) -> Iterator[str]:
    """The database URL of a fresh, empty schema named ``prefix`` + random hex."""
    schema = f"{prefix}{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def migrated_schema(pg_url: str, prefix: str) -> Iterator[str]:
    """The database URL of a fresh, migrated schema named ``prefix`` + random hex."""
    with empty_schema(pg_url, prefix) as url:
        upgrade_schema(url)
        yield url
