#!/usr/bin/env bash
# A PRIVATE PostgreSQL cluster for tests and benchmarks: start | stop | restart | status | env | psql ARGS.
#
# Its data, log, unix socket and the test role's password live in deploy/.state/postgres (ignored by git), so it
# never touches a system cluster or its files. It listens on 127.0.0.1 only, on SMPP_BRIDGE_POSTGRES_PORT (24681;
# below Linux's ephemeral range, see deploy/rabbitmq.sh for why), and on a unix socket inside the state directory.
# The cluster's superuser is `postgres` (trusted on that private socket only); the bridge's tests connect over TCP
# as role `bridge` (password authentication, scram-sha-256) to database `smpp_bridge`; TLS is on with the test
# certificates (see install_tls).
# As root (CI, the containers here) the server runs as the `postgres` OS user, which owns the state directory; as
# any other user it runs as that user. Works on a fresh machine once deploy/setup.sh has installed `postgresql`.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
state="${SMPP_BRIDGE_POSTGRES_STATE:-$root/deploy/.state/postgres}"
port="${SMPP_BRIDGE_POSTGRES_PORT:-24681}"
password_file="$state/bridge.password"
ready_timeout=60

log() { echo "postgres.sh: $*" >&2; }

# Where the server's own files go: the state directory, unless we are root and the `postgres` OS user cannot reach
# it (a checkout under a directory closed to others); then a directory in /var/tmp named after the state directory,
# so that each checkout still has its own cluster.
server_dir="$state"
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
  mkdir -p "$state"
  if ! runuser -u postgres -- test -x "$state" 2>/dev/null; then
    server_dir="/var/tmp/smpp-bridge-postgres.$(printf '%s' "$state" | md5sum | cut -c1-12)"
  fi
fi
data="$server_dir/data"
socket_dir="$server_dir/socket"
logfile="$server_dir/log/postgres.log"

# The newest installed server version's binaries (Debian keeps them out of PATH).
bin_dir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$d" ] && [ -x "$d/pg_ctl" ] || { log "PostgreSQL's server is not installed (run deploy/setup.sh)"; exit 1; }
  echo "$d"
}

# Runs a command as the cluster's owner: `postgres` when we are root (the server refuses to run as root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The test role's password: made once, kept in the state directory (readable by the invoking user only).
password() {
  if [ ! -s "$password_file" ]; then
    mkdir -p "$state"
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$password_file")
  fi
  cat "$password_file"
}

prepare_state() {
  mkdir -p "$state" "$server_dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { log "no 'postgres' OS user (is the postgresql package installed?)"; exit 1; }
    mkdir -p "$data" "$socket_dir" "$server_dir/log"
    chown postgres:postgres "$data" "$socket_dir" "$server_dir/log"
    if ! runuser -u postgres -- test -w "$data"; then
      log "the postgres OS user cannot write $data"
      exit 1
    fi
  else
    mkdir -p "$data" "$socket_dir" "$server_dir/log"
  fi
  chmod 700 "$data" "$socket_dir"
}

init_cluster() {
  [ -s "$data/PG_VERSION" ] && return 0
  local bin; bin="$(bin_dir)"
  log "initdb into $data"
  as_owner "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$state/initdb.log" 2>&1 \
    || { cat "$state/initdb.log" >&2; exit 1; }
  # Loopback TCP and our own socket only; enough connections for the test suite's parallel pools.
  as_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF

# deploy/postgres.sh
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 400
shared_buffers = 64MB
password_encryption = 'scram-sha-256'
logging_collector = off
log_min_messages = warning
EOF
}

# TLS with the test certificates (Tests/Certificates/server.*: CN localhost, IP 127.0.0.1, signed by the test CA
# ca.pem) for the store's sslmode tests. Copied into the data directory on every start, owned by the server's user
# with mode 600 (PostgreSQL refuses a key others can read); the server is started with ssl on and these files.
install_tls() {
  install -m 600 "$root/Tests/Certificates/server.pem" "$data/server.crt"
  install -m 600 "$root/Tests/Certificates/server.key" "$data/server.key"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data/server.crt" "$data/server.key"; fi
}

