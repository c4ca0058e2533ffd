# shellcheck shell=bash
# What scripts/mariadb-test-server.sh and scripts/postgres-test-server.sh share: a free port, the
# test CA and its certificates, waiting for a server to answer, stopping one and stopping all.
# Sourced after the script has set:
#   tool      its name, for messages ("mariadb-test-server")
#   dir       the DIR argument; each server NAME lives in $dir/NAME
#   servers   the servers' names (main wronghost notls, or main alone)
#   pid_name  the pid file's name in $dir/NAME ("mariadbd.pid")
#   log_name  the server log's name in $dir/NAME ("err.log")
# and defines stop_one NAME (usually a call of stop_server).
# shellcheck disable=SC2154  # tool, dir, servers, pid_name, log_name: the sourcing script's

die() { echo "$tool: $*" >&2; exit 1; }

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# DIR/tls: ca.pem (the test CA), other-ca.pem (a CA that signed nothing the servers present),
# server-{cert,key}.pem for 127.0.0.1 and localhost, wronghost-{cert,key}.pem for db.example.test.
make_certs() {
  local t=$dir/tls
  mkdir -p "$t"
  (
    cd "$t" || exit 1
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

server_running() {  # server_running NAME: its pid file names a live process
  [[ -f $dir/$1/$pid_name ]] && kill -0 "$(cat "$dir/$1/$pid_name")" 2>/dev/null
}

refuse_running() {  # start's first step: DIR's servers must be stopped
  local name
  for name in "${servers[@]}"; do
    server_running "$name" && die "a server is already running in $dir/$name; stop it first"
  done
  return 0
}

wait_ready() {  # wait_ready NAME COMMAND...: until COMMAND succeeds, for 15 s at most
  local name=$1
  shift
  for _ in $(seq 1 300); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! server_running "$name"; then
      tail -20 "$dir/$name/$log_name" >&2 || true
      die "'$name' exited during start-up (log: $dir/$name/$log_name)"
    fi
    sleep 0.05
  done
  die "'$name' did not answer within 15 s (log: $dir/$name/$log_name)"
}

# stop_server NAME COMMAND...: asks the server to stop with COMMAND (a signal if COMMAND fails),
# kills it after 10 s, then removes its data directory and pid file. Returns 1 when it was killed.
stop_server() {
  local name=$1 status=0 pid
  shift
  local d=$dir/$name
  [[ -f $d/$pid_name ]] || return 0
  pid=$(cat "$d/$pid_name")
  if kill -0 "$pid" 2>/dev/null; then
    "$@" >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      echo "$tool: '$name' did not stop in 10 s; killed" >&2
      status=1
    fi
  fi
  rm -rf "$d/data" "${d:?}/$pid_name"
  return $status
}

stop() {  # every server of DIR at once
  local pids=() status=0 name pid
  for name in "${servers[@]}"; do
    stop_one "$name" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  return $status
}
