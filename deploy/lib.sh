# Shared pieces of deploy/run.sh and the benchmark scripts; source it from the repository root.

# The broker the queue helpers below act on: the private one of deploy/rabbitmq.sh unless a script points it at
# another (bench-e2e -c: a node of deploy/rabbitmq-cluster.sh).
rabbitmq_ctl=(deploy/rabbitmq.sh ctl)

# start_smsc_sim BIN_DIR PORT ACCOUNT [smsc-sim options…]: the bundled SMSC simulator on 127.0.0.1:PORT over TLS
# with the TEST-ONLY certificates of Tests/Certificates, in the background and in a session of its own (Ctrl-C on the
# calling script reaches only the script, whose cleanup stops the simulator after what uses it); sets sim_pid.
start_smsc_sim() {
  local bin="$1" port="$2" account="$3"
  shift 3
  setsid "$bin/smsc-sim" --listen "127.0.0.1:$port" \
    --tls-cert Tests/Certificates/server.pem --tls-key Tests/Certificates/server.key \
    --account "$account" "$@" &
  sim_pid=$!
}

# export_bridge_env SMSC_PORT SYSTEM_ID PASSWORD SESSIONS WINDOW AMQP_URL STORE_PATH HTTP_PORT: configures
# `smpp-bridge run` the way a deployment does, by environment variables (DESIGN §1.4: a key smpp.tls.ca_file is
# SMPP_TLS_CA_FILE), against the simulator on 127.0.0.1 with the test CA and sender ACME.
export_bridge_env() {
  export SMPP_HOST=127.0.0.1 SMPP_PORT="$1" SMPP_SYSTEM_ID="$2" SMPP_PASSWORD="$3"
  export SMPP_TLS_CA_FILE="$PWD/Tests/Certificates/ca.pem" SMPP_SOURCE_ADDR=ACME SMPP_SESSIONS="$4" SMPP_WINDOW="$5"
  export AMQP_URL="$6" STORE_PATH="$7" HTTP_PORT="$8"
}

# start_bridge BINARY WORK NAME SMSC_PORT AMQP_URL HTTP_PORT [VAR=VALUE…]: `BINARY run` in the background the way the
# benchmarks run it (export_bridge_env: 4 sessions × window 100, store WORK/NAME.sqlite, log WORK/NAME.log, log level
# warning, instance NAME, plus the given variables), and waits for its /readyz (90 s; else its log's tail and exit 1).
# Its pid is in $bridge_pid.
start_bridge() {
  local binary="$1" work="$2" name="$3" smsc_port="$4" amqp_url="$5" port="$6"
  shift 6
  (
    export_bridge_env "$smsc_port" demo demo1234 4 100 "$amqp_url" "$work/$name.sqlite" "$port"
    export LOG_LEVEL=warning CLUSTER_INSTANCE_ID="$name"
    for assignment in "$@"; do export "${assignment?}"; done
    exec "$binary" run
  ) > "$work/$name.log" 2>&1 &
  bridge_pid=$!
  local ready; ready() { [ "$(http_status "$port" /readyz)" = 200 ]; }
  if ! wait_until 90 "$name's /readyz" ready; then tail -20 "$work/$name.log" >&2; exit 1; fi
}

# stop_pid PID [SIGNAL]: stops a process this script started (SIGTERM by default) and waits for it, at most 30 s,
# then SIGKILL.
stop_pid() {
  local pid="$1" signal="${2:-TERM}" deadline=$((SECONDS + 30))
  [ -n "$pid" ] || return 0
  kill -"$signal" "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# port_open PORT: whether something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_get PORT PATH: the whole response (status line, headers, body) to GET http://127.0.0.1:PORT/PATH; nothing
# when nothing answers.
http_get() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 0
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
    cat <&3
  ) 2>/dev/null
}

# http_status PORT PATH: the status code of GET http://127.0.0.1:PORT/PATH (empty when nothing answers).
http_status() { http_get "$1" "$2" | { read -r _ code _ && echo "$code"; } || true; }

# http_body PORT PATH: the body of GET http://127.0.0.1:PORT/PATH (empty when nothing answers).
http_body() { http_get "$1" "$2" | sed '1,/^\r\{0,1\}$/d'; }

# queue_exists QUEUE: whether the broker of rabbitmq_ctl has it.
queue_exists() { "${rabbitmq_ctl[@]}" list_queues name 2>/dev/null | grep -qx "$1"; }

# delete_queues QUEUE…: deletes them on the broker of rabbitmq_ctl, in parallel (each rabbitmqctl starts an Erlang VM:
# seconds on a loaded machine). "Queue not found" is an error to rabbitmqctl and the state wanted here.
delete_queues() {
  local queue pids=()
  for queue in "$@"; do
    "${rabbitmq_ctl[@]}" delete_queue "$queue" >/dev/null 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}" || true
}

