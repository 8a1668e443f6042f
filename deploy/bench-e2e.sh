#!/usr/bin/env bash
# The end-to-end benchmark of issue 7, in one session against one private RabbitMQ (deploy/rabbitmq.sh):
#
#   1. the ceiling: the C stand-in of ../shared/tools/broker-reference (only the bridge's broker work) driven by its
#      `feed` (N requests with receipts), which prints one `mode=feed … rate=…` line and the stand-in its own;
#   2. the bridge: `smpp-bridge run` as its own process (4 sessions × window 100) against `smsc-sim` on 127.0.0.1
#      over TLS with receipts, measured twice —
#        - `smpp-bench e2e --bridge-pid`: our command (one JSON line: requests/s, result p50/p99, the bridge's CPU
#          µs per request and peak RSS, and the checks: every result, a receipt per accepted segment);
#        - the same C `feed -X -B pid` that measured the stand-in: the like-for-like comparison. Both load
#          generators share the 2 cores with the bridge, and they are different programs (Swift RabbitMQ layer vs
#          librabbitmq, JSON parser vs memmem), so only feed-vs-feed isolates the bridge; the e2e line is the
#          richer figure and the check that nothing is lost (its rate close to feed's says the generator is not
#          the limit);
#   3. ratio = bridge rate / stand-in rate (issue 7's target: ≥ 0.8), for both bridge lines.
#
# Usage: deploy/bench-e2e.sh [-n REQUESTS (10000)] [-m] [-c] [-a] (-m: smpp-bench e2e sends the --mix of alphabets
# and long messages; feed always sends short GSM). -a: ABBA order for the feed-vs-feed ratio — after the bridge's feed
# run a second one, then the bridge is stopped and the stand-in measured again; prints the mean ratio as well (on a
# shared machine the run that comes first is often the slower one, and the stand-in otherwise always comes first).
# -c: on the three-node cluster of deploy/rabbitmq-cluster.sh (started and stopped here unless it runs) with quorum
# queues: vhost `/` is recreated with default queue type quorum for the run (the C tools declare their durable queues
# without a type and cannot pick a vhost), so the stand-in's and feed's durable queues are quorum like the bridge's, and
# restored (classic default) at the end — do not run it while tests use the cluster. The C tools connect to node 1; the
# bridge is given all three nodes (shuffled). Everything listens on 127.0.0.1 and is stopped on exit; a broker that was
# already running (`deploy/rabbitmq.sh status`) is reused and left running. From a worktree, point
# SMPP_BRIDGE_RABBITMQ_STATE at the checkout whose broker runs (e.g. /work/main/deploy/.state/rabbitmq).
# SMPP_BRIDGE_BENCH_PERF=FILE records a perf call-graph profile of the bridge during its feed run
# (SMPP_BRIDGE_BENCH_PERF_CALLGRAPH=dwarf for unwinding through the Swift runtime). Ports: SMPP_BRIDGE_BENCH_SMSC_PORT
# (2779), SMPP_BRIDGE_BENCH_HTTP_PORT (18089); each run is bounded by SMPP_BRIDGE_BENCH_TIMEOUT seconds (300). Needs the
# queues smpp.outbound/smpp.dead and exchanges smpp.results and smpp.dlr of that broker to itself while it runs (it
# deletes those queues between the runs and at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

n=10000
mix=()
cluster=""
abba=""
while getopts "n:mca" option; do
  case "$option" in
    n) n="$OPTARG" ;;
    m) mix=(--mix) ;;
    c) cluster=1 ;;
    a) abba=1 ;;
    *) echo "usage: $0 [-n REQUESTS] [-m] [-c] [-a]" >&2; exit 2 ;;
  esac
done
limit="${SMPP_BRIDGE_BENCH_TIMEOUT:-300}"
sim_port="${SMPP_BRIDGE_BENCH_SMSC_PORT:-2779}"
http_port="${SMPP_BRIDGE_BENCH_HTTP_PORT:-18089}"
amqp_port="${SMPP_BRIDGE_RABBITMQ_PORT:-24672}"
broker=(deploy/rabbitmq.sh)
rabbitmq_ctl=(deploy/rabbitmq.sh ctl)  # lib.sh's queue helpers act on this broker
if [ -n "$cluster" ]; then
  amqp_port=$(( ${SMPP_BRIDGE_RABBITMQ_CLUSTER_BASE:-24700} + 11 ))
  broker=(deploy/rabbitmq-cluster.sh)
  rabbitmq_ctl=(deploy/rabbitmq-cluster.sh ctl 1)
