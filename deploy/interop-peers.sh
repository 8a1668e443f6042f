#!/usr/bin/env bash
# Installs the independent SMPP implementations the interop tests talk to, in a venv under deploy/.state/
# (git ignores it): smpp34 (PyPI; a Rust-backed SMPP 3.4 server and client, not ours). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=deploy/.state/interop-venv
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p deploy/.state
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import smpp34' 2>/dev/null; then
  "$venv/bin/pip" install -q --disable-pip-version-check 'smpp34==1.5.0'
fi
