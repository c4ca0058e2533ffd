#!/usr/bin/env bash
# Throwaway PostgreSQL 15 servers for the PostgreSQL sink's integration tests and benchmark.
# No systemd, no cluster of the Debian package.
#
#   scripts/postgres-test-server.sh start DIR [--only main]
#   scripts/postgres-test-server.sh stop DIR
#
# `start` creates DIR and three servers on 127.0.0.1 (with --only main, the first alone), each
# with its own data directory, socket directory and free TCP port:
#   main       TLS with a server certificate for IP:127.0.0.1,DNS:localhost signed by DIR/tls/ca.pem
#   wronghost  TLS with a certificate from the same CA issued for db.example.test only
#   notls      ssl = off
# PostgreSQL refuses to run as root, so as root the servers run as the system user
# `billflow-pg` (created on first use), which may not traverse DIR's parents (a clone in /root,
# mode 700): as root the servers' own directories (data, socket, certificate, log) live in
# /tmp/billflow-pg-HASH, and DIR/NAME links to them. On each server
# the role `billflow` (SCRAM password, superuser: it is a test server) may connect over TCP;
# database `billflow` exists. DIR/tls/other-ca.pem is a CA that signed nothing the servers
# present. Everything a test needs is written to DIR/env (mode 600) as KEY=VALUE lines; the
# password is random per start and passed to psql on stdin only.
#
# `stop` shuts every server of DIR down and removes the data directories (env and logs stay).
set -euo pipefail

tool=postgres-test-server pid_name=postgres.pid log_name=server.log
source "$(dirname "$0")/test-server-lib.sh"

