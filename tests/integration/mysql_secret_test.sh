#!/usr/bin/env bash
# billflow ingest --db 'mysql://…?secret=ARN': user and password come from Secrets Manager
# (the local emulator, checked against the real AWS CLI in aws_emulators_test.sh), the rows
# land in a real MariaDB, and a wrong secret fails clearly without printing the password.
# usage: mysql_secret_test.sh BILLFLOW_BIN
set -euo pipefail
billflow=$1
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init
aws_start_mariadb
examples="$AWS_LIB_REPO/examples"
read -r want_rows want_rejects want_usd < <(/usr/bin/python3 "$AWS_LIB_REPO/tests/e2e/oracle.py" "$examples"/*.csv)

cat >"$AWS_TMP/secrets.json" <<JSON
{"billflow/db": {"username": "$MARIADB_USER", "password": "$MARIADB_PASSWORD", "host": "127.0.0.1",
                 "port": $MARIADB_PORT, "dbname": "billflow"},
 "billflow/wrong": {"username": "$MARIADB_USER", "password": "canary-9f3e1b77", "host": "127.0.0.1",
                    "port": $MARIADB_PORT, "dbname": "billflow"}}
JSON
aws_start SECRETS /usr/bin/python3 "$AWS_LIB_REPO/tools/secrets_emulator.py" "$AWS_TMP/secrets.json"
export AWS_ENDPOINT_URL_SECRETS_MANAGER="http://127.0.0.1:$SECRETS_PORT"
unset BILLFLOW_DB_PASSWORD

arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf"
url="mysql://nobody@127.0.0.1:$MARIADB_PORT/billflow?secret=$arn"
set +e
"$billflow" ingest --db "$url" --json "$examples" >"$AWS_TMP/out.json" 2>"$AWS_TMP/err.log"
rc=$?
set -e
check_eq "$rc" "0" "ingest with credentials from Secrets Manager exits 0"
check_eq "$(aws_sql 'SELECT COUNT(*) FROM billing_data')" "$want_rows" "$want_rows rows loaded"
check_eq "$(aws_sql 'SELECT SUM(bill_amount_usd) FROM billing_data')" "$want_usd" "exact DECIMAL sum"
check_eq "$(aws_sql 'SELECT COUNT(*) FROM billing_rejects')" "$want_rejects" "$want_rejects rejects"

set +e
"$billflow" ingest --db "mysql://nobody@127.0.0.1:$MARIADB_PORT/billflow?secret=billflow/wrong" \
  "$examples" >"$AWS_TMP/out2.txt" 2>"$AWS_TMP/err2.log"
rc=$?
set -e
check_eq "$rc" "1" "a secret with the wrong password fails with exit 1"
check "the password never appears in output or logs" \
  bash -c '! grep -q canary-9f3e1b77 "$@"' - "$AWS_TMP/out2.txt" "$AWS_TMP/err2.log"
check_grep "[Dd]enied" "$AWS_TMP/err2.log" "the error says access was denied"
set +e
"$billflow" ingest --db "mysql://nobody@127.0.0.1:$MARIADB_PORT/billflow?secret=billflow/none" \
  "$examples" >/dev/null 2>"$AWS_TMP/err3.log"
rc=$?
set -e
check_eq "$rc" "1" "an unknown secret fails with exit 1"
check_grep "billflow/none" "$AWS_TMP/err3.log" "the error names the secret"
assert_done
