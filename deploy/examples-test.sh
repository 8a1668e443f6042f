#!/usr/bin/env bash
# CI for what a deployment runs, against the real broker (SMPP_BRIDGE_TEST_AMQP_URL, as deploy/test.sh sets it)
# and a real bridge + simulator started here the way deploy/run.sh starts them (built debug executables):
#  - the bridge reads deploy/config/bridge.example.yaml, its secrets from a secrets directory (as compose mounts
#    /run/secrets), the rest from environment variables, as docker-compose.yml does;
#  - the Dockerfile's HEALTHCHECK command passes against it (and fails against a closed port);
#  - examples/consumer.py and examples/producer.py: one message sent, its result and its final receipt seen;
#    two MO events taken with `smpp-bridge tail mo`; every event checked against docs/schemas/;
#  - the Grafana dashboard's metrics are all served by this bridge's /metrics.
# Queue and exchange names are unique to this run, and deleted at the end. Exit non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SMPP_BRIDGE_TEST_AMQP_URL:?start a broker first: eval \"\$(deploy/rabbitmq.sh env)\"}"
bin=.build/debug
py=deploy/.state/venv/bin/python
work="$(mktemp -d)"
read -r sim_port http_port < <(/usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
prefix="examples-$$"

cleanup() {
  if [ -n "${consumer_pid:-}" ]; then kill "$consumer_pid" 2>/dev/null || true; fi
  if [ -n "${bridge_pid:-}" ]; then kill -TERM "$bridge_pid" 2>/dev/null && wait "$bridge_pid" 2>/dev/null || true; fi
  if [ -n "${sim_pid:-}" ]; then kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null || true; fi
  AMQP_URL="$SMPP_BRIDGE_TEST_AMQP_URL" "$py" -c '
import os, sys, pika
c = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))
for q in sys.argv[1:3]: c.channel().queue_delete(q)
for e in sys.argv[3:]: c.channel().exchange_delete(e)
c.close()' "$prefix.outbound" "$prefix.dead" "$prefix.results" "$prefix.dlr" "$prefix.mo" "$prefix.dead" || true
  rm -rf "$work"
}
trap cleanup EXIT

# The names the bridge, the examples and `smpp-bridge tail` all read (the bridge's own variables).
export AMQP_QUEUE="$prefix.outbound" AMQP_DEAD_QUEUE="$prefix.dead" AMQP_EXCHANGES_RESULTS="$prefix.results"
export AMQP_EXCHANGES_DLR="$prefix.dlr" AMQP_EXCHANGES_MO="$prefix.mo" AMQP_EXCHANGES_DEAD="$prefix.dead"

"$bin/smsc-sim" --listen "127.0.0.1:$sim_port" \
  --tls-cert Tests/Certificates/server.pem --tls-key Tests/Certificates/server.key \
  --account demo:demo1234:2 --dlr-delay 200 --dlr-outcomes DELIVRD=100 --mo-rate 4 --mo-long-fraction 0.5 \
  >"$work/sim.log" 2>&1 &
sim_pid=$!

mkdir -p "$work/secrets"
printf 'demo1234\n' >"$work/secrets/smpp_password"
printf '%s\n' "$SMPP_BRIDGE_TEST_AMQP_URL" >"$work/secrets/amqp_url"
(
  export SMPP_HOST=127.0.0.1 SMPP_PORT="$sim_port" SMPP_SYSTEM_ID=demo SMPP_TLS_CA_FILE="$PWD/Tests/Certificates/ca.pem"
  export HTTP_PORT="$http_port" STORE_PATH="$work/bridge.sqlite" LOG_FORMAT=json
  exec "$bin/smpp-bridge" run --config deploy/config/bridge.example.yaml --secrets-dir "$work/secrets"
) >"$work/bridge.log" 2>&1 &
bridge_pid=$!

# Ready: broker connected and consuming, a session bound (bounded wait; the bridge log on failure).
if ! /usr/bin/python3 - "$http_port" <<'PY'; then
import sys, time, urllib.request
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/readyz", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.2)
sys.exit(1)
PY
  echo "examples-test: the bridge did not become ready"; tail -20 "$work/bridge.log"; exit 1
fi

# The image's HEALTHCHECK, exactly as the Dockerfile writes it.
healthcheck="$(/usr/bin/python3 -c '
import json, re
text = re.sub(r"\\\n", " ", open("deploy/Dockerfile").read())
print(json.loads(re.search(r"^HEALTHCHECK .*?CMD (\[.*\])\s*$", text, re.M).group(1))[2])')"
HTTP_PORT="$http_port" bash -c "$healthcheck" || { echo "examples-test: the Dockerfile's HEALTHCHECK fails"; exit 1; }
if HTTP_PORT="$sim_port" bash -c "$healthcheck" 2>/dev/null; then
  echo "examples-test: the Dockerfile's HEALTHCHECK passes against a port that is not the bridge"; exit 1
fi

export AMQP_URL="$SMPP_BRIDGE_TEST_AMQP_URL"
id="examples-$(date +%s)-$$"
"$py" examples/consumer.py --request-id "$id" --timeout 60 --events-file "$work/events.jsonl" >"$work/consumer.out" &
consumer_pid=$!
for _ in $(seq 1 300); do grep -q '^consumer: ready' "$work/consumer.out" && break; sleep 0.1; done
grep -q '^consumer: ready' "$work/consumer.out" || { echo "examples-test: consumer not ready"; exit 1; }
"$py" examples/producer.py --id "$id" --to +573001234567 --text 'Hola {mundo} € from examples/producer.py'
status=0
wait "$consumer_pid" || status=$?
consumer_pid=
cat "$work/consumer.out"
[ "$status" -eq 0 ] || { echo "examples-test: consumer exit $status"; tail -20 "$work/bridge.log"; exit 1; }
grep -q "^submit.accepted .*\"request_id\":\"$id\"" "$work/consumer.out"
grep -q "^dlr.delivrd .*\"request_id\":\"$id\"" "$work/consumer.out"

# Two MO events from the simulator's traffic, through the bridge's own tool.
timeout 60 "$bin/smpp-bridge" tail mo --count 2 --secrets-dir "$work/secrets" | cut -d' ' -f2- >>"$work/events.jsonl"
"$py" deploy/validate-schemas.py --events "$work/events.jsonl"

/usr/bin/python3 -c "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:$http_port/metrics').read().decode())" \
  >"$work/metrics.txt"
/usr/bin/python3 deploy/check-dashboard-metrics.py --served "$work/metrics.txt"
echo "examples-test: producer → bridge → simulator → result and receipt → consumer: ok"
