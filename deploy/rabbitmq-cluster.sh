#!/usr/bin/env bash
# A PRIVATE three-node RabbitMQ cluster on 127.0.0.1 for the cluster tests and benchmarks:
#   start | stop | status | env | stop-node N | start-node N | ctl N ARGS
#
# Three deploy/rabbitmq.sh nodes (smppbridge-1..3@localhost), each with its own state directory under
# deploy/.state/rabbitmq-cluster/nodeN, its own AMQP/AMQPS/distribution ports, one shared epmd port and one shared
# Erlang cookie, joined into one cluster by node 1. `start` builds a fresh cluster (old state removed) unless one
# is running; `stop-node N` shuts one node down cleanly (what an operator's restart or a lost machine looks like to
# clients: its connections close) and `start-node N` brings it back into the cluster with its data.
#
# Ports: node N listens on AMQP 247N1, AMQPS 247N2, distribution 247N3 (N = 1..3); epmd on 24740. Override the base
# with SMPP_BRIDGE_RABBITMQ_CLUSTER_BASE (default 24700).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
base="${SMPP_BRIDGE_RABBITMQ_CLUSTER_BASE:-24700}"
state="$root/deploy/.state/rabbitmq-cluster"
rmq_bin=/usr/lib/rabbitmq/bin
nodes=(1 2 3)

log() { echo "rabbitmq-cluster.sh: $*" >&2; }

# Runs deploy/rabbitmq.sh for node N with that node's settings.
node_sh() {
  local n="$1"; shift
  SMPP_BRIDGE_RABBITMQ_STATE="$state/node$n" \
  SMPP_BRIDGE_RABBITMQ_NODENAME="smppbridge-$n@localhost" \
  SMPP_BRIDGE_RABBITMQ_PORT=$((base + 10 * n + 1)) \
  SMPP_BRIDGE_RABBITMQ_TLS_PORT=$((base + 10 * n + 2)) \
  SMPP_BRIDGE_RABBITMQ_DIST_PORT=$((base + 10 * n + 3)) \
  SMPP_BRIDGE_RABBITMQ_EPMD_PORT=$((base + 40)) \
  SMPP_BRIDGE_RABBITMQ_COOKIE="$(cat "$state/cookie")" \
  "$root/deploy/rabbitmq.sh" "$@"
}

ctl() { local n="$1"; shift; node_sh "$n" ctl "$@"; }

running() { node_sh "$1" status >/dev/null 2>&1; }

start() {
  if running 1 && running 2 && running 3; then log "already running"; return 0; fi
  for n in "${nodes[@]}"; do running "$n" && node_sh "$n" stop; done
  rm -rf "$state"
  mkdir -p "$state"
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr 'a-f' 'A-F' > "$state/cookie"
  chmod 600 "$state/cookie"
  # The three nodes start in parallel (each takes 10-30 s on two cores); each waits until it is ready.
  local pids=()
  for n in "${nodes[@]}"; do node_sh "$n" start & pids+=($!); done
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  if [ "$failed" -ne 0 ]; then log "a node did not start"; stop; exit 1; fi
  for n in 2 3; do
    ctl "$n" stop_app
    ctl "$n" join_cluster "smppbridge-1@localhost"
    ctl "$n" start_app
  done
  ctl 1 await_online_nodes 3 --timeout 60 >/dev/null 2>&1 || ctl 1 cluster_status >&2
  log "ready: three nodes on amqp://127.0.0.1:$((base + 11)),$((base + 21)),$((base + 31)) (one cluster)"
}

stop() {
  for n in "${nodes[@]}"; do
    [ -s "$state/cookie" ] || break
    node_sh "$n" stop || true
  done
}

status() {
  local code=0
  for n in "${nodes[@]}"; do
    if [ -s "$state/cookie" ] && running "$n"; then echo "node $n running"; else echo "node $n not running"; code=3; fi
  done
  return $code
}

urls() {
  local list=""
  for n in "${nodes[@]}"; do list+="${list:+,}amqp://guest:guest@127.0.0.1:$((base + 10 * n + 1))/"; done
  echo "$list"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  stop-node) node_sh "${2:?node number}" stop ;;
  start-node) node_sh "${2:?node number}" start ;;
  ctl) shift; ctl "$@" ;;
  # The variables the cluster tests read, for `eval "$(deploy/rabbitmq-cluster.sh env)"`.
  env)
    echo "export SMPP_BRIDGE_TEST_AMQP_CLUSTER_URL=$(urls)"
    echo "export SMPP_BRIDGE_TEST_AMQP_CLUSTER_CTL=\"$root/deploy/rabbitmq-cluster.sh\""
    ;;
  *) echo "usage: $0 start|stop|status|env|stop-node N|start-node N|ctl N ARGS..." >&2; exit 2 ;;
esac
