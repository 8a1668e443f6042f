#!/usr/bin/env bash
# Installs the system packages the project needs (Debian 12, as root or with sudo). Idempotent: packages already
# present are not fetched again.
#   deploy/setup.sh          everything: build, tests, benchmarks, the local demo (RabbitMQ and PostgreSQL servers,
#                            Python peers),
#                            and docker-compose (CI runs `docker-compose config` on the compose files; no engine)
#   deploy/setup.sh build    only what building needs (the Dockerfile's build stage uses this)
set -euo pipefail

build_packages=(pkg-config librabbitmq-dev libssl-dev libsqlite3-dev libjemalloc-dev)
case "${1:-all}" in
  build) packages=("${build_packages[@]}") ;;
  all) packages=("${build_packages[@]}" rabbitmq-server postgresql openssl python3 python3-venv python3-yaml docker-compose) ;;
  *) echo "usage: deploy/setup.sh [build|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  # RabbitMQ's and PostgreSQL's packages would start system-wide servers; we run our own private instances instead
  # (deploy/rabbitmq.sh, deploy/postgres.sh).
  # The policy is put back as it was whatever happens (a failed install must not leave every later package's
  # service unable to start).
  saved_policy=""
  if [ -e /usr/sbin/policy-rc.d ]; then
    saved_policy="$(mktemp)"
    $sudo_cmd cp -p /usr/sbin/policy-rc.d "$saved_policy"
  fi
  restore_policy() {
    if [ -n "$saved_policy" ]; then
      $sudo_cmd cp -p "$saved_policy" /usr/sbin/policy-rc.d
      $sudo_cmd rm -f "$saved_policy"
    else
      $sudo_cmd rm -f /usr/sbin/policy-rc.d
    fi
  }
  trap restore_policy EXIT
  printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
  $sudo_cmd chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
  restore_policy
  trap - EXIT
  # Kept from starting at boot too: the system-wide servers (and epmd's socket) would listen on every interface;
  # only units of packages installed here are touched, an existing system broker or database is left alone.
  units=()
  for p in "${missing[@]}"; do
    case "$p" in
      rabbitmq-server) units+=(rabbitmq-server.service epmd.service epmd.socket) ;;
      postgresql) units+=(postgresql.service) ;;
    esac
  done
  if [ ${#units[@]} -gt 0 ] && command -v systemctl >/dev/null; then
    $sudo_cmd systemctl disable --quiet "${units[@]}" 2>/dev/null \
      || echo "setup: could not disable ${units[*]} (systemctl); they may start at boot" >&2
  fi
fi
command -v swift >/dev/null || { echo "setup: Swift is not on PATH (expected the Swift toolchain, e.g. /opt/swift/usr/bin)" >&2; exit 1; }
