#!/usr/bin/env bash
# The README's run command: installs what is needed, builds in release mode, and runs the product on its embedded
# default on 127.0.0.1 until Ctrl-C: a private RabbitMQ (deploy/rabbitmq.sh, AMQP on 24672), the bundled SMSC
# simulator over TLS (smsc-sim on 2776, account demo/demo1234, TEST-ONLY certificates from Tests/Certificates), and
# the bridge (`smpp-bridge run`) against both, configured by environment variables (DESIGN §1.4), its store in
# deploy/.state/bridge.sqlite, /metrics on http://127.0.0.1:8080. To go live, only the SMPP_* settings change.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

deploy/setup.sh
swift build -c release --product smsc-sim
swift build -c release --product smpp-bench
swift build -c release --product smpp-bridge
bin="$(swift build -c release --show-bin-path)"

sim_port="${SMPP_BRIDGE_DEMO_SMSC_PORT:-2776}"
http_port="${SMPP_BRIDGE_DEMO_HTTP_PORT:-8080}"
cleanup() {
  if [ -n "${bridge_pid:-}" ]; then kill -TERM "$bridge_pid" 2>/dev/null && wait "$bridge_pid" 2>/dev/null; fi
  if [ -n "${sim_pid:-}" ]; then kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; fi
  deploy/rabbitmq.sh stop || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

deploy/rabbitmq.sh start
eval "$(deploy/rabbitmq.sh env)"

start_smsc_sim "$bin" "$sim_port" demo:demo1234:4 \
  --dlr-delay 500 --dlr-outcomes DELIVRD=90,UNDELIV=5,ENROUTE+DELIVRD=5 --mo-rate 0.2 --stats-interval 60

# The bridge, configured the way a deployment is: environment variables (a key smpp.tls.ca_file is SMPP_TLS_CA_FILE).
export_bridge_env "$sim_port" demo demo1234 2 50 "$SMPP_BRIDGE_TEST_AMQP_URL" "$PWD/deploy/.state/bridge.sqlite" \
  "$http_port"
"$bin/smpp-bridge" run &
bridge_pid=$!

cat <<INFO
run.sh: RabbitMQ   $SMPP_BRIDGE_TEST_AMQP_URL
run.sh: SMSC (TLS) 127.0.0.1:$sim_port  system_id=demo password=demo1234  CA Tests/Certificates/ca.pem
run.sh: bridge     pid $bridge_pid; logs on this terminal; http://127.0.0.1:$http_port/metrics /healthz /readyz
run.sh: try        AMQP_URL=$SMPP_BRIDGE_TEST_AMQP_URL $bin/smpp-bridge send --to +573001234567 --text 'Hola {mundo} €' --wait
run.sh:            AMQP_URL=$SMPP_BRIDGE_TEST_AMQP_URL $bin/smpp-bridge tail dlr
run.sh:            $bin/smpp-bridge check-config   (with the SMPP_*/AMQP_URL variables above)
run.sh: Ctrl-C stops everything (the bridge first, gracefully).
INFO
wait "$bridge_pid"
