"""A short load run (5 clients, 20 s, SQLite, one worker) through the real server: no errors, all accounted.

The full load and fault programs live in eval/ (they take minutes); this keeps their machinery
(serve, locust, ledger, accounting) working in CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.load.run import run_load
from eval.load.server import BIN


@pytest.mark.skipif(not (BIN / "locust").exists(), reason="locust is not installed (the test extra)")
def test_five_clients_for_twenty_seconds_lose_nothing(tmp_path: Path) -> None:
    result = run_load(db="sqlite", workers=1, users=5, spawn_rate=5, duration_s=20, think="0.2,0.6",
                      label="pytest-smoke", out_dir=tmp_path)
    accounting = result["accounting"]
    assert result["failures"] == 0, result["error_samples"]
    assert result["requests"] > 50
    assert accounting["messages_acked"] > 30 and accounting["messages_lost"] == 0
    assert accounting["replies_missing"] == 0 and accounting["complete"], accounting
    assert (tmp_path / "pytest-smoke.json").is_file()
