#!/usr/bin/env bash
# A PRIVATE RabbitMQ instance for tests and benchmarks: start | stop | restart | crash | status | env | ctl ARGS.
#
# Everything it listens on is bound to 127.0.0.1: AMQP (plain), AMQPS (with the committed TEST-ONLY certificates in
# Tests/Certificates), its own epmd (ERL_EPMD_ADDRESS/ERL_EPMD_PORT) and Erlang distribution. Its data, logs, cookie
# and configuration live in deploy/.state/rabbitmq (ignored by git), under its own node name, so it never touches a
# system broker or its files. Works as root on a fresh machine once deploy/setup.sh has installed rabbitmq-server.
#
# Ports (override with the environment): SMPP_BRIDGE_RABBITMQ_PORT (24672), SMPP_BRIDGE_RABBITMQ_TLS_PORT (24671),
# SMPP_BRIDGE_RABBITMQ_DIST_PORT (24673), SMPP_BRIDGE_RABBITMQ_EPMD_PORT (24674). All below Linux's ephemeral range
# (32768-60999): a port in it can be taken, while the broker is down for a test, by any outgoing connection or
# port-0 listener of the suite (seen once: `start_app` failed with eaddrinuse on the old 35672).
# deploy/rabbitmq-cluster.sh runs three of these as one cluster, each with its own state directory, ports and node
# name (SMPP_BRIDGE_RABBITMQ_NODENAME, default smppbridge@localhost) and one shared Erlang cookie
# (SMPP_BRIDGE_RABBITMQ_COOKIE; default: the node makes its own).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
state="${SMPP_BRIDGE_RABBITMQ_STATE:-$root/deploy/.state/rabbitmq}"
port="${SMPP_BRIDGE_RABBITMQ_PORT:-24672}"
tls_port="${SMPP_BRIDGE_RABBITMQ_TLS_PORT:-24671}"
dist_port="${SMPP_BRIDGE_RABBITMQ_DIST_PORT:-24673}"
epmd_port="${SMPP_BRIDGE_RABBITMQ_EPMD_PORT:-24674}"
certs="$root/Tests/Certificates"
rmq_bin=/usr/lib/rabbitmq/bin
ready_timeout=90

export HOME="$state/home"                       # the Erlang cookie lives here, not in root's home
export RABBITMQ_NODENAME="${SMPP_BRIDGE_RABBITMQ_NODENAME:-smppbridge@localhost}"
export RABBITMQ_BASE="$state"
export RABBITMQ_MNESIA_BASE="$state/mnesia"
export RABBITMQ_LOG_BASE="$state/log"
export RABBITMQ_PID_FILE="$state/rabbitmq.pid"
export RABBITMQ_CONFIG_FILE="$state/rabbitmq.conf"
export RABBITMQ_ADVANCED_CONFIG_FILE="$state/advanced.config"
export RABBITMQ_CONF_ENV_FILE="$state/rabbitmq-env.conf"
export RABBITMQ_ENABLED_PLUGINS_FILE="$state/enabled_plugins"
export RABBITMQ_DIST_PORT="$dist_port"
export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT="$epmd_port"
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

log() { echo "rabbitmq.sh: $*" >&2; }

write_config() {
  mkdir -p "$state/home" "$state/mnesia" "$state/log"
  chmod 700 "$state/home"
  if [ -n "${SMPP_BRIDGE_RABBITMQ_COOKIE:-}" ]; then
    # Cluster members must share the cookie; Erlang refuses a cookie file others can read.
    rm -f "$HOME/.erlang.cookie"
    printf '%s' "$SMPP_BRIDGE_RABBITMQ_COOKIE" > "$HOME/.erlang.cookie"
    chmod 400 "$HOME/.erlang.cookie"
  fi
  : > "$RABBITMQ_CONF_ENV_FILE"
  echo "[]." > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  echo "[]." > "$RABBITMQ_ADVANCED_CONFIG_FILE"
  cat > "$RABBITMQ_CONFIG_FILE" <<EOF
listeners.tcp.1 = 127.0.0.1:$port
listeners.ssl.1 = 127.0.0.1:$tls_port
ssl_options.cacertfile = $certs/ca.pem
ssl_options.certfile = $certs/server.pem
ssl_options.keyfile = $certs/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
loopback_users = none
log.file.level = info
log.console = false
EOF
}

