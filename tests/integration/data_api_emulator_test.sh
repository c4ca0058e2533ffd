#!/usr/bin/env bash
# Proves tools/data_api_emulator.py speaks the RDS Data API as the real service does on one
# engine: the real AWS CLI v2 (/usr/bin/aws) runs DDL, typed batches, transactions and reads
# through it, sees the service's limits and error shapes, and is refused when it signs with a
# wrong secret. Starts and stops its own database server and emulator.
# Usage: data_api_emulator_test.sh mysql|postgres
set -euo pipefail
source "$(dirname "$0")/aws_lib.sh"
engine=${1:?usage: data_api_emulator_test.sh mysql|postgres}
case $engine in
  mysql)
    missing_table="Database error code: 1146. Message: Table 'billflow.nope' doesn't exist"
    duplicate_b="Database error code: 1062. Message: Duplicate entry 'b' for key 'PRIMARY'"
    ;;
  postgres)
    missing_table=$'ERROR: relation "nope" does not exist; SQLState: 42P01'
    duplicate_b=$'ERROR: duplicate key value violates unique constraint "t_pkey"\n  Detail: Key (id)=(b) already exists.; SQLState: 23505'
    ;;
  *) echo "usage: data_api_emulator_test.sh mysql|postgres" >&2; exit 2 ;;
esac
export DATA_API_ENGINE=$engine
aws_lib_init

aws_start_data_api --resuming 1
da=$DATA_URL
arn=(--resource-arn arn:aws:rds:us-east-1:123456789012:cluster:billflow
     --secret-arn arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf
     --database billflow)
if out=$(/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" --sql 'SELECT 1' 2>&1); then
  fail "the first call must see DatabaseResumingException"
else
  case "$out" in *DatabaseResumingException*) pass "--resuming 1 answers DatabaseResumingException first";;
                 *) fail "resuming: $out";; esac
fi
/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" \
  --sql 'CREATE TABLE t (id VARCHAR(64) PRIMARY KEY, amount DECIMAL(19,4), day DATE, note TEXT)' >/dev/null \
  && pass "aws rds-data execute-statement runs DDL" || fail "DDL"
/usr/bin/aws --endpoint-url "$da" rds-data batch-execute-statement "${arn[@]}" \
  --sql 'INSERT INTO t (id, amount, day, note) VALUES (:id, :amount, :day, :note)' \
  --parameter-sets '[[{"name":"id","value":{"stringValue":"a"}},{"name":"amount","value":{"stringValue":"975.3000"},"typeHint":"DECIMAL"},{"name":"day","value":{"stringValue":"2025-06-01"},"typeHint":"DATE"},{"name":"note","value":{"isNull":true}}],
                     [{"name":"id","value":{"stringValue":"b"}},{"name":"amount","value":{"stringValue":"-12.5"},"typeHint":"DECIMAL"},{"name":"day","value":{"stringValue":"2025-06-02"},"typeHint":"DATE"},{"name":"note","value":{"stringValue":"caf\u00e9 :not_a_param 100%"}}]]' >/dev/null \
  && pass "aws rds-data batch-execute-statement inserts typed parameter sets" || fail "batch insert"
