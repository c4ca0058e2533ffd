#!/usr/bin/env bash
# Proves the local AWS emulators in tools/ speak the real wire formats: the real AWS CLI v2
# (/usr/bin/aws) must accept each of them, and must be refused when it signs with a wrong
# secret. Starts and stops its own servers (s3rver behind the SigV4 front, Secrets Manager,
# Lambda Runtime API). The Data API emulator has its own: data_api_emulator_test.sh.
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
for _ in $(seq 1 50); do kill -0 "$RUNTIME_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$RUNTIME_PID" 2>/dev/null; then fail "runtime emulator exits when the queue is drained"; else pass "runtime emulator exits when the queue is drained"; fi
check_eq "$(cat "$AWS_TMP/runtime/000.response.json")" '{"ok":true}' "response recorded"
check_eq "$(wc -l <"$AWS_TMP/runtime/results.jsonl" | tr -d ' ')" "2" "results.jsonl has both results"
check_grep '"error_type": "billflow.invalid_data"' "$AWS_TMP/runtime/results.jsonl" "error type recorded"

if [ "$ASSERT_FAILURES" -ne 0 ]; then
  echo "logs kept in $AWS_TMP" >&2
  export AWS_KEEP_TMP=1  # read by aws_lib.sh's exit trap
fi
assert_done