fi
reference="${BROKER_REFERENCE:-../shared/tools/broker-reference}"
say() { echo "bench-e2e: $*" >&2; }

say "building release binaries and the stand-in"
for product in smpp-bridge smsc-sim smpp-bench; do
  swift build -c release --scratch-path .build-release --product "$product" --quiet >&2 \
    || { say "building $product failed"; exit 1; }
done
bin="$(swift build -c release --scratch-path .build-release --show-bin-path)"
ref="$("$reference/build.sh" "$PWD/.build-release/broker-reference")"

work="$(mktemp -d "${TMPDIR:-/tmp}/bench-e2e.XXXXXX")"
started_broker=""
cleanup() {
  # Further signals wait for the cleanup (the simulator runs in a session of its own: left behind, nothing stops it).
  trap '' INT TERM
  stop_pid "${perf_pid:-}"
  stop_pid "${standin_pid:-}"
  stop_pid "${bridge_pid:-}"
  stop_pid "${sim_pid:-}"
  if [ -n "$cluster" ] && [ -z "$started_broker" ]; then reset_vhost "" || true; fi
  # feed's durable event queues stay bound to the event exchanges and outlive a broker restart: left behind, they
  # would take a persistent copy of every event of whatever runs next on this broker (tests, other benchmarks).
  if [ -n "${feed_queues:-}" ]; then delete_queues smpp.outbound smpp.dead "${feed_queues[@]}"; fi
  if [ -n "$started_broker" ]; then "${broker[@]}" stop || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Recreates vhost / with the given default queue type ("" = the broker's default, classic) and guest's permissions.
reset_vhost() {
  "${rabbitmq_ctl[@]}" delete_vhost / >/dev/null 2>&1 || true
  if [ -n "$1" ]; then "${rabbitmq_ctl[@]}" add_vhost / --default-queue-type "$1"; else "${rabbitmq_ctl[@]}" add_vhost /; fi
  "${rabbitmq_ctl[@]}" set_permissions -p / guest ".*" ".*" ".*"
}
if "${broker[@]}" status >/dev/null 2>&1; then
  say "reusing the running broker ($("${broker[@]}" status | tr '\n' ' '))"
elif port_open "$amqp_port"; then
  say "127.0.0.1:$amqp_port is in use by a broker this checkout did not start: set SMPP_BRIDGE_RABBITMQ_STATE to its state directory"
  exit 1
else
  started_broker=1
  "${broker[@]}" start
fi
if [ -n "$cluster" ]; then
  eval "$(deploy/rabbitmq-cluster.sh env)"
  amqp_url="$SMPP_BRIDGE_TEST_AMQP_CLUSTER_URL"
  say "vhost / with default queue type quorum for this run"
  reset_vhost quorum
else
  eval "$(deploy/rabbitmq.sh env)"
  amqp_url="$SMPP_BRIDGE_TEST_AMQP_URL"
fi
# A queue left by the bridge has x-dead-letter-exchange, which breaks the stand-in's declare, and vice versa. feed's
# durable event queues stay bound after it exits: left alone, they would take a copy of every event of the next run
# (extra broker work that only the bridge's runs would pay) and of later traffic on the shared broker.
feed_queues=(pipeline.results pipeline.dlr)

start_smsc_sim "$bin" "$sim_port" demo:demo1234:8 --log-level warning > "$work/smsc-sim.log" 2>&1
wait_until 30 "smsc-sim on 127.0.0.1:$sim_port" port_open "$sim_port"

status=0
# --- 1. the stand-in and feed -------------------------------------------------------------------------------------
delete_queues smpp.outbound
broker_before=$(cpu_sum $(broker_pids))
run_standin "$ref" "$amqp_port" "$n" "$limit" "$work"
standin_broker_us=$(per_request_us "$broker_before" "$(cpu_sum $(broker_pids))" "$n")

# --- 2. the bridge ------------------------------------------------------------------------------------------------
delete_queues smpp.outbound "${feed_queues[@]}"
start_bridge "$bin/smpp-bridge" "$work" bridge "$sim_port" "$amqp_url" "$http_port"

e2e="$("$bin/smpp-bench" e2e --amqp-url "$amqp_url" -n "$n" --timeout "$limit" --bridge-pid "$bridge_pid" \
  "${mix[@]}")" || status=$?
echo "bridge e2e: $e2e"
# SMPP_BRIDGE_BENCH_PERF=FILE: a call-graph profile of the bridge during the feed run (`perf report -i FILE`);
# SMPP_BRIDGE_BENCH_PERF_CALLGRAPH=dwarf unwinds through Swift's runtime (no frame pointers there; larger files).
# SMPP_BRIDGE_BENCH_PERF_FREQUENCY: samples per second (499).
if [ -n "${SMPP_BRIDGE_BENCH_PERF:-}" ]; then
  perf record -q -F "${SMPP_BRIDGE_BENCH_PERF_FREQUENCY:-499}" --call-graph "${SMPP_BRIDGE_BENCH_PERF_CALLGRAPH:-fp}" -p "$bridge_pid" -o "$SMPP_BRIDGE_BENCH_PERF" > "$work/perf.log" 2>&1 &
  perf_pid=$!
fi
broker_before=$(cpu_sum $(broker_pids))
sim_before=$(cpu_of "$sim_pid")
bridge_feed="$("$ref" feed -p "$amqp_port" -n "$n" -d -X -T "$limit" -B "$bridge_pid")" || status=$?
bridge_broker_us=$(per_request_us "$broker_before" "$(cpu_sum $(broker_pids))" "$n")
sim_us=$(per_request_us "$sim_before" "$(cpu_of "$sim_pid")" "$n")
if [ -n "${perf_pid:-}" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" || true; perf_pid=""; fi
echo "bridge feed: $bridge_feed"
# Where the two cores went (everything shares them): the broker's CPU per request in each feed run, and the
# simulated SMSC's, which the stand-in run does not have.
echo "cpu µs/request: stand-in run broker $standin_broker_us; bridge feed run broker $bridge_broker_us, smsc-sim $sim_us, bridge $(field pid_us_per_msg "$bridge_feed")"
if ! kill -0 "$bridge_pid" 2>/dev/null; then say "the bridge exited; its log:"; tail -20 "$work/bridge.log" >&2; fi

# --- 3. ratios ----------------------------------------------------------------------------------------------------
standin_rate="$(field rate "$standin_feed")"
echo "ratio (bridge / stand-in requests/s): feed $(ratio "$(field rate "$bridge_feed")") e2e $(ratio "$(field requests_per_s "$e2e")")"

# --- 4. with -a: the second half of stand-in, bridge, bridge, stand-in ----------------------------------------------
if [ -n "$abba" ]; then
  delete_queues "${feed_queues[@]}"
  broker_before=$(cpu_sum $(broker_pids))
  bridge_feed2="$("$ref" feed -p "$amqp_port" -n "$n" -d -X -T "$limit" -B "$bridge_pid")" || status=$?
  bridge_broker_us2=$(per_request_us "$broker_before" "$(cpu_sum $(broker_pids))" "$n")
  echo "bridge feed, again: $bridge_feed2"
  stop_pid "$bridge_pid"
  bridge_pid=""
  # The bridge's queue (with its dead-letter arguments) would break the stand-in's declare.
  delete_queues smpp.outbound smpp.dead "${feed_queues[@]}"
  first_standin_rate="$standin_rate"
  broker_before=$(cpu_sum $(broker_pids))
  run_standin "$ref" "$amqp_port" "$n" "$limit" "$work"
  standin_broker_us2=$(per_request_us "$broker_before" "$(cpu_sum $(broker_pids))" "$n")
  echo "cpu µs/request, second half: bridge feed run broker $bridge_broker_us2, bridge $(field pid_us_per_msg "$bridge_feed2"); stand-in run broker $standin_broker_us2"
  standin_rate="$(awk -v a="$first_standin_rate" -v b="$(field rate "$standin_feed")" 'BEGIN { printf "%.0f", (a + b) / 2 }')"
  bridge_mean="$(awk -v a="$(field rate "$bridge_feed")" -v b="$(field rate "$bridge_feed2")" 'BEGIN { printf "%.0f", (a + b) / 2 }')"
  echo "ABBA (stand-in, bridge, bridge, stand-in): stand-in $standin_rate/s, bridge $bridge_mean/s on average; ratio (feed) $(ratio "$bridge_mean")"
fi
exit "$status"
