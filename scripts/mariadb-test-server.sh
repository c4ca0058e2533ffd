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

die() { echo "mariadb-test-server: $*" >&2; exit 1; }

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

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

client() {  # client NAME [args...]: root over the unix socket
  local name=$1
  shift
  mariadb --no-defaults -S "$dir/$name/sock" -uroot "$@"
}

make_certs() {
  local t=$dir/tls
  mkdir -p "$t"
  (
    cd "$t"
    local subj=/O=billflow-test
    openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj "$subj/CN=billflow test CA" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj "$subj/CN=untrusted CA" \
      -keyout other-ca-key.pem -out other-ca.pem 2>/dev/null
    issue() {  # issue NAME SAN
      openssl req -newkey rsa:2048 -nodes -subj "$subj/CN=$1" -keyout "$1-key.pem" \
        -out "$1.csr" 2>/dev/null
      printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" \
        >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3 \
        -extfile "$1.ext" -out "$1-cert.pem" 2>/dev/null
    }
    issue server 'IP:127.0.0.1,DNS:localhost'
    issue wronghost 'DNS:db.example.test'
  )
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

wait_ready() {  # wait_ready NAME
  local name=$1
  for _ in $(seq 1 300); do
    if client "$name" -e 'select 1' >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$dir/$name/mariadbd.pid")" 2>/dev/null; then
      tail -20 "$dir/$name/err.log" >&2 || true
      die "mariadbd '$name' exited during start-up (log: $dir/$name/err.log)"
    fi
    sleep 0.05
  done
  die "mariadbd '$name' did not answer within 15 s (log: $dir/$name/err.log)"
}

start() {
  for name in "${servers[@]}"; do
    [[ -f $dir/$name/mariadbd.pid ]] && kill -0 "$(cat "$dir/$name/mariadbd.pid")" 2>/dev/null &&
      die "a server is already running in $dir/$name; stop it first"
  done
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
    wait_ready "$name"
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

stop_one() {  # stop_one NAME: returns 1 when the server had to be killed
  local name=$1 status=0 pid
  local d=$dir/$name
  [[ -f $d/mariadbd.pid ]] || return 0
  pid=$(cat "$d/mariadbd.pid")
  if kill -0 "$pid" 2>/dev/null; then
    mariadb-admin --no-defaults -S "$d/sock" -uroot shutdown >/dev/null 2>&1 ||
      kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      echo "mariadb-test-server: '$name' did not stop in 10 s; killed" >&2
      status=1
    fi
  fi
  rm -rf "$d/data" "$d/mariadbd.pid"
  return $status
}

stop() {
  local pids=() status=0
  for name in "${servers[@]}"; do
    stop_one "$name" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  return $status
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop DIR" ;;
esac
