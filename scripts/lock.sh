#!/usr/bin/env bash
# Regenerate requirements.lock from the current .venv (after changing dependencies in pyproject).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip list --format=freeze --exclude-editable \
  | sed -E 's/^torch==([0-9.]+)\+cpu$/torch==\1/' \
  | grep -v -E "^(sme-assistant|pip|setuptools|wheel)==" > requirements.lock
echo "wrote requirements.lock ($(wc -l < requirements.lock) packages)"
