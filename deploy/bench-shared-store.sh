#!/usr/bin/env bash
# The shared-store benchmark of issue 9, in one session against one private RabbitMQ (deploy/rabbitmq.sh) and one
# private PostgreSQL (deploy/postgres.sh):
#
#   1. the ceiling: the C stand-in of ../shared/tools/broker-reference driven by its `feed` (as bench-e2e.sh);
#   2. one `smpp-bridge run` on the embedded SQLite store, measured by `smpp-bench e2e --bridge-pid`;
#   3. two `smpp-bridge run` instances on the PostgreSQL store (store.url), sharing the account's sessions through
#      the cluster session budget (smpp.sessions is then the total), measured by `smpp-bench e2e`; the CPU of each
#      instance and of PostgreSQL (the postmaster and its backends) is read from /proc before and after the run.
#
# Runs 2 and 3 also print the broker's CPU per request, the cores the broker (and PostgreSQL) kept busy while the run
# lasted, and each instance's store latency from its /metrics (`operation:count:p50:p99`, ms, bucket upper bounds):
# whether the store or the broker is the limit.
#
# All three against the same `smsc-sim` (4 sessions × window 100 in total, TLS, receipts), N requests each.
# Usage: deploy/bench-shared-store.sh [-n REQUESTS (20000)]. Everything listens on 127.0.0.1 and what this script
# started is stopped on exit (running brokers and databases are reused and left running).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

n=20000
while getopts "n:" option; do
  case "$option" in
    n) n="$OPTARG" ;;
    *) echo "usage: $0 [-n REQUESTS]" >&2; exit 2 ;;
  esac
done
limit="${SMPP_BRIDGE_BENCH_TIMEOUT:-300}"
sim_port="${SMPP_BRIDGE_BENCH_SMSC_PORT:-2779}"
http_port="${SMPP_BRIDGE_BENCH_HTTP_PORT:-18089}"
amqp_port="${SMPP_BRIDGE_RABBITMQ_PORT:-24672}"
reference="${BROKER_REFERENCE:-../shared/tools/broker-reference}"
say() { echo "bench-shared-store: $*" >&2; }

say "building release binaries and the stand-in"
for product in smpp-bridge smsc-sim smpp-bench; do
  swift build -c release --scratch-path .build-release --product "$product" --quiet >&2 \
    || { say "building $product failed"; exit 1; }
done
bin="$(swift build -c release --scratch-path .build-release --show-bin-path)"
ref="$("$reference/build.sh" "$PWD/.build-release/broker-reference")"

