#!/usr/bin/env bash
# The README's test command: installs what the tests need, starts the services they use, builds and runs the whole
# suite. `.ci/run` calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/setup.sh
# The independent SMPP peers of the interop tests (smpplib and smpp34 from PyPI, in deploy/.state/venv).
deploy/python-env.sh
swift build --build-tests
# Deployment files, checked without a Docker engine (none runs here): the compose files' shape, ports, paths,
# flags, environment variables and secrets, and `docker-compose config` (Debian's docker-compose, installed by
# deploy/setup.sh; it needs no engine); the Dockerfile's steps against the scripts and its runtime packages against
# ldd of the executables; the Grafana dashboard's queries against the metric names in the sources.
/usr/bin/python3 deploy/validate-compose.py
/usr/bin/python3 deploy/check-dockerfile.py
/usr/bin/python3 deploy/check-dashboard-metrics.py
# The example configuration: check-config accepts it; it names every key the bridge reads, each at its default.
/usr/bin/python3 deploy/check-example-config.py .build/debug/smpp-bridge
# The contract's JSON Schemas (docs/schemas/) against every ```json example in README.md and docs/*.md.
deploy/.state/venv/bin/python deploy/validate-schemas.py

# A private RabbitMQ on 127.0.0.1 for the RabbitMQ tests (deploy/rabbitmq.sh) and a private PostgreSQL for the
# shared store's tests (deploy/postgres.sh); stopped again however we exit, with the three-node RabbitMQ cluster of
# the end-to-end pass (deploy/rabbitmq-cluster.sh).
trap 'deploy/rabbitmq.sh stop || true; deploy/postgres.sh stop || true; deploy/rabbitmq-cluster.sh stop || true' EXIT
deploy/rabbitmq.sh start
eval "$(deploy/rabbitmq.sh env)"
deploy/postgres.sh start
eval "$(deploy/postgres.sh env)"

mkdir -p deploy/.state
# Two passes: the bridge's end-to-end suites (and the e2e benchmark's, which runs a bridge) run alone, after the rest, because some RabbitMQ tests restart,
# SIGSTOP or memory-alarm the shared broker, which would make a whole-pipeline test fail for reasons of its own.
# PostgresStoreRestartTests restarts the shared PostgreSQL, so it too waits for the second pass, as does
# BridgeClusterBudgetTests, which runs bridges on it.
e2e_suites='BridgeEndToEndTests|BridgeFaultTests|BridgeClusterTests|BridgeClusterBudgetTests|BridgeScaleOutTests|EndToEndBenchmarkTests|PostgresStoreRestartTests'
status=0
swift test --skip-build --skip "$e2e_suites" 2>&1 | tee deploy/.state/swift-test.log || status=$?
if [ "$status" -eq 0 ]; then
  # Every event the end-to-end tests receive is also written to deploy/.state/e2e-events/events.jsonl, then checked
  # against the contract's schemas (docs/schemas/); an invalid event or an empty capture fails the run.
  rm -rf deploy/.state/e2e-events && mkdir -p deploy/.state/e2e-events
  # BridgeClusterTests run the bridge on three RabbitMQ nodes joined into one cluster (started only for this pass).
  deploy/rabbitmq-cluster.sh start
  eval "$(deploy/rabbitmq-cluster.sh env)"
  SMPP_BRIDGE_TEST_EVENTS_DIR="$PWD/deploy/.state/e2e-events" swift test --skip-build --filter "$e2e_suites" 2>&1 \
    | tee deploy/.state/swift-test-e2e.log || status=$?
  if [ "$status" -eq 0 ]; then
    deploy/.state/venv/bin/python deploy/validate-schemas.py --events deploy/.state/e2e-events/events.jsonl || status=$?
  fi
fi
deploy/rabbitmq-cluster.sh stop || true
# examples/producer.py and consumer.py against this broker and a real bridge + simulator (one message: its result
# and receipt), the Dockerfile's HEALTHCHECK against that bridge, and its /metrics against the dashboard.
if [ "$status" -eq 0 ]; then
  deploy/examples-test.sh 2>&1 | tee deploy/.state/examples-test.log || status=$?
fi
deploy/rabbitmq.sh stop || true
deploy/postgres.sh stop || true
trap - EXIT
# One plain closing line for CI, from Swift Testing's own summaries of both passes.
count() { sed -nE 's/^.* Test run with ([0-9]+) tests? in [0-9]+ suites? passed.*$/\1/p' "$1" 2>/dev/null | tail -1; }
main_passed=$(count deploy/.state/swift-test.log)
e2e_passed=$(count deploy/.state/swift-test-e2e.log)
if [ "$status" -eq 0 ] && [ -n "$main_passed" ] && [ -n "$e2e_passed" ]; then
  echo "tests: $((main_passed + e2e_passed)) passed, 0 failed"
fi
exit "$status"
