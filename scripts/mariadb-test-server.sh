#!/usr/bin/env bash
# Throwaway MariaDB servers for the MySQL sink's integration tests and benchmark. No systemd.
#
#   scripts/mariadb-test-server.sh start DIR [--buffer-pool SIZE] [--only main]
#   scripts/mariadb-test-server.sh stop DIR
#
# `start` creates DIR and, in about two seconds, three servers on 127.0.0.1 (with --only main,
# the first alone), each with its own datadir, socket and free TCP port:
#   main       TLS with a server certificate for IP:127.0.0.1,DNS:localhost signed by DIR/tls/ca.pem
#   wronghost  TLS with a certificate from the same CA issued for db.example.test only
#   notls      no TLS at all
# On each: user `billflow`@`127.0.0.1` (password, any TLS) and `billflow_tls`@`127.0.0.1`
# (REQUIRE SSL), both with all privileges (it is a test server). DIR/tls/other-ca.pem is a
# second CA that signed nothing the servers present. Everything a test needs is written to
# DIR/env as KEY=VALUE lines (see the end of start()). Passwords are random per start and
# only ever written to DIR/env (mode 600) and passed to the mariadb client on stdin.
#
# `stop` shuts every server of DIR down and removes the datadirs (the env file and logs stay).
set -euo pipefail

tool=mariadb-test-server pid_name=mariadbd.pid log_name=err.log
source "$(dirname "$0")/test-server-lib.sh"

usage="usage: $0 start|stop DIR [--buffer-pool SIZE] [--only main]"
[[ $# -ge 2 ]] || die "$usage"
cmd=$1
dir=$2
shift 2
buffer_pool=64M
servers=(main wronghost notls)
while [[ $# -gt 0 ]]; do
  case $1 in
    --buffer-pool) buffer_pool=$2; shift 2 ;;
    --only) [[ ${2:-} == main ]] || die "--only takes main"; servers=(main); shift 2 ;;
    *) die "unknown option $1; $usage" ;;
  esac
done
# `stop` stops whichever servers `start` made.
[[ $cmd == stop ]] && servers=(main wronghost notls)

client() {  # client NAME [args...]: root over the unix socket
  local name=$1
  shift
  mariadb --no-defaults -S "$dir/$name/sock" -uroot "$@"
}

start_server() {  # start_server NAME PORT TLS_CERT_NAME|- [extra mariadbd options...]
  local name=$1 port=$2 cert=$3 d=$dir/$1
  shift 3
  local tls=()
  if [[ $cert != - ]]; then
    tls=(--ssl-ca="$dir/tls/ca.pem" --ssl-cert="$dir/tls/$cert-cert.pem" --ssl-key="$dir/tls/$cert-key.pem")
  else
    tls=(--skip-ssl)
  fi
  mkdir -p "$d/tmp"
  mariadbd --no-defaults --user=root --datadir="$d/data" --socket="$d/sock" --pid-file="$d/pid" \
    --tmpdir="$d/tmp" --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --local-infile=1 \
    --log-error="$d/err.log" --skip-log-bin --innodb-buffer-pool-size="$buffer_pool" \
    --innodb-log-file-size=256M --max-allowed-packet=64M --max-connections=200 "${tls[@]}" "$@" \
    </dev/null >/dev/null 2>&1 &
  echo $! >"$d/mariadbd.pid"
}

start() {
  refuse_running
  rm -rf "$dir"
  mkdir -p "$dir"
  chmod 700 "$dir"
  make_certs &
  local certs_pid=$!
  # Each server gets its own tmpdir: bootstraps sharing /tmp with other servers once failed
  # with "Could not remove temporary table '/tmp/#sql-temptable-…'".
  mkdir -p "$dir/install-tmp"
  mariadb-install-db --no-defaults --user=root --datadir="$dir/seed" --skip-test-db \
    --tmpdir="$dir/install-tmp" --auth-root-authentication-method=socket --innodb-flush-method=nosync >"$dir/install.log" 2>&1 ||
    die "mariadb-install-db failed (log: $dir/install.log)"
  wait "$certs_pid"
  local password tls_password
  password=$(openssl rand -hex 16)
  tls_password=$(openssl rand -hex 16)
  declare -A ports
  for name in "${servers[@]}"; do
    mkdir -p "$dir/$name"
    cp -a "$dir/seed" "$dir/$name/data"
    ports[$name]=$(free_port)
  done
  rm -rf "$dir/seed"
  start_server main "${ports[main]}" server
  if [[ ${#servers[@]} -gt 1 ]]; then
    # The TLS-refusal servers hold no data: keep them small and skip fsync.
    local small=(--innodb-buffer-pool-size=16M --innodb-log-file-size=16M --innodb-flush-method=nosync)
    start_server wronghost "${ports[wronghost]}" wronghost "${small[@]}"
    start_server notls "${ports[notls]}" - "${small[@]}"
  fi
  for name in "${servers[@]}"; do
    wait_ready "$name" client "$name" -e "select 1"
    # Passwords go on stdin, never on a command line.
    client "$name" <<SQL
CREATE USER 'billflow'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'billflow'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER 'billflow_tls'@'127.0.0.1' IDENTIFIED BY '$tls_password' REQUIRE SSL;
GRANT ALL PRIVILEGES ON *.* TO 'billflow_tls'@'127.0.0.1';
CREATE DATABASE billflow CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
SQL
  done
  umask 077
  cat >"$dir/env" <<ENV
BILLFLOW_TEST_MYSQL_HOST=127.0.0.1
BILLFLOW_TEST_MYSQL_PORT=${ports[main]}
BILLFLOW_TEST_MYSQL_SOCKET=$dir/main/sock
BILLFLOW_TEST_MYSQL_DATABASE=billflow
BILLFLOW_TEST_MYSQL_USER=billflow
BILLFLOW_TEST_MYSQL_PASSWORD=$password
BILLFLOW_TEST_MYSQL_TLS_USER=billflow_tls
BILLFLOW_TEST_MYSQL_TLS_PASSWORD=$tls_password
BILLFLOW_TEST_MYSQL_CA=$dir/tls/ca.pem
BILLFLOW_TEST_MYSQL_OTHER_CA=$dir/tls/other-ca.pem
BILLFLOW_TEST_MYSQL_WRONGHOST_PORT=${ports[wronghost]:-}
BILLFLOW_TEST_MYSQL_NOTLS_PORT=${ports[notls]:-}
ENV
  echo "mariadb-test-server: ${servers[*]} on 127.0.0.1, main :${ports[main]}; env in $dir/env"
}

stop_one() { stop_server "$1" mariadb-admin --no-defaults -S "$dir/$1/sock" -uroot shutdown; }

case $cmd in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop DIR" ;;
esac
