#!/usr/bin/env bash
# Quick start, command 2: set up and run the whole test suite (lint, the layer contracts, then pytest).
# PostgreSQL: set SME_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)
# to run the database tests on it as well as on SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check .
# The layers (pyproject.toml [tool.importlinter]): ui → assistant → (knowledge_base, ocr); eval imported by nothing.
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache
exec .venv/bin/pytest "$@"
