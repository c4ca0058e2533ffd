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
seed="$AWS_LIB_REPO/../shared/seed/s3_files"
fails=0
check() { if [ "$1" = "$2" ]; then echo "ok: $3"; else echo "FAIL: $3: got '$1', want '$2'"; fails=$((fails + 1)); fi; }

cat >"$AWS_TMP/secrets.json" <<JSON
{"billflow/db": {"username": "billflow", "password": "billflow-pw", "host": "127.0.0.1",
                 "port": $MARIADB_PORT, "dbname": "billflow"},
 "billflow/wrong": {"username": "billflow", "password": "canary-9f3e1b77", "host": "127.0.0.1",
                    "port": $MARIADB_PORT, "dbname": "billflow"}}
JSON
aws_start SECRETS /usr/bin/python3 "$AWS_LIB_REPO/tools/secrets_emulator.py" "$AWS_TMP/secrets.json"
export AWS_ENDPOINT_URL_SECRETS_MANAGER="http://127.0.0.1:$SECRETS_PORT"
unset BILLFLOW_DB_PASSWORD

arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf"
url="mysql://nobody@127.0.0.1:$MARIADB_PORT/billflow?secret=$arn"
set +e
"$billflow" ingest --db "$url" --json "$seed" >"$AWS_TMP/out.json" 2>"$AWS_TMP/err.log"
rc=$?
set -e
check "$rc" "0" "ingest with credentials from Secrets Manager exits 0"
sql() { mariadb --no-defaults -S "$MARIADB_SOCK" -uroot -N -B billflow -e "$1"; }
check "$(sql 'SELECT COUNT(*) FROM billing_data')" "44" "44 rows loaded"
check "$(sql 'SELECT SUM(bill_amount_usd) FROM billing_data')" "733531.00" "exact DECIMAL sum"
check "$(sql 'SELECT COUNT(*) FROM billing_rejects')" "1" "1 reject"

set +e
"$billflow" ingest --db "mysql://nobody@127.0.0.1:$MARIADB_PORT/billflow?secret=billflow/wrong" \
  "$seed" >"$AWS_TMP/out2.txt" 2>"$AWS_TMP/err2.log"
rc=$?
set -e
check "$rc" "1" "a secret with the wrong password fails with exit 1"
if grep -q "canary-9f3e1b77" "$AWS_TMP/out2.txt" "$AWS_TMP/err2.log"; then
  echo "FAIL: the secret's password appears in billflow's output"; fails=$((fails + 1))
else
  echo "ok: the password never appears in output or logs"
fi
if grep -qi "access denied\|denied" "$AWS_TMP/err2.log"; then
  echo "ok: the error says access was denied"
else
  echo "FAIL: no clear access-denied message: $(cat "$AWS_TMP/err2.log")"; fails=$((fails + 1))
fi
set +e
"$billflow" ingest --db "mysql://nobody@127.0.0.1:$MARIADB_PORT/billflow?secret=billflow/none" \
  "$seed" >/dev/null 2>"$AWS_TMP/err3.log"
rc=$?
set -e
check "$rc" "1" "an unknown secret fails with exit 1"
grep -q "billflow/none" "$AWS_TMP/err3.log" && echo "ok: the error names the secret" ||
  { echo "FAIL: error does not name the secret: $(cat "$AWS_TMP/err3.log")"; fails=$((fails + 1)); }
echo "$((7 + 2 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
