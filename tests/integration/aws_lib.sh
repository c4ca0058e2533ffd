# Shared helpers for the AWS integration tests (sourced, bash). Starts local servers in a
# temporary directory and stops exactly the processes it started.
#   aws_lib_init                      temp dir $AWS_TMP, cleanup trap, AWS CLI environment
#   aws_start NAME CMD…               run CMD in background; $NAME_PORT from its first stdout line
#   aws_start_mariadb                 throwaway MariaDB; sets MARIADB_PORT, MARIADB_SOCK,
#                                     user billflow/billflow-pw, database billflow
# Needs: node, /usr/bin/python3 (pymysql), mariadbd, /usr/bin/aws.

AWS_LIB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AWS_LIB_PIDS=()
AWS_TEST_ACCESS_KEY=AKIDBILLFLOWTEST
AWS_TEST_SECRET_KEY=billflow-test-secret

aws_lib_cleanup() {
  local pid
  for pid in "${AWS_LIB_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${AWS_LIB_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${MARIADB_SOCK:-}" ] && [ -S "$MARIADB_SOCK" ]; then
    mariadb-admin --no-defaults -S "$MARIADB_SOCK" -uroot shutdown 2>/dev/null || true
    [ -n "${MARIADB_PID:-}" ] && wait "$MARIADB_PID" 2>/dev/null || true
  fi
  [ -n "${AWS_TMP:-}" ] && [ -z "${AWS_KEEP_TMP:-}" ] && rm -rf "$AWS_TMP"
  return 0
}

aws_lib_init() {
  AWS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/billflow-aws-XXXXXX")
  trap aws_lib_cleanup EXIT
  export HOME="$AWS_TMP/home"
  mkdir -p "$HOME"
  export AWS_ACCESS_KEY_ID=$AWS_TEST_ACCESS_KEY
  export AWS_SECRET_ACCESS_KEY=$AWS_TEST_SECRET_KEY
  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  export AWS_MAX_ATTEMPTS=1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
  unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL
}

# aws_start NAME CMD… : starts CMD, waits for the port it prints, sets ${NAME}_PORT and ${NAME}_PID.
aws_start() {
  local name=$1
  shift
  local out="$AWS_TMP/$name.out"
  "$@" >"$out" 2>"$AWS_TMP/$name.err" &
  local pid=$!
  AWS_LIB_PIDS+=("$pid")
  local i
  for i in $(seq 1 100); do
    if [ -s "$out" ]; then
      printf -v "${name}_PORT" '%s' "$(head -1 "$out")"
      printf -v "${name}_PID" '%s' "$pid"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "FAIL: $name did not start: $(cat "$AWS_TMP/$name.err")" >&2
  return 1
}

aws_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

aws_start_mariadb() {
  local dir="$AWS_TMP/mariadb"
  mkdir -p "$dir"
  MARIADB_PORT=$(aws_free_port)
  MARIADB_SOCK="$dir/sock"
  mkdir -p "$dir/tmp"  # its own tmpdir: bootstraps sharing /tmp collided on #sql-temptable files
  mariadb-install-db --no-defaults --user=root --datadir="$dir/data" --skip-test-db --tmpdir="$dir/tmp" \
    >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; return 1; }
  mariadbd --no-defaults --user=root --datadir="$dir/data" --socket="$MARIADB_SOCK" --tmpdir="$dir/tmp" \
    --pid-file="$dir/pid" --port="$MARIADB_PORT" --bind-address=127.0.0.1 \
    --skip-name-resolve --log-error="$dir/err.log" --skip-log-bin 2>>"$dir/err.log" &
  MARIADB_PID=$!
  local i
  for i in $(seq 1 100); do
    if mariadb --no-defaults -S "$MARIADB_SOCK" -uroot -e 'select 1' >/dev/null 2>&1; then
      mariadb --no-defaults -S "$MARIADB_SOCK" -uroot -e "
        CREATE DATABASE billflow CHARACTER SET utf8mb4;
        CREATE USER 'billflow'@'127.0.0.1' IDENTIFIED BY 'billflow-pw';
        GRANT ALL ON billflow.* TO 'billflow'@'127.0.0.1';"
      return 0
    fi
    sleep 0.1
  done
  echo "FAIL: mariadbd did not start: $(tail -5 "$dir/err.log")" >&2
  return 1
}
