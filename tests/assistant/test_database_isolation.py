"""Each PostgreSQL test run works in its own schema and never writes to the shared ``public`` schema."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from assistant.store.db import make_engine


def test_a_postgresql_run_has_its_own_schema_with_every_table(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only: SQLite runs use a file of their own")
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            schema = connection.scalar(text("SELECT current_schema()"))
            assert schema and schema.startswith("sme_test_"), schema
            tables = set(inspect(connection).get_table_names(schema=schema))
            assert {"conversation", "flow_state", "complaint_ticket", "lead", "document", "alembic_version"} <= tables
            # Writes made through this URL land in the run's schema, not in public.
            in_public = connection.scalar(text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_name IN ('conversation', 'flow_state', 'complaint_ticket', 'lead', 'document')"))
            assert in_public == 0
    finally:
        engine.dispose()
