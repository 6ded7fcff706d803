#!/usr/bin/env bash
# Set up ./.venv with the pinned dependencies (requirements.lock) and the project itself.
# Idempotent: re-running with an unchanged lock file and pyproject only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
  done
fi
if [ -z "$python_bin" ] || ! "$python_bin" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
  echo "setup: Python 3.11 or 3.12 is needed (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi

# --- System packages for the browser tests (tests/ui) -------------------------------------------
# Playwright drives Debian's chromium (never `playwright install`: no browser downloads here);
# a CJK font makes Chinese readable in the screenshots. Only when missing, only as root with apt.
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing chromium and a CJK font with apt-get (for the browser tests)"
    { apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } \
      || echo "setup: apt-get could not install chromium/fonts-wqy-microhei; the browser tests will fail" >&2
  else
    echo "setup: /usr/bin/chromium or a CJK font is missing and apt-get cannot run as root here;" \
         "install 'chromium' and 'fonts-wqy-microhei' for the browser tests in tests/ui" >&2
  fi
fi
# ------------------------------------------------------------------------------------------------

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $("$python_bin" --version)"
  "$python_bin" -m venv .venv
fi

stamp=.venv/.sme-setup-stamp
want="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

echo "setup: installing pinned dependencies (first run takes a few minutes)"
.venv/bin/python -m pip install --quiet --upgrade pip
# torch is pinned to the CPU build 2.13.0 in the lock file; no CUDA build is ever pulled in.
.venv/bin/python -m pip install --quiet -r requirements.lock
.venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/python -m pip check >/dev/null || { .venv/bin/python -m pip check; exit 1; }
echo "$want" > "$stamp"
echo "setup: done"
