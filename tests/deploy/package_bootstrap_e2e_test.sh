#!/usr/bin/env bash
# The packaged Lambda function, end to end: deploy/package-lambda.sh packages BINARY (BILLFLOW_BIN,
# so nothing is rebuilt), the zip is unpacked into a task directory, and its `bootstrap` runs with
# an otherwise empty environment (env -i: only what Lambda sets plus billflow's variables) against
# the Lambda Runtime API emulator, serving tests/data/s3_event.json (the shape of the original's
# S3 event) after examples/' meat file was uploaded (AWS CLI) to that bucket and key on s3rver
# behind the SigV4 front; rows must land in MariaDB or PostgreSQL through the Data API emulator.
#   package_bootstrap_e2e_test.sh BILLFLOW_BINARY [mysql|postgres]   (the engine; mysql by default)
# shellcheck disable=SC1091,SC2034  # sourced helper, loop counters
set -euo pipefail
binary=$(realpath "$1")
engine=${2:-mysql}
case $engine in
  mysql) server=MariaDB ;;
  postgres) server=PostgreSQL ;;
  *) echo "usage: package_bootstrap_e2e_test.sh BILLFLOW_BINARY [mysql|postgres]" >&2; exit 2 ;;
esac
export DATA_API_ENGINE=$engine
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../integration/aws_lib.sh"
aws_lib_init
root=$AWS_LIB_REPO
tools="$root/tools"
event="$root/tests/data/s3_event.json"
bucket=$(jq -r '.Records[0].s3.bucket.name' "$event")
key=$(jq -r '.Records[0].s3.object.key' "$event")
read -r want_rows _ < <(/usr/bin/python3 "$root/tests/e2e/oracle.py" "$root/examples/$key")

BILLFLOW_BIN=$binary BILLFLOW_DIST="$AWS_TMP/dist" bash "$root/deploy/package-lambda.sh" >"$AWS_TMP/package.log" 2>&1 ||
  { cat "$AWS_TMP/package.log" >&2; die "package-lambda.sh failed"; }
task="$AWS_TMP/task"
unzip -q "$AWS_TMP/dist/billflow-lambda.zip" -d "$task"
check "the zip holds an executable bootstrap" test -x "$task/bootstrap"

aws_start_s3 "$bucket"
# shellcheck disable=SC2119  # no extra emulator options
aws_start_data_api
/usr/bin/aws --endpoint-url "$S3_URL" s3 cp --quiet "$root/examples/$key" "s3://$bucket/$key"
aws_start RUNTIME /usr/bin/python3 "$tools/lambda_runtime_emulator.py" --out "$AWS_TMP/runtime" \
  --log "$AWS_TMP/runtime-requests.jsonl" "$event"

start_ns=$(date +%s%N)
(
  cd "$task" # Lambda starts the bootstrap in /var/task
  exec env -i \
    AWS_LAMBDA_RUNTIME_API="127.0.0.1:$RUNTIME_PORT" \
    AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
    BILLFLOW_DB="data-api://arn:aws:rds:us-east-1:123456789012:cluster:billflow?secret=arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf&database=billflow$(aws_engine_query)" \
    AWS_ENDPOINT_URL_S3="$S3_URL" \
    AWS_ENDPOINT_URL_RDS_DATA="$DATA_URL" \
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

check_eq "$(jq -r .kind "$AWS_TMP/runtime/results.jsonl" 2>/dev/null)" "response" "the bootstrap answered the invocation with /response"
check_eq "$(jq -r '.files[0].source + " " + .files[0].status + " " + (.files[0].rows_loaded|tostring)' "$AWS_TMP/runtime/000.response.json" 2>/dev/null)" \
  "s3://$bucket/$key loaded $want_rows" "the response reports the event's object loaded with $want_rows rows"
check_eq "$(aws_sql "SELECT COUNT(*) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source = 's3://$bucket/$key' AND f.status = 'loaded'")" \
  "$want_rows" "$server holds the $want_rows rows, through the Data API"
check_grep '"_aws"' "$AWS_TMP/bootstrap.out" "the EMF metrics line is on stdout"
check "no /runtime/init/error" test ! -e "$AWS_TMP/runtime/init-error.json"
first_next=$(grep -m1 'invocation/next' "$AWS_TMP/runtime-requests.jsonl" | jq -r .t_ns)
echo "figure: packaged bootstrap (sh + bundled loader + billflow init over the Data API), start → first /next: $(((first_next - start_ns) / 1000)) µs"

if [ "$ASSERT_FAILURES" -ne 0 ]; then
  echo "--- bootstrap stdout"; cat "$AWS_TMP/bootstrap.out"; echo "--- bootstrap stderr"; cat "$AWS_TMP/bootstrap.err"
  cat "$AWS_TMP/runtime/init-error.json" 2>/dev/null || true
  echo "logs kept in $AWS_TMP" >&2
  AWS_KEEP_TMP=1
fi
assert_done