rows=$(/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" \
  --sql "SELECT id, amount, day, note FROM t WHERE amount > :min ORDER BY id" \
  --parameters '[{"name":"min","value":{"stringValue":"-100"},"typeHint":"DECIMAL"}]' \
  --query 'records' --output json | /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), separators=(",",":"), ensure_ascii=False))')
check_eq "$rows" '[[{"stringValue":"a"},{"stringValue":"975.3000"},{"stringValue":"2025-06-01"},{"isNull":true}],[{"stringValue":"b"},{"stringValue":"-12.5000"},{"stringValue":"2025-06-02"},{"stringValue":"café :not_a_param 100%"}]]' \
  "aws rds-data execute-statement returns typed records"
tx=$(/usr/bin/aws --endpoint-url "$da" rds-data begin-transaction "${arn[@]}" --query transactionId --output text)
/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" --transaction-id "$tx" \
  --sql "DELETE FROM t WHERE id = 'a'" >/dev/null
/usr/bin/aws --endpoint-url "$da" rds-data rollback-transaction --resource-arn arn:aws:rds:us-east-1:123456789012:cluster:billflow \
  --secret-arn arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf --transaction-id "$tx" >/dev/null
count=$(/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" --sql 'SELECT COUNT(*) FROM t' \
  --query 'records[0][0].longValue' --output text)
check_eq "$count" "2" "rollback-transaction undoes the delete"
tx=$(/usr/bin/aws --endpoint-url "$da" rds-data begin-transaction "${arn[@]}" --query transactionId --output text)
/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" --transaction-id "$tx" \
  --sql "DELETE FROM t WHERE id = 'a'" >/dev/null
status=$(/usr/bin/aws --endpoint-url "$da" rds-data commit-transaction --resource-arn arn:aws:rds:us-east-1:123456789012:cluster:billflow \
  --secret-arn arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf --transaction-id "$tx" \
  --query transactionStatus --output text)
check_eq "$status" "Transaction Committed" "commit-transaction commits"
count=$(aws_sql 'SELECT COUNT(*) FROM t')
check_eq "$count" "1" "$engine holds the committed state"
if out=$(/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" --sql 'SELECT * FROM nope' 2>&1); then
  fail "a bad table must fail"
else
  case "$out" in *BadRequestException*"$missing_table"*) pass "SQL errors are BadRequestException with the $engine error";;
                 *) fail "bad table: $out";; esac
fi
# The real service's limits (FIELD-NOTES "Real-service facts"), each seen through the real CLI.
# expect_refused NAME PATTERN HTTP_STATUS AWS_ARGS...: the call fails, its output matches
# PATTERN, and the answer had HTTP_STATUS (from the CLI's --debug log of urllib3).
expect_refused() {
  local name=$1 pattern=$2 status=$3
  shift 3
  local out
  if out=$(/usr/bin/aws --debug --endpoint-url "$da" rds-data "$@" 2>&1); then
    fail "$name: the call must fail"
    return
  fi
  case "$out" in
    *$pattern*) ;;
    *) fail "$name: expected [$pattern] in: $(printf '%s' "$out" | grep -E 'An error occurred' | tail -1)"; return;;
  esac
  if printf '%s' "$out" | grep -qE "\"POST /[A-Za-z]+ HTTP/1.1\" $status "; then
    pass "$name"
  else
    fail "$name: the answer was not HTTP $status"
  fi
}
/usr/bin/python3 - "$AWS_TMP/big-request.json" <<'PY'
import json, sys
json.dump({"resourceArn": "arn:aws:rds:us-east-1:123456789012:cluster:billflow",
           "secretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf",
           "database": "billflow", "sql": "SELECT '" + "x" * (4 * 1024 * 1024) + "'"},
          open(sys.argv[1], "w"))
PY
expect_refused "a request over 4 MiB is refused with HTTP 413" \
  "BadRequestException) when calling the ExecuteStatement operation*: Request content size exceeds the 4 MB limit" 413 \
  execute-statement --cli-input-json "file://$AWS_TMP/big-request.json"
expect_refused "an answer over 1 MiB is refused" \
  "BadRequestException) when calling the ExecuteStatement operation*: Database returned more than the allowed response size limit" 400 \
  execute-statement "${arn[@]}" \
  --sql "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20) SELECT REPEAT('x', 60000) FROM n"
rows=$(/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" \
  --sql "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 15) SELECT REPEAT('x', 60000) FROM n" \
  --query 'length(records)' --output text)
check_eq "$rows" "15" "an answer of 15 rows of 60 KB (under 1 MiB) is served"
expect_refused "a row over 64 KB is refused" \
  "BadRequestException) when calling the ExecuteStatement operation*: Database returned a row larger than the allowed row size limit of 64 KB" 400 \
  execute-statement "${arn[@]}" --sql "SELECT REPEAT('x', 70000)"
expect_refused "an unknown transaction id is TransactionNotFoundException, HTTP 404" \
  "TransactionNotFoundException) when calling the ExecuteStatement operation*: Transaction bm9uZQ== is not found" 404 \
  execute-statement "${arn[@]}" --transaction-id bm9uZQ== --sql 'SELECT 1'
tx=$(/usr/bin/aws --endpoint-url "$da" rds-data begin-transaction "${arn[@]}" --query transactionId --output text)
/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" --transaction-id "$tx" \
  --sql "INSERT INTO t (id) VALUES ('in-aborted')" >/dev/null
expect_refused "a failed statement in a transaction is refused" "$duplicate_b" 400 \
  execute-statement "${arn[@]}" --transaction-id "$tx" --sql "INSERT INTO t (id) VALUES ('b')"
expect_refused "a call after a failed statement finds the transaction aborted" \
  "TransactionNotFoundException) when calling the ExecuteStatement operation*: Transaction has been aborted due to an error from a previous call" 404 \
  execute-statement "${arn[@]}" --transaction-id "$tx" --sql 'SELECT 1'
