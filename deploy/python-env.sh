#!/usr/bin/env bash
# Creates deploy/.state/venv with the independent SMPP client the interop tests drive our simulator with
# (PyPI smpplib). Idempotent; deploy/test.sh calls it. The Swift interop test is skipped (visibly) without it.
set -euo pipefail
cd "$(dirname "$0")"
venv=.state/venv
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p .state
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import smpplib' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'smpplib>=2.2.3'
fi
"$venv/bin/python" -c 'import smpplib, importlib.metadata as m; print("python-env: smpplib", m.version("smpplib"))'
