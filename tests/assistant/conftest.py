"""Fixtures for the conversation tests: the demo knowledge base, and each database the run covers.

SQLite always; PostgreSQL too when ``SME_TEST_DATABASE_URL`` points at one. Each PostgreSQL run works
in a fresh schema that is dropped afterwards, because other runs share that database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from assistant.answering.service import QuestionAnswerer, build_answerer
from assistant.dialogue import DialogueManager
from assistant.settings import Settings, load_settings
from assistant.store.db import make_engine, session_factory, upgrade_schema
from assistant.wiring import build_dialogue_manager
from knowledge_base.ingest import ingest
from knowledge_base.store import KnowledgeBaseStore
from tests.pg_schema import migrated_schema

DEMO_DIR = Path(__file__).resolve().parents[2] / "knowledge_base" / "demo"
PG_URL = os.environ.get("SME_TEST_DATABASE_URL")
DATABASES = ["sqlite", *(["postgresql"] if PG_URL else [])]
_covered: set[str] = set()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assistant-data")


@pytest.fixture(scope="session")
def answerer(data_dir: Path) -> QuestionAnswerer:
    settings = load_settings(assistant_data_dir=data_dir)
    ingest(KnowledgeBaseStore(settings.kb_dir), "demo", [DEMO_DIR / "handbook"],
           glossary_path=DEMO_DIR / "synonyms.yaml")
    return build_answerer(settings)


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir / 'conversations.db'}"
        upgrade_schema(url)
        _covered.add("sqlite")
        yield url
        return
    assert PG_URL
    with migrated_schema(PG_URL, "sme_test_") as url:
        _covered.add("postgresql")
        yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Database sessions on the run's database, for tests that look at what was stored."""
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def settings(data_dir: Path, database_url: str) -> Settings:
    return load_settings(assistant_data_dir=data_dir, database_url=database_url)


@pytest.fixture
def new_manager(settings: Settings, answerer: QuestionAnswerer) -> Iterator[Callable[..., DialogueManager]]:
    """Build a manager on a fresh engine, as a new process would; call again to 'restart'."""
    engines = []

    def build(clock: Callable[[], datetime]) -> DialogueManager:
        engine = make_engine(settings.sqlalchemy_url)
        engines.append(engine)
        return build_dialogue_manager(settings, answerer=answerer, engine=engine, clock=clock)

    yield build
    for engine in engines:
        engine.dispose()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if not _covered:
        return
    skipped = "" if PG_URL else " (PostgreSQL not covered: set SME_TEST_DATABASE_URL)"
    terminalreporter.write_line(f"conversation tests covered databases: {', '.join(sorted(_covered))}{skipped}")
