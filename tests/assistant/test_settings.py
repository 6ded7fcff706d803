"""One settings object: environment, config file, and errors that name the setting to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.settings import load_settings


def test_defaults_are_the_embedded_offline_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.llm_backend == "extractive" and settings.embedding_model is None
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'data' / 'assistant.db'}"
    assert (tmp_path / "data").is_dir()


def test_environment_and_toml_file_with_the_environment_winning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config = tmp_path / "sme.toml"
    config.write_text(f'default_kb = "bank"\nretrieval_top_k = 7\nassistant_data_dir = "{tmp_path}"\n', "utf-8")
    monkeypatch.setenv("SME_CONFIG_FILE", str(config))
    monkeypatch.setenv("SME_RETRIEVAL_TOP_K", "3")
    settings = load_settings()
    assert settings.default_kb == "bank" and settings.retrieval_top_k == 3


def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("SME_ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SME_RELEVANCE_THRESHOLD", "high")
    with pytest.raises(ConfigError, match="SME_RELEVANCE_THRESHOLD"):
        load_settings()


def test_a_missing_config_file_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("SME_CONFIG_FILE", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="SME_CONFIG_FILE"):
        load_settings()
