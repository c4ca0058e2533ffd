# shellcheck shell=bash
# Helpers for the AWS integration tests (sourced, bash). Starts local servers in a temporary
# directory and stops exactly the processes it started. Sources tests/support/assert.sh.
#   aws_lib_init                 temp dir $AWS_TMP, cleanup trap, AWS CLI environment
#   aws_start NAME CMD…          run CMD in background; $NAME_PORT from its first stdout line
#   aws_start_s3 BUCKET…         s3rver behind the SigV4-verifying front (tools/s3_sigv4_front.mjs)
#                                with those buckets; sets S3_PORT and S3_URL
#   aws_start_mariadb            throwaway MariaDB (scripts/mariadb-test-server.sh --only main);
#                                sets MARIADB_PORT, MARIADB_SOCK, MARIADB_USER, MARIADB_PASSWORD;
#                                database billflow
#   aws_start_postgres           throwaway PostgreSQL 15 (scripts/postgres-test-server.sh --only main);
#                                sets PG_PORT, PG_SOCKET_DIR, PG_USER, PG_PASSWORD; database billflow
#   aws_start_data_api [ARG…]    the Data API emulator (tools/data_api_emulator.py, ARGs passed on)
#                                on the engine DATA_API_ENGINE names (mysql, the default: that
#                                MariaDB; postgres: that PostgreSQL), started first if it is not;
#                                sets DATA_PORT, DATA_URL
#   aws_sql SQL                  runs SQL in database billflow of DATA_API_ENGINE's server (MariaDB
#                                as root, PostgreSQL as the test role); tab-separated, no header
#   aws_engine_query             "&engine=postgres" for DATA_API_ENGINE=postgres, else "": what
#                                a data-api:// URL adds to name the engine
# Needs: node, /usr/bin/python3 (pymysql, psycopg2), mariadbd, postgres 15, /usr/bin/aws.

AWS_LIB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../support/assert.sh
source "$AWS_LIB_REPO/tests/support/assert.sh"
AWS_LIB_PIDS=()
AWS_TEST_ACCESS_KEY=AKIDBILLFLOWTEST
AWS_TEST_SECRET_KEY=billflow-test-secret

aws_lib_cleanup() {
  local pid
  for pid in "${AWS_LIB_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${AWS_LIB_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${AWS_TMP:-}" ] && [ -d "$AWS_TMP/mariadb" ]; then  # also after a failed start
    "$AWS_LIB_REPO/scripts/mariadb-test-server.sh" stop "$AWS_TMP/mariadb" >/dev/null 2>&1 || true
  fi
  if [ -n "${AWS_TMP:-}" ] && [ -d "$AWS_TMP/postgres" ]; then
    "$AWS_LIB_REPO/scripts/postgres-test-server.sh" stop "$AWS_TMP/postgres" >/dev/null 2>&1 || true
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
# CMD's stdin is the file AWS_START_STDIN names (a background command's is /dev/null otherwise).
aws_start() {
  local name=$1
  shift
  local out="$AWS_TMP/$name.out"
  "$@" <"${AWS_START_STDIN:-/dev/null}" >"$out" 2>"$AWS_TMP/$name.err" &
  local pid=$!
  AWS_LIB_PIDS+=("$pid")
  for _ in $(seq 1 100); do
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

aws_start_s3() {
  local args=() bucket
  for bucket in "$@"; do args+=(--bucket "$bucket"); done
  aws_start S3 node --openssl-legacy-provider "$AWS_LIB_REPO/tools/s3_sigv4_front.mjs" \
    --directory "$AWS_TMP/s3" "${args[@]}" || return 1
  # shellcheck disable=SC2034  # for the sourcing test
  S3_URL="http://127.0.0.1:$S3_PORT"
}

aws_start_mariadb() {
  local dir="$AWS_TMP/mariadb"
  "$AWS_LIB_REPO/scripts/mariadb-test-server.sh" start "$dir" --only main >"$AWS_TMP/mariadb.out" 2>&1 ||
    { cat "$AWS_TMP/mariadb.out" >&2; return 1; }
  MARIADB_PORT=$(sed -n 's/^BILLFLOW_TEST_MYSQL_PORT=//p' "$dir/env")
  MARIADB_SOCK=$(sed -n 's/^BILLFLOW_TEST_MYSQL_SOCKET=//p' "$dir/env")
  MARIADB_USER=$(sed -n 's/^BILLFLOW_TEST_MYSQL_USER=//p' "$dir/env")
  MARIADB_PASSWORD=$(sed -n 's/^BILLFLOW_TEST_MYSQL_PASSWORD=//p' "$dir/env")
}

aws_start_postgres() {
  local dir="$AWS_TMP/postgres"
  # The server runs as an unprivileged user, who must reach $dir.
  chmod 711 "$AWS_TMP"
  "$AWS_LIB_REPO/scripts/postgres-test-server.sh" start "$dir" --only main >"$AWS_TMP/postgres.out" 2>&1 ||
    { cat "$AWS_TMP/postgres.out" >&2; return 1; }
  PG_PORT=$(sed -n 's/^BILLFLOW_TEST_PG_PORT=//p' "$dir/env")
  PG_SOCKET_DIR=$(sed -n 's/^BILLFLOW_TEST_PG_SOCKET_DIR=//p' "$dir/env")
  PG_USER=$(sed -n 's/^BILLFLOW_TEST_PG_USER=//p' "$dir/env")
  PG_PASSWORD=$(sed -n 's/^BILLFLOW_TEST_PG_PASSWORD=//p' "$dir/env")
}

aws_start_data_api() {
  local emulator="$AWS_LIB_REPO/tools/data_api_emulator.py"
  if [ "${DATA_API_ENGINE:-mysql}" = postgres ]; then
    [ -n "${PG_PORT:-}" ] || aws_start_postgres || return 1
    aws_start DATA /usr/bin/python3 "$emulator" --engine postgres --pg-port "$PG_PORT" \
      --pg-user "$PG_USER" --pg-password "$PG_PASSWORD" --pg-database billflow "$@" || return 1
  else
    [ -n "${MARIADB_PORT:-}" ] || aws_start_mariadb || return 1
    aws_start DATA /usr/bin/python3 "$emulator" --mysql-port "$MARIADB_PORT" \
      --mysql-user "$MARIADB_USER" --mysql-password "$MARIADB_PASSWORD" "$@" || return 1
  fi
  # shellcheck disable=SC2034  # for the sourcing test
  DATA_URL="http://127.0.0.1:$DATA_PORT"
}

aws_sql() {
  if [ "${DATA_API_ENGINE:-mysql}" = postgres ]; then
    /usr/lib/postgresql/15/bin/psql -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" \
      -p "$PG_PORT" -U "$PG_USER" -d billflow -c "$1"
  else
    mariadb --no-defaults -S "$MARIADB_SOCK" -uroot -N -B billflow -e "$1"
  fi
}

aws_engine_query() {
  if [ "${DATA_API_ENGINE:-mysql}" = postgres ]; then printf '&engine=postgres'; fi
}
