#!/usr/bin/env bash
# Proves the local AWS emulators in tools/ speak the real wire formats: the real AWS CLI v2
# (/usr/bin/aws) must accept each of them, and must be refused when it signs with a wrong
# secret. Starts and stops its own servers (s3rver behind the SigV4 front, Secrets Manager,
# Data API on a throwaway MariaDB, Lambda Runtime API).
set -euo pipefail
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init
tools="$AWS_LIB_REPO/tools"

# ---- S3: s3rver behind the verifying front -------------------------------------------------
aws_start_s3 bills
s3=$S3_URL
printf 'id,amount\n1,2.50\n' >"$AWS_TMP/one.csv"
for key in "plain.csv" "with space.csv" "plus+sign.csv" "caf$(printf '\xc3\xa9').csv"; do
  if /usr/bin/aws --endpoint-url "$s3" s3 cp "$AWS_TMP/one.csv" "s3://bills/in/$key" >/dev/null; then
    pass "aws s3 cp uploads in/$key"
  else
    fail "aws s3 cp uploads in/$key"
  fi
done
listing=$(/usr/bin/aws --endpoint-url "$s3" s3 ls s3://bills/in/ | awk '{ $1=$2=$3=""; sub(/^ +/, ""); print }' | sort | tr '\n' '|')
check_eq "$listing" "caf$(printf '\xc3\xa9').csv|plain.csv|plus+sign.csv|with space.csv|" "aws s3 ls lists every key"
body=$(/usr/bin/aws --endpoint-url "$s3" s3 cp "s3://bills/in/plus+sign.csv" - )
check_eq "$body" "$(cat "$AWS_TMP/one.csv")" "aws s3 cp downloads the bytes"
if out=$(AWS_SECRET_ACCESS_KEY=wrong-secret /usr/bin/aws --endpoint-url "$s3" s3 ls s3://bills/in/ 2>&1); then
  fail "a wrong secret must be refused"
else
  case "$out" in *SignatureDoesNotMatch*) pass "a wrong secret gets SignatureDoesNotMatch (403)";;
                 *) fail "wrong secret: unexpected answer: $out";; esac
fi
if out=$(AWS_SECRET_ACCESS_KEY=wrong-secret /usr/bin/aws --endpoint-url "$s3" s3 cp "$AWS_TMP/one.csv" s3://bills/in/evil.csv 2>&1); then
  fail "a wrongly signed upload must be refused"
else
  pass "a wrongly signed upload is refused"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' "$s3/bills/in/plain.csv")
check_eq "$code" "403" "an unsigned request gets 403"

# ---- Secrets Manager -------------------------------------------------------------------------
cat >"$AWS_TMP/secrets.json" <<'JSON'
{"billflow/db": {"username": "billflow", "password": "billflow-pw", "host": "127.0.0.1",
                 "port": 3306, "dbname": "billflow"}}
JSON
aws_start SECRETS /usr/bin/python3 "$tools/secrets_emulator.py" "$AWS_TMP/secrets.json"
sm="http://127.0.0.1:$SECRETS_PORT"
secret=$(/usr/bin/aws --endpoint-url "$sm" secretsmanager get-secret-value --secret-id billflow/db \
           --query SecretString --output text)
user=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["username"])' "$secret")
check_eq "$user" "billflow" "aws secretsmanager get-secret-value by name"
name=$(/usr/bin/aws --endpoint-url "$sm" secretsmanager get-secret-value \
         --secret-id "arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf" \
         --query Name --output text)
check_eq "$name" "billflow/db" "aws secretsmanager get-secret-value by ARN"
if out=$(/usr/bin/aws --endpoint-url "$sm" secretsmanager get-secret-value --secret-id nope 2>&1); then
  fail "an unknown secret must fail"
else
  case "$out" in *ResourceNotFoundException*) pass "an unknown secret is ResourceNotFoundException";;
                 *) fail "unknown secret: $out";; esac
fi
if out=$(AWS_SECRET_ACCESS_KEY=wrong /usr/bin/aws --endpoint-url "$sm" secretsmanager get-secret-value --secret-id billflow/db 2>&1); then
  fail "secrets: a wrong secret key must be refused"
else
  case "$out" in *InvalidSignatureException*) pass "secrets: a wrong secret key is refused";;
                 *) fail "secrets wrong key: $out";; esac
fi

