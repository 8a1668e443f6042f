#!/usr/bin/env bash
# The README's test command: installs what the tests need, starts the services they use, builds and runs the whole
# suite. `.ci/run` calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/setup.sh
# The independent SMPP peers of the interop tests (smpplib and smpp34 from PyPI, in deploy/.state/venv).
deploy/python-env.sh
swift build --build-tests
# docker-compose.yml cannot be run here (no Docker engine): check its shape, ports, paths and flags instead.
/usr/bin/python3 deploy/validate-compose.py

# A private RabbitMQ on 127.0.0.1 for the RabbitMQ tests (deploy/rabbitmq.sh); stopped again however we exit.
trap 'deploy/rabbitmq.sh stop || true' EXIT
deploy/rabbitmq.sh start
eval "$(deploy/rabbitmq.sh env)"

mkdir -p deploy/.state
status=0
swift test --skip-build 2>&1 | tee deploy/.state/swift-test.log || status=$?
deploy/rabbitmq.sh stop || true
trap - EXIT
# One plain closing line for CI, from Swift Testing's own summary.
passed=$(sed -nE 's/^.* Test run with ([0-9]+) tests? in [0-9]+ suites? passed.*$/\1/p' deploy/.state/swift-test.log | tail -1)
if [ "$status" -eq 0 ] && [ -n "$passed" ]; then
  echo "tests: $passed passed, 0 failed"
fi
exit "$status"