expect_refused "a commit after a failed statement finds the transaction aborted" \
  "TransactionNotFoundException) when calling the CommitTransaction operation*: Transaction has been aborted due to an error from a previous call" 404 \
  commit-transaction --resource-arn arn:aws:rds:us-east-1:123456789012:cluster:billflow \
  --secret-arn arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf --transaction-id "$tx"
count=$(aws_sql "SELECT COUNT(*) FROM t WHERE id = 'in-aborted'")
check_eq "$count" "0" "an aborted transaction's earlier statements are rolled back"
if out=$(AWS_SECRET_ACCESS_KEY=wrong /usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" --sql 'SELECT 1' 2>&1); then
  fail "data api: a wrong secret key must be refused"
else
  case "$out" in *InvalidSignatureException*) pass "data api: a wrong secret key is refused";;
                 *) fail "data api wrong key: $out";; esac
fi

if [ "$engine" = postgres ]; then
  # The service binds a stringValue as character varying on PostgreSQL: a NUMERIC or DATE
  # column takes it only with a typeHint or a cast in the SQL.
  expect_refused "postgres: an un-hinted stringValue is character varying, refused by NUMERIC" \
    $'ERROR: column "amount" is of type numeric but expression is of type character varying\n  Hint: You will need to rewrite or cast the expression.; SQLState: 42804' 400 \
    execute-statement "${arn[@]}" --sql 'INSERT INTO t (id, amount) VALUES (:id, :amount)' \
    --parameters '[{"name":"id","value":{"stringValue":"c"}},{"name":"amount","value":{"stringValue":"1.5"}}]'
  /usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" \
    --sql 'INSERT INTO t (id, amount, day) VALUES (:id, :amount::numeric, CAST(:day AS date))' \
    --parameters '[{"name":"id","value":{"stringValue":"c"}},{"name":"amount","value":{"stringValue":"1.5"}},{"name":"day","value":{"stringValue":"2025-06-03"}}]' >/dev/null \
    && pass "postgres: a cast in the SQL (:p::numeric, CAST(:p AS date)) takes an un-hinted stringValue" \
    || fail "postgres: cast in the SQL"
  check_eq "$(aws_sql "SELECT amount, day FROM t WHERE id = 'c'")" $'1.5000\t2025-06-03' \
    "postgres: the cast values are stored exactly"
  rows=$(/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" \
    --sql "SELECT 7::bigint, 2.5::float8, true, '\\x00ff'::bytea, NULL" --query 'records' --output json |
    /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), separators=(",",":")))')
  check_eq "$rows" '[[{"longValue":7},{"doubleValue":2.5},{"booleanValue":true},{"blobValue":"AP8="},{"isNull":true}]]' \
    "postgres: bigint, float8, boolean, bytea and NULL come back as the service types them"
fi

# --exit-on-stdin-eof (how the contract suite's fixture runs it): the emulator ends when the
# process holding its stdin pipe dies, even by SIGKILL in the middle of a transaction, and that
# transaction is rolled back. (An orphaned emulator held a crashed test's stderr open, and ctest
# waited for it until the 300 s timeout.)
mkfifo "$AWS_TMP/emulator.stdin"
sleep 600 >"$AWS_TMP/emulator.stdin" &  # stands for the test process: the only writer
holder=$!
AWS_LIB_PIDS+=("$holder")
AWS_START_STDIN="$AWS_TMP/emulator.stdin" aws_start_data_api --exit-on-stdin-eof
tx=$(/usr/bin/aws --endpoint-url "$DATA_URL" rds-data begin-transaction "${arn[@]}" --query transactionId --output text)
/usr/bin/aws --endpoint-url "$DATA_URL" rds-data execute-statement "${arn[@]}" --transaction-id "$tx" \
  --sql "INSERT INTO t (id) VALUES ('orphaned')" >/dev/null
kill -KILL "$holder"
answering=yes
for _ in $(seq 1 50); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$DATA_PORT") 2>/dev/null; then answering=no; break; fi
  sleep 0.1
done
check_eq "$answering" "no" "--exit-on-stdin-eof: the emulator stops within 5 s of its stdin's writer being killed"
status=0
wait "$DATA_PID" || status=$?
check_eq "$status" "0" "--exit-on-stdin-eof: the emulator exits with status 0"
check_eq "$(aws_sql "SELECT COUNT(*) FROM t WHERE id = 'orphaned'")" "0" \
  "--exit-on-stdin-eof: the open transaction of the emulator that ended is rolled back"

if [ "$ASSERT_FAILURES" -ne 0 ]; then
  echo "logs kept in $AWS_TMP" >&2
  export AWS_KEEP_TMP=1  # read by aws_lib.sh's exit trap
fi
assert_done
