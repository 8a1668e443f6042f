#!/usr/bin/env bash
# Creates deploy/.state/venv (git ignores it) with the independent SMPP implementations the interop tests talk to,
# from PyPI: smpplib (python-smpplib, a client that drives our simulator) and smpp34 (a Rust-backed SMPP 3.4
# server our client binds to). Idempotent; deploy/test.sh calls it. Without it the interop suites are skipped,
# visibly.
set -euo pipefail
cd "$(dirname "$0")"
venv=.state/venv
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p .state
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import smpplib, smpp34' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'smpplib>=2.2.3' 'smpp34==1.5.0'
fi
"$venv/bin/python" -c 'import importlib.metadata as m; print("python-env: smpplib", m.version("smpplib"), "smpp34", m.version("smpp34"))'