pid() { [ -s "$RABBITMQ_PID_FILE" ] && cat "$RABBITMQ_PID_FILE" || true; }
alive() { local p; p="$(pid)"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_ready() {
  local deadline=$((SECONDS + ready_timeout))
  while [ $SECONDS -lt $deadline ]; do
    if ! alive; then
      log "the broker exited while starting; last log lines:"
      tail -n 30 "$RABBITMQ_LOG_BASE"/*.log 2>/dev/null >&2 || true
      return 1
    fi
    if port_open "$port" && port_open "$tls_port" \
        && "$rmq_bin/rabbitmqctl" -q await_startup --timeout 10 >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  log "not ready after ${ready_timeout}s"
  return 1
}

start() {
  if alive; then log "already running (pid $(pid))"; return 0; fi
  [ -x "$rmq_bin/rabbitmq-server" ] || { log "rabbitmq-server is not installed (run deploy/setup.sh)"; exit 1; }
  for p in "$port" "$tls_port" "$dist_port"; do
    if port_open "$p"; then
      log "127.0.0.1:$p is already in use (another private broker?); choose other SMPP_BRIDGE_RABBITMQ_*_PORT values"
      exit 1
    fi
  done
  write_config
  # A pid file left by a broker that did not stop cleanly (killed, machine restarted) would be read as ours before
  # the new one writes its own, and its dead pid taken for a failed start.
  rm -f "$RABBITMQ_PID_FILE" "$RABBITMQ_PID_FILE.launcher"
  # The server script writes the pid file itself; setsid detaches it from our terminal and signals.
  setsid "$rmq_bin/rabbitmq-server" >"$state/log/console.out" 2>&1 < /dev/null &
  echo $! > "$RABBITMQ_PID_FILE.launcher"
  local deadline=$((SECONDS + 30))
  while [ ! -s "$RABBITMQ_PID_FILE" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if [ ! -s "$RABBITMQ_PID_FILE" ]; then log "no pid file after 30s"; cat "$state/log/console.out" >&2; exit 1; fi
  wait_ready || exit 1
  log "ready: amqp://127.0.0.1:$port amqps://localhost:$tls_port (node $RABBITMQ_NODENAME, pid $(pid))"
}

stop() {
  if ! alive; then log "not running"; rm -f "$RABBITMQ_PID_FILE"; stop_epmd; return 0; fi
  local p; p="$(pid)"
  "$rmq_bin/rabbitmqctl" -q shutdown --timeout 60 >/dev/null 2>&1 || kill "$p" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if kill -0 "$p" 2>/dev/null; then log "still running after 60s; killing pid $p"; kill -9 "$p" 2>/dev/null || true; fi
  rm -f "$RABBITMQ_PID_FILE" "$RABBITMQ_PID_FILE.launcher"
  stop_epmd
  log "stopped"
}

# SIGKILLs the broker (what a power cut or the OOM killer does: no clean shutdown) and starts it again.
crash() {
  local p; p="$(pid)"
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill -9 "$p"
    while kill -0 "$p" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$RABBITMQ_PID_FILE" "$RABBITMQ_PID_FILE.launcher"
  # The node's listeners die with it, but its epmd registration may linger a moment.
  local deadline=$((SECONDS + 30))
  while port_open "$port" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  start
}

# Our epmd runs on its own port; stop it once no node is registered with it any more.
stop_epmd() {
  command -v epmd >/dev/null || return 0
  if epmd -names 2>/dev/null | grep -q '^name '; then return 0; fi
  epmd -kill >/dev/null 2>&1 || true
}

status() {
  if alive; then
    echo "running (pid $(pid)) amqp://127.0.0.1:$port amqps://localhost:$tls_port"
  else
    echo "not running"; return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  crash) crash ;;
  status) status ;;
  # Runs rabbitmqctl against this node, e.g. `ctl set_vm_memory_high_watermark 0` (tests use it for alarms).
  ctl) shift; exec "$rmq_bin/rabbitmqctl" -q "$@" ;;
  # Prints the variables the test suite reads, for `eval "$(deploy/rabbitmq.sh env)"`.
  env)
    echo "export SMPP_BRIDGE_TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:$port/"
    echo "export SMPP_BRIDGE_TEST_AMQPS_URL=amqps://guest:guest@localhost:$tls_port/"
    echo "export SMPP_BRIDGE_TEST_AMQP_RESTART=\"$root/deploy/rabbitmq.sh restart\""
    echo "export SMPP_BRIDGE_TEST_AMQP_CRASH=\"$root/deploy/rabbitmq.sh crash\""
    echo "export SMPP_BRIDGE_TEST_AMQP_CTL=\"$root/deploy/rabbitmq.sh ctl\""
    ;;
  *) echo "usage: $0 start|stop|restart|crash|status|env|ctl ARGS..." >&2; exit 2 ;;
esac