pid() { [ -s "$data/postmaster.pid" ] && head -1 "$data/postmaster.pid" || true; }
alive() { local p; p="$(pid)"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

admin_psql() {
  local bin; bin="$(bin_dir)"
  as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" -U postgres "$@"
}

# Role `bridge` with the state directory's password and database `smpp_bridge` owned by it (both idempotent), and
# role `bridge_limited` (same password, no CREATE right anywhere): the tests grant it only the rows' rights, as a DBA
# who creates the tables in advance would.
ensure_role_and_database() {
  local pw; pw="$(password)"
  admin_psql -d postgres -v pw="$pw" <<'EOF'
SELECT format('CREATE ROLE bridge LOGIN PASSWORD %L', :'pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bridge') \gexec
ALTER ROLE bridge LOGIN PASSWORD :'pw';
SELECT format('CREATE ROLE bridge_limited LOGIN PASSWORD %L', :'pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bridge_limited') \gexec
ALTER ROLE bridge_limited LOGIN PASSWORD :'pw';
SELECT 'CREATE DATABASE smpp_bridge OWNER bridge'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'smpp_bridge') \gexec
EOF
}

start() {
  if alive; then log "already running (pid $(pid))"; return 0; fi
  if port_open "$port"; then
    log "127.0.0.1:$port is already in use (another private cluster?); choose another SMPP_BRIDGE_POSTGRES_PORT"
    exit 1
  fi
  local bin; bin="$(bin_dir)"
  prepare_state
  init_cluster
  install_tls
  password >/dev/null
  # -w waits until the server accepts connections (or the timeout passes).
  if ! as_owner "$bin/pg_ctl" -D "$data" -l "$logfile" -w -t "$ready_timeout" \
      -o "-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key" start >/dev/null; then
    log "the server did not start; last log lines:"
    tail -n 30 "$logfile" >&2 || true
    exit 1
  fi
  ensure_role_and_database
  log "ready: postgres://bridge@127.0.0.1:$port/smpp_bridge (pid $(pid))"
}

stop() {
  if ! alive; then log "not running"; return 0; fi
  local bin; bin="$(bin_dir)"
  # fast: open sessions are ended at once (their transactions roll back), then a clean shutdown checkpoint.
  as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null \
    || { log "fast shutdown failed; immediate"; as_owner "$bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null; }
  log "stopped"
}

status() {
  if alive; then
    echo "running (pid $(pid)) postgres://bridge@127.0.0.1:$port/smpp_bridge"
  else
    echo "not running"; return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  # Down for a second (SMPP_BRIDGE_POSTGRES_RESTART_PAUSE), as a real restart is: a fast stop and start can be
  # over between two writes, and the restart tests must see the outage.
  restart) stop; sleep "${SMPP_BRIDGE_POSTGRES_RESTART_PAUSE:-1}"; start ;;
  status) status ;;
  # The postmaster's pid (benchmarks add up its CPU and its backends'); nothing when not running.
  pid) alive && pid ;;
  # psql as the cluster's superuser over the private socket, e.g. `psql -d smpp_bridge -c 'select 1'`.
  psql) shift; admin_psql "$@" ;;
  # Prints the variables the test suite reads, for `eval "$(deploy/postgres.sh env)"`.
  env)
    # sslmode=disable: the suite talks plain TCP as before the server had TLS; the TLS tests choose their own mode.
    echo "export SMPP_BRIDGE_TEST_POSTGRES_URL=postgres://bridge:$(password)@127.0.0.1:$port/smpp_bridge?sslmode=disable"
    echo "export SMPP_BRIDGE_TEST_POSTGRES_RESTART=\"$root/deploy/postgres.sh restart\""
    ;;
  *) echo "usage: $0 start|stop|restart|status|pid|env|psql ARGS..." >&2; exit 2 ;;
esac