work="$(mktemp -d "${TMPDIR:-/tmp}/bench-shared-store.XXXXXX")"
started_broker="" started_postgres=""
bridge_pids=()
cleanup() {
  # Further signals wait for the cleanup (the simulator runs in a session of its own: left behind, nothing stops it).
  trap '' INT TERM
  stop_pid "${standin_pid:-}"
  stop_pid "${bridge_pid:-}"  # one that never got ready
  for pid in "${bridge_pids[@]}"; do stop_pid "$pid"; done
  stop_pid "${sim_pid:-}"
  if [ -n "$started_broker" ]; then deploy/rabbitmq.sh stop || true; fi
  if [ -n "$started_postgres" ]; then deploy/postgres.sh stop || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! deploy/rabbitmq.sh status >/dev/null 2>&1; then started_broker=1; deploy/rabbitmq.sh start; fi
if ! deploy/postgres.sh status >/dev/null 2>&1; then started_postgres=1; deploy/postgres.sh start; fi
eval "$(deploy/rabbitmq.sh env)"
eval "$(deploy/postgres.sh env)"
amqp_url="$SMPP_BRIDGE_TEST_AMQP_URL"

# CPU seconds so far of PostgreSQL: the postmaster with its reaped children, plus every live backend.
postgres_cpu() {
  local master
  master="$(deploy/postgres.sh pid)"
  awk -v a="$(cpu_of "$master" children)" -v b="$(cpu_sum $(pgrep -P "$master"))" 'BEGIN { printf "%.3f", a + b }'
}

start_smsc_sim "$bin" "$sim_port" demo:demo1234:4 --log-level warning > "$work/smsc-sim.log" 2>&1
wait_until 30 "smsc-sim on 127.0.0.1:$sim_port" port_open "$sim_port"
status=0

# cores US_PER_REQUEST E2E_LINE: CPU µs per request × the run's requests/s — how many cores that process kept busy.
cores() { awk -v us="$1" -v rate="$(field requests_per_s "$2")" 'BEGIN { printf "%.2f", us * rate / 1e6 }'; }

# --- 1. the stand-in and feed -------------------------------------------------------------------------------------
delete_queues smpp.outbound
run_standin "$ref" "$amqp_port" "$n" "$limit" "$work"
delete_queues smpp.outbound pipeline.results pipeline.dlr

# instance NAME HTTP_PORT [VAR=VALUE…]: one `smpp-bridge run` (lib.sh start_bridge), ready; appends its pid.
instance() {
  start_bridge "$bin/smpp-bridge" "$work" "$1" "$sim_port" "$amqp_url" "$2" "${@:3}"
  bridge_pids+=("$bridge_pid")
  bridge_pid=""
}

# --- 2. one bridge on SQLite --------------------------------------------------------------------------------------
instance sqlite "$http_port"
before_broker="$(cpu_sum $(broker_pids))"
sqlite_e2e="$("$bin/smpp-bench" e2e --amqp-url "$amqp_url" -n "$n" --timeout "$limit" --bridge-pid "${bridge_pids[0]}")" || status=$?
sqlite_broker="$(per_request_us "$before_broker" "$(cpu_sum $(broker_pids))" "$n")"
echo "one bridge, SQLite: $sqlite_e2e"
echo "one bridge, SQLite: broker $sqlite_broker µs per request ($(cores "$sqlite_broker" "$sqlite_e2e") cores);" \
  "store latency (operation:count:p50:p99 ms) $(store_latency "$http_port")"
stop_pid "${bridge_pids[0]}"
bridge_pids=()
delete_queues smpp.outbound

# --- 3. two bridges on PostgreSQL ---------------------------------------------------------------------------------
# An empty schema public, owned by the database owner again (as a fresh database has it), for the two bridges.
deploy/postgres.sh psql -d smpp_bridge -c 'SET client_min_messages = warning; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public AUTHORIZATION pg_database_owner;' >/dev/null
instance pg-a "$((http_port + 1))" STORE_URL="$SMPP_BRIDGE_TEST_POSTGRES_URL"
instance pg-b "$((http_port + 2))" STORE_URL="$SMPP_BRIDGE_TEST_POSTGRES_URL"
before_a="$(cpu_of "${bridge_pids[0]}")" before_b="$(cpu_of "${bridge_pids[1]}")" before_pg="$(postgres_cpu)"
before_broker="$(cpu_sum $(broker_pids))"
pg_e2e="$("$bin/smpp-bench" e2e --amqp-url "$amqp_url" -n "$n" --timeout "$limit")" || status=$?
after_a="$(cpu_of "${bridge_pids[0]}")" after_b="$(cpu_of "${bridge_pids[1]}")" after_pg="$(postgres_cpu)"
pg_broker="$(per_request_us "$before_broker" "$(cpu_sum $(broker_pids))" "$n")"
postgres_us="$(per_request_us "$before_pg" "$after_pg" "$n")"
echo "two bridges, PostgreSQL: $pg_e2e"
echo "two bridges, PostgreSQL: CPU µs per request (of all $n): pg-a $(per_request_us "$before_a" "$after_a" "$n")" \
  "pg-b $(per_request_us "$before_b" "$after_b" "$n") postgres $postgres_us broker $pg_broker"
# "The store must not become the limit before the broker does" (issue 9): how much of the machine each used while
# the run lasted, and how long the instances waited for store calls (the 20 ms commit spacing included).
echo "two bridges, PostgreSQL: cores busy: broker $(cores "$pg_broker" "$pg_e2e"), PostgreSQL $(cores "$postgres_us" "$pg_e2e");" \
  "store latency (operation:count:p50:p99 ms) pg-a $(store_latency "$((http_port + 1))") pg-b $(store_latency "$((http_port + 2))")"

standin_rate="$(field rate "$standin_feed")"
echo "ratio (bridge / stand-in requests/s): SQLite $(ratio "$(field requests_per_s "$sqlite_e2e")") PostgreSQL x2 $(ratio "$(field requests_per_s "$pg_e2e")")"
exit "$status"
