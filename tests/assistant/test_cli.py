"""The command line: usage mistakes are one clear message and exit 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SME_ASSISTANT_DATA_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.mark.parametrize("args", [("ask", "--bogus"), ("kb", "ingest"), ("kb", "stats", "--json", "--extra"),
                                  ("frobnicate",)])
def test_usage_errors_exit_2_with_a_message_and_no_traceback(tmp_path: Path, args: tuple[str, ...]):
    result = run(tmp_path, *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Error" in result.stderr or "错误" in result.stderr


def test_every_command_has_help(tmp_path: Path):
    for args in (("--help",), ("ask", "--help"), ("kb", "ingest", "--help"), ("kb", "gaps", "--help"),
                 ("eval", "kb", "--help"), ("ocr", "verify", "--help"), ("chat", "--help"), ("serve", "--help"),
                 ("staff", "add", "--help"), ("db", "upgrade", "--help"), ("eval", "all", "--help")):
        result = run(tmp_path, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert "Usage" in result.stdout


def test_a_first_ask_on_a_fresh_data_dir_builds_the_demo_knowledge_base_and_answers(tmp_path: Path):
    result = run(tmp_path / "fresh", "ask", "科技贷最多能贷多少？", "--json")
    assert result.returncode == 0, result.stderr
    assert "1000万元" in result.stdout and '"grounded": true' in result.stdout
    assert (tmp_path / "fresh" / "kb").is_dir()


def test_a_knowledge_base_the_user_named_is_not_invented(tmp_path: Path):
    result = run(tmp_path, "ask", "科技贷最多能贷多少？", "--kb", "nosuch")
    assert result.returncode == 2 and "nosuch" in result.stderr and "Traceback" not in result.stderr


def test_eval_commands_come_from_the_entry_point_group_not_from_the_product():
    from importlib.metadata import entry_points

    names = {entry.name: entry.value for entry in entry_points(group="sme_assistant.commands")}
    assert names.get("eval") == "eval.cli:register"
