#!/usr/bin/env bash
# billflow ingest s3://bucket/prefix/ with --rates s3://…: objects uploaded with the real AWS CLI
# to s3rver behind the SigV4-verifying front; a .csv.gz object decompresses while streaming and
# has the same content hash as its plain copy; a wrong secret is refused by the front;
# `ingest --event` honours --dry-run and --max-inflated-bytes and prints the --json fields.
# usage: s3_ingest_test.sh BILLFLOW_BIN
set -euo pipefail
billflow=$1
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init
seed="$AWS_LIB_REPO/../shared/seed/s3_files"
fails=0
passes=0
check() {
  if [ "$1" = "$2" ]; then echo "ok: $3"; passes=$((passes + 1));
  else echo "FAIL: $3: got '$1', want '$2'"; fails=$((fails + 1)); fi
}

aws_start S3 node --openssl-legacy-provider "$AWS_LIB_REPO/tools/s3_sigv4_front.mjs" \
  --directory "$AWS_TMP/s3" --bucket bills
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$S3_PORT"
s3cp() { /usr/bin/aws --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 cp "$@" >/dev/null; }
s3cp "$seed/billing_data_bakery_june_2025.csv" "s3://bills/in/bakery june.csv"
s3cp "$seed/billing_data_dairy_june_2025.csv" "s3://bills/in/dairy+2025.csv"
gzip -c "$seed/billing_data_meat_june_2025.csv" >"$AWS_TMP/meat.csv.gz"
s3cp "$AWS_TMP/meat.csv.gz" "s3://bills/in/meat.csv.gz"
s3cp "$seed/billing_data_meat_june_2025.csv" "s3://bills/plain/meat.csv"
printf 'currency,rate_to_usd,valid_from\nCAD,0.70,1970-01-01\nMXN,0.05,1970-01-01\n' >"$AWS_TMP/rates.csv"
s3cp "$AWS_TMP/rates.csv" "s3://bills/config/rates.csv"

db="$AWS_TMP/t.db"
set +e
"$billflow" ingest --db "sqlite:$db" --json --rates s3://bills/config/rates.csv s3://bills/in/ \
  >"$AWS_TMP/out.json" 2>"$AWS_TMP/err.log"
rc=$?
set -e
check "$rc" "0" "ingest s3://bills/in/ exits 0 ($(tail -1 "$AWS_TMP/err.log"))"
q() { /usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$db" "$1"; }
check "$(q 'SELECT COUNT(*) FROM billing_files')" "3" "three objects listed and loaded"
check "$(q "SELECT COUNT(*) FROM billing_files WHERE source = 's3://bills/in/bakery june.csv'")" "1" "key with a space is its own source"
check "$(q 'SELECT COUNT(*) FROM billing_data')" "44" "44 rows"
check "$(q "SELECT fx_rate FROM billing_data WHERE currency = 'CAD' LIMIT 1")" "0.70" "rates came from s3://bills/config/rates.csv"
/usr/bin/python3 - "$db" <<'PY' && { echo "ok: exact USD total with the S3 rates"; passes=$((passes + 1)); } || { echo "FAIL: USD total"; fails=$((fails + 1)); }
import sqlite3, sys
from decimal import Decimal
rows = sqlite3.connect(sys.argv[1]).execute("SELECT bill_amount, currency, bill_amount_usd FROM billing_data").fetchall()
rates = {"USD": Decimal("1"), "CAD": Decimal("0.70"), "MXN": Decimal("0.05")}
want = sum((Decimal(a) * rates[c]).quantize(Decimal("0.01")) for a, c, _ in rows)
got = sum(Decimal(u) for _, _, u in rows)
sys.exit(0 if want == got and len(rows) == 44 else 1)
PY

"$billflow" ingest --db "sqlite:$db" --json s3://bills/plain/meat.csv >"$AWS_TMP/out2.json" 2>/dev/null
check "$(q "SELECT COUNT(DISTINCT content_sha256) FROM billing_files WHERE source LIKE '%meat%'")" "1" \
  "gzip and plain copies have the same content hash"

set +e
AWS_SECRET_ACCESS_KEY=wrong "$billflow" ingest --db "sqlite:$AWS_TMP/w.db" s3://bills/in/ >/dev/null 2>"$AWS_TMP/err3.log"
rc=$?
set -e
check "$rc" "1" "a wrong secret fails the run"
grep -q "403\|SignatureDoesNotMatch" "$AWS_TMP/err3.log" && { echo "ok: the error says 403"; passes=$((passes + 1)); } ||
  { echo "FAIL: no 403 in: $(cat "$AWS_TMP/err3.log")"; fails=$((fails + 1)); }
# ingest --event: the same front door as ingest. --dry-run writes nothing (no database file
# is even created), --max-inflated-bytes is honoured, and the summary has the fields of --json.
cat >"$AWS_TMP/event.json" <<'JSON'
{"Records":[
 {"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"bills"},"object":{"key":"in/bakery+june.csv"}}},
 {"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"bills"},"object":{"key":"in/meat.csv.gz"}}}]}
JSON
set +e
"$billflow" ingest --event "$AWS_TMP/event.json" --dry-run --db "sqlite:$AWS_TMP/dry.db" \
  >"$AWS_TMP/dry.json" 2>"$AWS_TMP/dry.err"
rc=$?
set -e
check "$rc" "0" "ingest --event --dry-run exits 0 ($(tail -1 "$AWS_TMP/dry.err"))"
check "$([ -e "$AWS_TMP/dry.db" ] && echo created || echo absent)" "absent" \
  "ingest --event --dry-run --db sqlite:dry.db creates no database"
check "$(jq -r '[.files[].status] | join(",")' "$AWS_TMP/dry.json")" "checked,checked" \
  "both event files are checked, not loaded"
check "$(jq -r '.totals.rows_loaded' "$AWS_TMP/dry.json")" "29" "the dry run validated 29 rows"
set +e
"$billflow" ingest --event "$AWS_TMP/event.json" --dry-run --max-inflated-bytes 100 \
  >"$AWS_TMP/bomb.json" 2>/dev/null
rc=$?
set -e
check "$rc" "1" "ingest --event --max-inflated-bytes 100 fails the .csv.gz"
check "$(jq -r '.files[1].status' "$AWS_TMP/bomb.json")" "failed" "the .csv.gz is the failed file"
jq -r ".files[1].error" "$AWS_TMP/bomb.json" | grep -q -- "--max-inflated-bytes" &&
  { echo "ok: the error names --max-inflated-bytes"; passes=$((passes + 1)); } ||
  { echo "FAIL: no limit in: $(jq -r '.files[1].error' "$AWS_TMP/bomb.json")"; fails=$((fails + 1)); }
keys() { jq -c "$1"' | keys' "$2"; }
want_file='["content_sha256","error","path","rows_loaded","rows_read","rows_rejected","seconds","source","status","usd_total","warnings"]'
want_totals='["by_status","failed","files","rows_loaded","rows_read","rows_rejected","usd_total"]'
check "$(keys '.files[0]' "$AWS_TMP/out.json")" "$want_file" "ingest --json file fields"
check "$(keys '.files[0]' "$AWS_TMP/dry.json")" "$want_file" "ingest --event file fields are the same"
check "$(keys '.totals' "$AWS_TMP/out.json")" "$want_totals" "ingest --json totals fields"
check "$(keys '.totals' "$AWS_TMP/dry.json")" "$want_totals" "ingest --event totals fields are the same"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
