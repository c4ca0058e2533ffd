#!/usr/bin/env bash
# The packaged Lambda function, end to end: deploy/package-lambda.sh packages BINARY (BILLFLOW_BIN,
# so nothing is rebuilt), the zip is unpacked into a task directory, and its `bootstrap` runs with
# an otherwise empty environment (env -i: only what Lambda sets plus billflow's variables) against
# the Lambda Runtime API emulator, serving the original's event.json after the meat file was
# uploaded (AWS CLI) to that bucket and key on s3rver behind the SigV4 front; rows must land in
# MariaDB through the Data API emulator.
#   package_bootstrap_e2e_test.sh BILLFLOW_BINARY
# shellcheck disable=SC1091,SC2015,SC2034  # sourced helper, pass||fail idiom, loop counters
set -euo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../integration/aws_lib.sh"
aws_lib_init
root=$AWS_LIB_REPO
tools="$root/tools"
seed=${BILLFLOW_SEED_DIR:-/work/shared/seed}
bucket=$(jq -r '.Records[0].s3.bucket.name' "$seed/event.json")
key=$(jq -r '.Records[0].s3.object.key' "$seed/event.json")

failures=0
pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; failures=$((failures + 1)); }
expect_eq() { if [ "$1" == "$2" ]; then pass "$3"; else fail "$3: expected [$2], got [$1]"; fi; }

BILLFLOW_BIN=$binary BILLFLOW_DIST="$AWS_TMP/dist" bash "$root/deploy/package-lambda.sh" >"$AWS_TMP/package.log" 2>&1 ||
  { cat "$AWS_TMP/package.log" >&2; fail "package-lambda.sh failed"; exit 1; }
task="$AWS_TMP/task"
unzip -q "$AWS_TMP/dist/billflow-lambda.zip" -d "$task"
[ -x "$task/bootstrap" ] && pass "the zip holds an executable bootstrap" || fail "no executable bootstrap in the zip"

aws_start S3 node --openssl-legacy-provider "$tools/s3_sigv4_front.mjs" --directory "$AWS_TMP/s3" --bucket "$bucket"
aws_start_mariadb
aws_start DATA /usr/bin/python3 "$tools/data_api_emulator.py" --mysql-port "$MARIADB_PORT" \
  --mysql-user billflow --mysql-password billflow-pw
/usr/bin/aws --endpoint-url "http://127.0.0.1:$S3_PORT" s3 cp --quiet "$seed/s3_files/$key" "s3://$bucket/$key"
aws_start RUNTIME /usr/bin/python3 "$tools/lambda_runtime_emulator.py" --out "$AWS_TMP/runtime" \
  --log "$AWS_TMP/runtime-requests.jsonl" "$seed/event.json"

start_ns=$(date +%s%N)
(
  cd "$task" # Lambda starts the bootstrap in /var/task
  exec env -i \
    AWS_LAMBDA_RUNTIME_API="127.0.0.1:$RUNTIME_PORT" \
    AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
    BILLFLOW_DB="data-api://arn:aws:rds:us-east-1:123456789012:cluster:billflow?secret=arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf&database=billflow" \
    AWS_ENDPOINT_URL_S3="http://127.0.0.1:$S3_PORT" \
    AWS_ENDPOINT_URL_RDS_DATA="http://127.0.0.1:$DATA_PORT" \
    LAMBDA_TASK_ROOT="$task" \
    "$task/bootstrap"
) >"$AWS_TMP/bootstrap.out" 2>"$AWS_TMP/bootstrap.err" &
bootstrap_pid=$!
AWS_LIB_PIDS+=("$bootstrap_pid")
for i in $(seq 1 300); do kill -0 "$RUNTIME_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$RUNTIME_PID" 2>/dev/null && fail "the runtime emulator got no result within 30 s"
for i in $(seq 1 50); do kill -0 "$bootstrap_pid" 2>/dev/null || break; sleep 0.1; done
kill "$bootstrap_pid" 2>/dev/null || true
wait "$bootstrap_pid" 2>/dev/null || true

expect_eq "$(jq -r .kind "$AWS_TMP/runtime/results.jsonl" 2>/dev/null)" "response" "the bootstrap answered the invocation with /response"
expect_eq "$(jq -r '.files[0].source + " " + .files[0].status + " " + (.files[0].rows_loaded|tostring)' "$AWS_TMP/runtime/000.response.json" 2>/dev/null)" \
  "s3://$bucket/$key loaded 15" "the response reports the event's object loaded with 15 rows"
expect_eq "$(mariadb --no-defaults -S "$MARIADB_SOCK" -uroot -N -B billflow -e \
  "SELECT COUNT(*) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source = 's3://$bucket/$key' AND f.status = 'loaded'")" \
  "15" "MariaDB holds the 15 rows, through the Data API"
grep -q '"_aws"' "$AWS_TMP/bootstrap.out" && pass "the EMF metrics line is on stdout" || fail "no EMF line on stdout"
[ ! -e "$AWS_TMP/runtime/init-error.json" ] && pass "no /runtime/init/error" || fail "init error: $(cat "$AWS_TMP/runtime/init-error.json")"
first_next=$(grep -m1 'invocation/next' "$AWS_TMP/runtime-requests.jsonl" | jq -r .t_ns)
echo "figure: packaged bootstrap (sh + bundled loader + billflow init over the Data API), start → first /next: $(((first_next - start_ns) / 1000)) µs"

if [ "$failures" -ne 0 ]; then
  echo "--- bootstrap stdout"; cat "$AWS_TMP/bootstrap.out"; echo "--- bootstrap stderr"; cat "$AWS_TMP/bootstrap.err"
  echo "$failures check(s) failed; logs kept in $AWS_TMP" >&2
  AWS_KEEP_TMP=1
  exit 1
fi
echo "packaged bootstrap end-to-end checks passed"
