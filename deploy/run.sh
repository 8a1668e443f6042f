#!/usr/bin/env bash
# The README's run command: installs what is needed, builds in release mode, and runs the product on its embedded
# default on 127.0.0.1 until Ctrl-C: a private RabbitMQ (deploy/rabbitmq.sh, AMQP on 24672), the bundled SMSC
# simulator over TLS (smsc-sim on 2776, account demo/demo1234, TEST-ONLY certificates from Tests/Certificates), and
# the bridge (`smpp-bridge run`) against both, configured by environment variables (DESIGN §1.4), its store in
# deploy/.state/bridge.sqlite, /metrics on http://127.0.0.1:8080. To go live, only the SMPP_* settings change.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

# The SMSC simulator's and the bridge's ports (override to run beside something that holds them).
sim_port="${SMPP_BRIDGE_DEMO_SMSC_PORT:-2776}"
http_port="${SMPP_BRIDGE_DEMO_HTTP_PORT:-8080}"
for port in "$sim_port" "$http_port"; do
  if port_open "$port"; then
    echo "run.sh: 127.0.0.1:$port is in use; set SMPP_BRIDGE_DEMO_SMSC_PORT / SMPP_BRIDGE_DEMO_HTTP_PORT" >&2
    exit 1
  fi
done

deploy/setup.sh
# The image's build (deploy/Dockerfile): release, the Swift runtime linked in.
swift build -c release --static-swift-stdlib --product smsc-sim
swift build -c release --static-swift-stdlib --product smpp-bench
swift build -c release --static-swift-stdlib --product smpp-bridge
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"

started_broker=""
cleanup() {
  # The bridge first, with one SIGTERM (a graceful shutdown: requests in flight finish, sessions unbind), then the
  # simulator it was bound to, then the broker if this script started it. A second Ctrl-C meanwhile goes on to the
  # bridge (it then stops at once) instead of ending this cleanup half-way; a failed wait does not end it either.
  trap 'kill -INT "${bridge_pid:-}" 2>/dev/null || true' INT TERM
  if [ -n "${bridge_pid:-}" ]; then kill -TERM "$bridge_pid" 2>/dev/null && wait "$bridge_pid" 2>/dev/null || true; fi
  if [ -n "${sim_pid:-}" ]; then kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null || true; fi
  # In a session of its own too: a Ctrl-C now would kill the stop half-way and leave the broker running.
  if [ -n "$started_broker" ]; then setsid deploy/rabbitmq.sh stop || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! deploy/rabbitmq.sh status >/dev/null 2>&1; then
  started_broker=1
  deploy/rabbitmq.sh start
fi
eval "$(deploy/rabbitmq.sh env)"

# Both in sessions of their own (setsid): Ctrl-C reaches only this script, whose cleanup then stops the bridge
# gracefully before the simulator. In the terminal's process group, both got the SIGINT at once: the simulator went
# while the bridge was still unbinding, and the cleanup's SIGTERM then counted as the bridge's second signal.
start_smsc_sim "$bin" "$sim_port" demo:demo1234:4 \
  --dlr-delay 500 --dlr-outcomes DELIVRD=90,UNDELIV=5,ENROUTE+DELIVRD=5 --mo-rate 0.2 --stats-interval 60
wait_until 30 "smsc-sim on 127.0.0.1:$sim_port" port_open "$sim_port"

# The bridge, configured the way a deployment is: environment variables (a key smpp.tls.ca_file is SMPP_TLS_CA_FILE).
export_bridge_env "$sim_port" demo demo1234 2 50 "$SMPP_BRIDGE_TEST_AMQP_URL" "$PWD/deploy/.state/bridge.sqlite" \
  "$http_port"
setsid "$bin/smpp-bridge" run &
bridge_pid=$!

cat <<INFO
run.sh: RabbitMQ   $SMPP_BRIDGE_TEST_AMQP_URL
run.sh: SMSC (TLS) 127.0.0.1:$sim_port  system_id=demo password=demo1234  CA Tests/Certificates/ca.pem
run.sh: bridge     pid $bridge_pid; logs on this terminal; http://127.0.0.1:$http_port/metrics /healthz /readyz
run.sh: try        AMQP_URL=$SMPP_BRIDGE_TEST_AMQP_URL $bin/smpp-bridge send --to +573001234567 --text 'Hola {mundo} €' --wait
run.sh:            AMQP_URL=$SMPP_BRIDGE_TEST_AMQP_URL $bin/smpp-bridge tail dlr
run.sh:            export SMPP_HOST=127.0.0.1 SMPP_PORT=$sim_port SMPP_SYSTEM_ID=demo SMPP_PASSWORD=demo1234 \\
run.sh:              SMPP_TLS_CA_FILE=$PWD/Tests/Certificates/ca.pem SMPP_SOURCE_ADDR=ACME \\
run.sh:              AMQP_URL=$SMPP_BRIDGE_TEST_AMQP_URL; $bin/smpp-bridge check-config
run.sh: Ctrl-C stops everything (the bridge first, gracefully).
INFO
wait "$bridge_pid"
