"""Fixtures shared by every test package: a throw-away data dir and the demo knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.settings import Settings, load_settings
from knowledge_base.ingest import ingest
from knowledge_base.store import KnowledgeBaseStore

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "knowledge_base" / "demo"
SEEDS = REPO.parent / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the demo handbook, ingested once per test run."""
    data = tmp_path_factory.mktemp("demo-data")
    report = ingest(KnowledgeBaseStore(data / "kb"), "demo", [DEMO / "handbook"],
                    glossary_path=DEMO / "synonyms.yaml")
    assert report.published and not report.failed
    return data


@pytest.fixture()
def demo_settings(demo_data_dir: Path, tmp_path: Path) -> Settings:
    """Settings on a private copy of the demo data dir, so a test may change it freely."""
    data = tmp_path / "data"
    shutil.copytree(demo_data_dir, data)
    return load_settings(assistant_data_dir=data)
