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
