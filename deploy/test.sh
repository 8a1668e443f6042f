#!/usr/bin/env bash
# The README's test command: installs what the tests need, starts the services they use, builds and runs the whole
# suite. `.ci/run` calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/setup.sh
# The independent SMPP peers of the interop tests (python-smpplib in deploy/.state/venv; smpp34 in
# deploy/.state/interop-venv).
deploy/python-env.sh
deploy/interop-peers.sh
swift build --build-tests
swift test --skip-build