# store_latency PORT: from a bridge's /metrics, each store operation it timed as `OPERATION:COUNT:P50:P99` (ms, the
# upper bounds of the histogram buckets holding the 50th and 99th percentile), space-separated.
store_latency() {
  http_body "$1" /metrics | awk '
    /^smpp_bridge_store_latency_seconds_bucket/ {
      match($0, /operation="[a-z_]+"/); op = substr($0, RSTART + 11, RLENGTH - 12)
      match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5)
      n[op]++; bound[op, n[op]] = le; count[op, n[op]] = $NF
    }
    END {
      for (op in n) {
        total = count[op, n[op]]; if (total == 0) continue
        p50 = ""; p99 = ""
        for (i = 1; i <= n[op]; i++) {
          if (p50 == "" && count[op, i] >= 0.5 * total) p50 = bound[op, i]
          if (p99 == "" && count[op, i] >= 0.99 * total) p99 = bound[op, i]
        }
        printf "%s:%d:%s:%s ", op, total, (p50 == "+Inf" ? p50 : p50 * 1000), (p99 == "+Inf" ? p99 : p99 * 1000)
      }
    }'
}

# wait_until SECONDS WHAT COMMAND…: runs COMMAND every 0.2 s until it succeeds; fails naming WHAT after SECONDS.
wait_until() {
  local limit="$1" what="$2" deadline=$((SECONDS + $1))
  shift 2
  until "$@"; do
    if [ $SECONDS -ge $deadline ]; then echo "$what: not after ${limit}s" >&2; return 1; fi
    sleep 0.2
  done
}

# run_standin REF AMQP_PORT N LIMIT WORK: the ceiling of the benchmarks — the C stand-in of
# ../shared/tools/broker-reference (REF: its binary) against the broker on AMQP_PORT, driven by its `feed` with N
# requests with receipts, each bounded by LIMIT seconds. Prints the `standin:` and `standin feed:` lines and leaves
# the feed line in $standin_feed. Uses queue_exists (above) and the caller's say; sets $standin_pid while the stand-in runs
# (for the caller's cleanup) and $status to a failing exit code. Exits when the stand-in stops before its queue exists.
run_standin() {
  local ref="$1" amqp_port="$2" n="$3" limit="$4" work="$5"
  local run="r$RANDOM$RANDOM"
  "$ref" standin -p "$amqp_port" -n "$n" -d -R "$run" -T "$limit" > "$work/standin.out" 2>&1 &
  standin_pid=$!
  # feed publishes through the default exchange: the queue must exist first or the requests are dropped unroutable.
  # (rabbitmqctl can take 10 s and more on a loaded machine.)
  standin_up() { kill -0 "$standin_pid" 2>/dev/null && queue_exists smpp.outbound; }
  wait_until 120 "the stand-in's queue smpp.outbound" standin_up || true
  if ! kill -0 "$standin_pid" 2>/dev/null; then
    say "the stand-in stopped: $(cat "$work/standin.out")"
    exit 1
  fi
  standin_feed="$("$ref" feed -p "$amqp_port" -n "$n" -d -R "$run" -T "$limit" -B "$standin_pid")" || status=$?
  wait "$standin_pid" || status=$?
  standin_pid=""
  echo "standin: $(cat "$work/standin.out")"
  echo "standin feed: $standin_feed"
}

# cpu_of PID [children]: CPU seconds so far of a process (utime + stime; with `children`, also its reaped
# children's); 0 for a process that is gone. The fields are counted after the command name, which may hold spaces.
cpu_of() {
  awk -v hz="$(getconf CLK_TCK)" -v kids="${2:-}" '{
    sub(/^.*\) /, ""); t = $12 + $13; if (kids != "") t += $14 + $15; printf "%.3f", t / hz }' "/proc/$1/stat" \
    2>/dev/null || echo 0
}
# cpu_sum PID…: the CPU seconds of several processes together.
cpu_sum() {
  local pid total=0
  for pid in "$@"; do total="$(awk -v a="$total" -v b="$(cpu_of "$pid")" 'BEGIN { printf "%.3f", a + b }')"; done
  echo "$total"
}
# broker_pids: every RabbitMQ node's Erlang VM on this machine (the benchmarks' brokers are the only ones).
broker_pids() { pgrep -x beam.smp || true; }
# per_request_us BEFORE AFTER N: CPU microseconds per request between two cpu_of / cpu_sum readings, one decimal.
per_request_us() {
  awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1e6 / n; else print "n/a" }'
}

# The first number after KEY= or "KEY": in LINE (feed's key=value lines and smpp-bench's JSON).
field() { sed -nE "s/.*[ \"]$1[\"]?[=:]([0-9.]+).*/\1/p" <<< "$2"; }
# A bridge rate over the stand-in's ($standin_rate), two decimals; n/a when either is missing.
ratio() { awk -v b="$1" -v s="$standin_rate" 'BEGIN { if (b > 0 && s > 0) printf "%.2f", b / s; else print "n/a" }'; }
