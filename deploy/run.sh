#!/usr/bin/env bash
# The README's run command: installs what is needed, builds in release mode, and runs the local stack on
# 127.0.0.1 until Ctrl-C: a private RabbitMQ (deploy/rabbitmq.sh, AMQP on 35672) and the bundled SMSC simulator
# over TLS (smsc-sim on 2776, account demo/demo1234, TEST-ONLY certificates from Tests/Certificates).
#
# The SMPP <-> RabbitMQ service (`smpp-bridge run`, DESIGN §1.5) is not built yet; until it is, this stack is what
# the client library, the benchmarks and the operator tools run against (see the lines printed at start).
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/setup.sh
swift build -c release --product smsc-sim
swift build -c release --product smpp-bench
swift build -c release --product smpp-bridge
bin="$(swift build -c release --show-bin-path)"

sim_port="${SMPP_BRIDGE_DEMO_SMSC_PORT:-2776}"
cleanup() {
  [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  deploy/rabbitmq.sh stop || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

deploy/rabbitmq.sh start
eval "$(deploy/rabbitmq.sh env)"

"$bin/smsc-sim" --listen "127.0.0.1:$sim_port" \
  --tls-cert Tests/Certificates/server.pem --tls-key Tests/Certificates/server.key \
  --account demo:demo1234:4 --dlr-delay 500 --dlr-outcomes DELIVRD=90,UNDELIV=5,ENROUTE+DELIVRD=5 \
  --mo-rate 0.2 --stats-interval 60 &
sim_pid=$!

cat <<INFO
run.sh: RabbitMQ   ${SMPP_BRIDGE_TEST_AMQP_URL:-amqp://127.0.0.1:35672}
run.sh: SMSC (TLS) 127.0.0.1:$sim_port  system_id=demo password=demo1234  CA Tests/Certificates/ca.pem
run.sh: try        $bin/smpp-bench session --host 127.0.0.1 --port $sim_port --tls \\
                     --ca-file Tests/Certificates/ca.pem --system-id demo --password demo1234 --count 5000
run.sh:            $bin/smpp-bridge text split --text 'Hola {mundo} €'
run.sh: Ctrl-C stops everything.
INFO
wait "$sim_pid"
