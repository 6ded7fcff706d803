#!/usr/bin/env bash
# Quick start, command 1: set up, build the demo knowledge base, and start the assistant on its
# embedded defaults (SQLite, BM25 retrieval, extractive answers, bundled OCR models; no LLM).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export SME_ASSISTANT_DATA_DIR="${SME_ASSISTANT_DATA_DIR:-$PWD/data}"
.venv/bin/sme-assistant db upgrade
.venv/bin/sme-assistant kb init-demo --quiet
# The web service: chat widget, REST API, staff console, WeChat bridge (`--host`, `--port`).
# For a terminal chat instead: .venv/bin/sme-assistant chat
exec .venv/bin/sme-assistant serve "$@"