usage="usage: $0 start|stop DIR [--only main]"
[[ $# -ge 2 ]] || die "$usage"
cmd=$1
dir=$2
shift 2
servers=(main wronghost notls)
while [[ $# -gt 0 ]]; do
  case $1 in
    --only) [[ ${2:-} == main ]] || die "--only takes main"; servers=(main); shift 2 ;;
    *) die "unknown option $1; $usage" ;;
  esac
done
[[ $cmd == stop ]] && servers=(main wronghost notls)

bin=${BILLFLOW_PG_BIN:-/usr/lib/postgresql/15/bin}
[[ -x $bin/initdb ]] || die "$bin/initdb not found (Debian package postgresql-15)"
run_user=billflow-pg
# Where the servers' directories live: DIR itself, or as root a directory of DIR's own in /tmp
# that the server user can reach (the same for start and stop: named by a hash of DIR).
sdir=$dir
if [[ $(id -u) -eq 0 ]]; then
  sdir=/tmp/billflow-pg-$(realpath -m "$dir" | sha256sum | cut -c1-16)
fi
as_server() {  # as_server CMD...: runs CMD as the unprivileged server user when root
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$run_user" -- "$@"
  else
    "$@"
  fi
}

start_server() {  # start_server NAME PORT CERT_NAME|-
  local name=$1 port=$2 cert=$3 d=$sdir/$1
  local ssl=(-c ssl=off)
  if [[ $cert != - ]]; then
    cp "$dir/tls/$cert-cert.pem" "$d/server.crt"
    cp "$dir/tls/$cert-key.pem" "$d/server.key"
    chmod 600 "$d/server.key"
    ssl=(-c ssl=on -c ssl_cert_file="$d/server.crt" -c ssl_key_file="$d/server.key")
  fi
  [[ $(id -u) -eq 0 ]] && chown -R "$run_user" "$d"
  # synchronous_commit=off acknowledges a COMMIT before its WAL is written, so a killed server
  # loses it: a test that kills the server sets BILLFLOW_TEST_PG_SYNCHRONOUS_COMMIT=on (fsync=off
  # stays: the kernel keeps what was written when the server process dies).
  as_server "$bin/postgres" -D "$d/data" -p "$port" -k "$d" -c listen_addresses=127.0.0.1 \
    -c fsync=off -c synchronous_commit="${BILLFLOW_TEST_PG_SYNCHRONOUS_COMMIT:-off}" \
    -c full_page_writes=off -c max_connections=100 \
    -c shared_buffers=32MB "${ssl[@]}" </dev/null >"$d/server.log" 2>&1 &
  echo $! >"$d/postgres.pid"
}

start() {
  refuse_running
  if [[ $(id -u) -eq 0 ]] && ! id "$run_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$run_user"
  fi
  rm -rf "$dir" "$sdir"
  mkdir -p "$dir" "$sdir"
  chmod 755 "$dir" "$sdir"
  make_certs &
  local certs_pid=$!
  mkdir -p "$sdir/seed"
  [[ $(id -u) -eq 0 ]] && chown "$run_user" "$sdir/seed"
  as_server "$bin/initdb" -D "$sdir/seed/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    die "initdb failed (log: $dir/initdb.log; $sdir must be reachable by $run_user)"
  # TCP needs a SCRAM password; the local socket (in the server's own directory) is trusted.
  cat >"$sdir/seed/data/pg_hba.conf" <<'HBA'
local all all trust
host all billflow 127.0.0.1/32 scram-sha-256
HBA
  wait "$certs_pid"
  local password
  password=$(openssl rand -hex 16)
  declare -A ports
  for name in "${servers[@]}"; do
    mkdir -p "$sdir/$name"
    [[ $sdir == "$dir" ]] || ln -s "$sdir/$name" "$dir/$name"
    cp -a "$sdir/seed/data" "$sdir/$name/data"
    ports[$name]=$(free_port)
  done
  rm -rf "$sdir/seed"
  start_server main "${ports[main]}" server
  if [[ ${#servers[@]} -gt 1 ]]; then
    start_server wronghost "${ports[wronghost]}" wronghost
    start_server notls "${ports[notls]}" -
  fi
  for name in "${servers[@]}"; do
    wait_ready "$name" "$bin/pg_isready" -q -h "$dir/$name" -p "${ports[$name]}"
    # The postmaster itself (as root, the pid started is runuser's): what stop signals.
    head -1 "$dir/$name/data/postmaster.pid" >"$dir/$name/postgres.pid"
    "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/$name" -p "${ports[$name]}" \
      -U postgres -d postgres >/dev/null <<SQL
CREATE ROLE billflow LOGIN SUPERUSER PASSWORD '$password';
CREATE DATABASE billflow OWNER billflow;
SQL
  done
  (
    umask 077
    cat >"$dir/env" <<ENV
BILLFLOW_TEST_PG_HOST=127.0.0.1
BILLFLOW_TEST_PG_PORT=${ports[main]}
BILLFLOW_TEST_PG_SOCKET_DIR=$sdir/main
BILLFLOW_TEST_PG_DATABASE=billflow
BILLFLOW_TEST_PG_USER=billflow
BILLFLOW_TEST_PG_PASSWORD=$password
BILLFLOW_TEST_PG_CA=$dir/tls/ca.pem
BILLFLOW_TEST_PG_OTHER_CA=$dir/tls/other-ca.pem
BILLFLOW_TEST_PG_WRONGHOST_PORT=${ports[wronghost]:-}
BILLFLOW_TEST_PG_NOTLS_PORT=${ports[notls]:-}
BILLFLOW_TEST_PG_PID=$(cat "$dir/main/postgres.pid")
ENV
  )
  echo "postgres-test-server: ${servers[*]} on 127.0.0.1, main :${ports[main]}; env in $dir/env"
}

fast_shutdown() { kill -INT "$(cat "$dir/$1/postgres.pid")"; }  # SIGINT: PostgreSQL's fast shutdown
stop_one() { stop_server "$1" fast_shutdown "$1"; }

case $cmd in
  start) start ;;
  stop) stop ;;
  *) die "$usage" ;;
esac
