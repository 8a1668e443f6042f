#!/usr/bin/env bash
# Compares two smpp-bridge binaries end to end, in ABBA order: B A A B, repeated (-r rounds, default 2).
#
# On a shared 2-core machine the figures drift by ±15 % within minutes, and the first run of an A-then-B pair is
# often the slower one (docs/benchmarks.md, sixth session): pairs that always start with the old binary flatter the
# new one. ABBA cancels a linear drift and puts each binary first equally often.
#
# Each run: `smsc-sim` on 127.0.0.1 over TLS with receipts, the binary as `smpp-bridge run` (SQLite store in a
# fresh temporary file, 4 sessions × window 100), `smpp-bench e2e -n N --bridge-pid`; the broker's, the simulator's
# and the bridge's CPU per request around it. A warm-up run of the old binary comes first and is not counted. Prints
# a line per run and the mean of each binary.
#
# Usage: deploy/bench-ab.sh [-n REQUESTS (20000)] [-r ROUNDS (2)] OLD_BINARY NEW_BINARY
# (copy the old build aside first: `cp .build-release/release/smpp-bridge /tmp/old-bridge`). smsc-sim and
# smpp-bench are this checkout's release builds. A broker that runs (`deploy/rabbitmq.sh status`) is reused and
# left running, else one is started and stopped. Ports: SMPP_BRIDGE_BENCH_SMSC_PORT (2779),
# SMPP_BRIDGE_BENCH_HTTP_PORT (18089); each run is bounded by SMPP_BRIDGE_BENCH_TIMEOUT seconds (300).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

n=20000
rounds=2
while getopts "n:r:" option; do
  case "$option" in
    n) n="$OPTARG" ;;
    r) rounds="$OPTARG" ;;
    *) echo "usage: $0 [-n REQUESTS] [-r ROUNDS] OLD_BINARY NEW_BINARY" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
  echo "usage: $0 [-n REQUESTS] [-r ROUNDS] OLD_BINARY NEW_BINARY (both executable)" >&2
  exit 2
fi
old="$1" new="$2"
limit="${SMPP_BRIDGE_BENCH_TIMEOUT:-300}"
sim_port="${SMPP_BRIDGE_BENCH_SMSC_PORT:-2779}"
http_port="${SMPP_BRIDGE_BENCH_HTTP_PORT:-18089}"
say() { echo "bench-ab: $*" >&2; }

for product in smsc-sim smpp-bench; do
  swift build -c release --scratch-path .build-release --product "$product" --quiet >&2 \
    || { say "building $product failed"; exit 1; }
done
bin="$(swift build -c release --scratch-path .build-release --show-bin-path)"

work="$(mktemp -d "${TMPDIR:-/tmp}/bench-ab.XXXXXX")"
started_broker=""
cleanup() {
  # Further signals wait for the cleanup (the simulator runs in a session of its own: left behind, nothing stops it).
  trap '' INT TERM
  stop_pid "${bridge_pid:-}"
  stop_pid "${sim_pid:-}"
  if [ -n "$started_broker" ]; then deploy/rabbitmq.sh stop || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if deploy/rabbitmq.sh status >/dev/null 2>&1; then
  say "reusing the running broker"
else
  started_broker=1
  deploy/rabbitmq.sh start
fi
eval "$(deploy/rabbitmq.sh env)"
# Durable queues another tool left bound to the event exchanges (the C feed's) would take a persistent copy of every
# event of every run here, and more with each run: removed first.
delete_queues pipeline.results pipeline.dlr

# run LABEL BINARY: one end-to-end run; appends "LABEL rate bridge_us broker_us sim_us" to $work/runs.
run() {
  local label="$1" binary="$2" out broker_before sim_before
  delete_queues smpp.outbound
  rm -f "$work"/bridge.sqlite*
  start_smsc_sim "$bin" "$sim_port" demo:demo1234:8 --log-level warning > "$work/smsc-sim.log" 2>&1
  wait_until 30 "smsc-sim on 127.0.0.1:$sim_port" port_open "$sim_port"
  start_bridge "$binary" "$work" bridge "$sim_port" "$SMPP_BRIDGE_TEST_AMQP_URL" "$http_port"
  broker_before=$(cpu_sum $(broker_pids))
  sim_before=$(cpu_of "$sim_pid")
  out="$("$bin/smpp-bench" e2e --amqp-url "$SMPP_BRIDGE_TEST_AMQP_URL" -n "$n" --timeout "$limit" \
    --bridge-pid "$bridge_pid")" || { say "$label: the run failed: $out"; exit 1; }
  local broker_us sim_us
  broker_us=$(per_request_us "$broker_before" "$(cpu_sum $(broker_pids))" "$n")
  sim_us=$(per_request_us "$sim_before" "$(cpu_of "$sim_pid")" "$n")
  stop_pid "$bridge_pid"; bridge_pid=""
  stop_pid "$sim_pid"; sim_pid=""
  local rate cpu
  rate=$(sed -E 's/.*"requests_per_s":([0-9.]+).*/\1/' <<< "$out")
  cpu=$(sed -E 's/.*"cpu_us_per_request":([0-9.]+).*/\1/' <<< "$out")
  grep -q '"missing":0,' <<< "$out" || say "$label: something was missing: $out"
  echo "$label $rate $cpu $broker_us $sim_us" | tee -a "$work/runs"
}

echo "label requests_per_s bridge_us broker_us smsc_sim_us"
# A warm-up run first, not counted: the run after the broker started or sat idle is the slowest of all.
run warm-up "$old"
for _ in $(seq "$rounds"); do
  run new "$new"
  run old "$old"
  run old "$old"
  run new "$new"
done
awk '$1 != "warm-up" { n[$1]++; r[$1]+=$2; b[$1]+=$3; k[$1]+=$4; s[$1]+=$5 }
  END { for (l in n) printf "mean %s (%d runs): %.0f requests/s, bridge %.1f, broker %.1f, smsc-sim %.1f µs per request\n",
    l, n[l], r[l]/n[l], b[l]/n[l], k[l]/n[l], s[l]/n[l] }' "$work/runs" | sort
