"""A real server on loopback with the usual staff accounts, for the attacks of issue 13."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from assistant.store.db import make_engine, session_factory
from assistant.store.models import AuditLog
from tests.ui.conftest import Server, make_settings, start_server, stop_server


@pytest.fixture(scope="module")
def server(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("security"))
    running = start_server(settings, with_widget=False)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def audit_rows(server: Server, **where: Any) -> list[AuditLog]:
    engine = make_engine(server.settings.sqlalchemy_url)
    try:
        with session_factory(engine)() as db:
            query = select(AuditLog).order_by(AuditLog.id)
            for name, value in where.items():
                query = query.where(getattr(AuditLog, name) == value)
            return list(db.scalars(query))
    finally:
        engine.dispose()