# ---- RDS Data API on a throwaway MariaDB ------------------------------------------------------
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
count=$(mariadb --no-defaults -S "$MARIADB_SOCK" -uroot -N -e 'SELECT COUNT(*) FROM billflow.t')
check_eq "$count" "1" "MariaDB holds the committed state"
if out=$(/usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" --sql 'SELECT * FROM nope' 2>&1); then
  fail "a bad table must fail"
else
  case "$out" in *BadRequestException*1146*) pass "SQL errors are BadRequestException with the MySQL code";;
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
expect_refused "a failed statement in a transaction is refused" "Duplicate entry 'b'" 400 \
  execute-statement "${arn[@]}" --transaction-id "$tx" --sql "INSERT INTO t (id) VALUES ('b')"
expect_refused "a call after a failed statement finds the transaction aborted" \
  "TransactionNotFoundException) when calling the ExecuteStatement operation*: Transaction has been aborted due to an error from a previous call" 404 \
  execute-statement "${arn[@]}" --transaction-id "$tx" --sql 'SELECT 1'
expect_refused "a commit after a failed statement finds the transaction aborted" \
  "TransactionNotFoundException) when calling the CommitTransaction operation*: Transaction has been aborted due to an error from a previous call" 404 \
  commit-transaction --resource-arn arn:aws:rds:us-east-1:123456789012:cluster:billflow \
  --secret-arn arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf --transaction-id "$tx"
count=$(mariadb --no-defaults -S "$MARIADB_SOCK" -uroot -N -e "SELECT COUNT(*) FROM billflow.t WHERE id = 'in-aborted'")
check_eq "$count" "0" "an aborted transaction's earlier statements are rolled back"
if out=$(AWS_SECRET_ACCESS_KEY=wrong /usr/bin/aws --endpoint-url "$da" rds-data execute-statement "${arn[@]}" --sql 'SELECT 1' 2>&1); then
  fail "data api: a wrong secret key must be refused"
else
  case "$out" in *InvalidSignatureException*) pass "data api: a wrong secret key is refused";;
                 *) fail "data api wrong key: $out";; esac
fi

# ---- Lambda Runtime API ---------------------------------------------------------------------
printf '{"n":1}' >"$AWS_TMP/e1.json"
printf '{"n":2}' >"$AWS_TMP/e2.json"
aws_start RUNTIME /usr/bin/python3 "$tools/lambda_runtime_emulator.py" --out "$AWS_TMP/runtime" \
  "$AWS_TMP/e1.json" "$AWS_TMP/e2.json"
rt="http://127.0.0.1:$RUNTIME_PORT/2018-06-01"
headers="$AWS_TMP/next.headers"
payload=$(curl -s -D "$headers" "$rt/runtime/invocation/next")
check_eq "$payload" '{"n":1}' "/next serves the first event"
id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\r')
deadline=$(grep -i '^Lambda-Runtime-Deadline-Ms:' "$headers" | cut -d' ' -f2 | tr -d '\r')
now_ms=$(($(date +%s) * 1000))
if [ "$deadline" -gt "$now_ms" ] && [ "$deadline" -lt $((now_ms + 60000)) ]; then
  pass "deadline is epoch milliseconds in the near future"
else
  fail "deadline $deadline is not epoch ms near $now_ms"
fi
grep -qi '^Lambda-Runtime-Trace-Id: Root=1-' "$headers" && pass "trace id header" || fail "trace id header"
grep -qi '^Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:' "$headers" && pass "function arn header" || fail "function arn"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"ok":true}' "$rt/runtime/invocation/$id/response")
check_eq "$code" "202" "/response answers 202"
curl -s -D "$headers" -o /dev/null "$rt/runtime/invocation/next"
id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\r')
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Lambda-Runtime-Function-Error-Type: billflow.invalid_data' \
  -d '{"errorMessage":"bad","errorType":"billflow.invalid_data"}' "$rt/runtime/invocation/$id/error")
check_eq "$code" "202" "/error answers 202"
for i in $(seq 1 50); do kill -0 "$RUNTIME_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$RUNTIME_PID" 2>/dev/null; then fail "runtime emulator exits when the queue is drained"; else pass "runtime emulator exits when the queue is drained"; fi
check_eq "$(cat "$AWS_TMP/runtime/000.response.json")" '{"ok":true}' "response recorded"
check_eq "$(wc -l <"$AWS_TMP/runtime/results.jsonl" | tr -d ' ')" "2" "results.jsonl has both results"
check_grep '"error_type": "billflow.invalid_data"' "$AWS_TMP/runtime/results.jsonl" "error type recorded"

if [ "$ASSERT_FAILURES" -ne 0 ]; then
  echo "logs kept in $AWS_TMP" >&2
  AWS_KEEP_TMP=1
fi
assert_done
