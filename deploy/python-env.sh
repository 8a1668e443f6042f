#!/usr/bin/env bash
# Creates deploy/.state/venv (git ignores it) with the independent SMPP implementations the interop tests talk to,
# from PyPI: smpplib (python-smpplib, a client that drives our simulator) and smpp34 (a Rust-backed SMPP 3.4
# server our client binds to); jsonschema (deploy/validate-schemas.py checks the docs' examples and the events of the
# end-to-end tests against docs/schemas/) and pika (the examples/ producer and consumer). Idempotent; deploy/test.sh
# calls it. Without it the interop suites are skipped, visibly.
set -euo pipefail
cd "$(dirname "$0")"
venv=.state/venv
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p .state
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import smpplib, smpp34, jsonschema, pika' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'smpplib>=2.2.3' 'smpp34==1.5.0' \
    'jsonschema>=4.18' 'pika>=1.3'
fi
"$venv/bin/python" -c 'import importlib.metadata as m; print("python-env:", *(f"{p} {m.version(p)}" for p in ("smpplib", "smpp34", "jsonschema", "pika")))'
