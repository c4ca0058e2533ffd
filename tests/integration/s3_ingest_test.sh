#!/usr/bin/env bash
# billflow ingest s3://bucket/prefix/ with --rates s3://…: objects uploaded with the real AWS CLI
# to s3rver behind the SigV4-verifying front; a .csv.gz object decompresses while streaming and
# has the same content hash as its plain copy; a wrong secret is refused by the front;
# `ingest --event` honours --dry-run and --max-inflated-bytes and prints the --json fields.
# `profiles check s3://…` reads the object through the same loader as `--profiles s3://…`.
# usage: s3_ingest_test.sh BILLFLOW_BIN
set -euo pipefail
billflow=$1
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init
examples="$AWS_LIB_REPO/examples"
read -r want_rows _ < <(/usr/bin/python3 "$AWS_LIB_REPO/tests/e2e/oracle.py" "$examples"/*.csv)

aws_start_s3 bills
export AWS_ENDPOINT_URL_S3=$S3_URL
s3cp() { /usr/bin/aws --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 cp "$@" >/dev/null; }
s3cp "$examples/billing_bakery_2025_06.csv" "s3://bills/in/bakery june.csv"
s3cp "$examples/billing_dairy_2025_06.csv" "s3://bills/in/dairy+2025.csv"
gzip -c "$examples/billing_meat_2025_06.csv" >"$AWS_TMP/meat.csv.gz"
s3cp "$AWS_TMP/meat.csv.gz" "s3://bills/in/meat.csv.gz"
s3cp "$examples/billing_meat_2025_06.csv" "s3://bills/plain/meat.csv"
printf 'currency,rate_to_usd,valid_from\nCAD,0.70,1970-01-01\nMXN,0.05,1970-01-01\n' >"$AWS_TMP/rates.csv"
s3cp "$AWS_TMP/rates.csv" "s3://bills/config/rates.csv"

db="$AWS_TMP/t.db"
set +e
"$billflow" ingest --db "sqlite:$db" --json --rates s3://bills/config/rates.csv s3://bills/in/ \
  >"$AWS_TMP/out.json" 2>"$AWS_TMP/err.log"
rc=$?
set -e
check_eq "$rc" "0" "ingest s3://bills/in/ exits 0 ($(tail -1 "$AWS_TMP/err.log"))"
q() { /usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$db" "$1"; }
check_eq "$(q 'SELECT COUNT(*) FROM billing_files')" "3" "three objects listed and loaded"
check_eq "$(q "SELECT COUNT(*) FROM billing_files WHERE source = 's3://bills/in/bakery june.csv'")" "1" "key with a space is its own source"
check_eq "$(q 'SELECT COUNT(*) FROM billing_data')" "$want_rows" "$want_rows rows"
check_eq "$(q "SELECT fx_rate FROM billing_data WHERE currency = 'CAD' LIMIT 1")" "0.70" "rates came from s3://bills/config/rates.csv"
check "exact USD total with the S3 rates" /usr/bin/python3 - "$db" "$want_rows" <<'PY'
import sqlite3, sys
from decimal import Decimal
rows = sqlite3.connect(sys.argv[1]).execute("SELECT bill_amount, currency, bill_amount_usd FROM billing_data").fetchall()
rates = {"USD": Decimal("1"), "CAD": Decimal("0.70"), "MXN": Decimal("0.05")}
want = sum((Decimal(a) * rates[c]).quantize(Decimal("0.01")) for a, c, _ in rows)
got = sum(Decimal(u) for _, _, u in rows)
sys.exit(0 if want == got and len(rows) == int(sys.argv[2]) else 1)
PY

"$billflow" ingest --db "sqlite:$db" --json s3://bills/plain/meat.csv >"$AWS_TMP/out2.json" 2>/dev/null
check_eq "$(q "SELECT COUNT(DISTINCT content_sha256) FROM billing_files WHERE source LIKE '%meat%'")" "1" \
  "gzip and plain copies have the same content hash"

set +e
AWS_SECRET_ACCESS_KEY=wrong "$billflow" ingest --db "sqlite:$AWS_TMP/w.db" s3://bills/in/ >/dev/null 2>"$AWS_TMP/err3.log"
rc=$?
set -e
check_eq "$rc" "1" "a wrong secret fails the run"
check_grep "403|SignatureDoesNotMatch" "$AWS_TMP/err3.log" "the error says 403"

# ingest --event: the same front door as ingest. --dry-run writes nothing (no database file
# is even created), --max-inflated-bytes is honoured, and the summary has the fields of --json.
cat >"$AWS_TMP/event.json" <<'JSON'
{"Records":[
 {"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"bills"},"object":{"key":"in/bakery+june.csv"}}},
 {"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"bills"},"object":{"key":"in/meat.csv.gz"}}}]}
JSON
read -r dry_rows _ < <(/usr/bin/python3 "$AWS_LIB_REPO/tests/e2e/oracle.py" \
  "$examples/billing_bakery_2025_06.csv" "$examples/billing_meat_2025_06.csv")
set +e
"$billflow" ingest --event "$AWS_TMP/event.json" --dry-run --db "sqlite:$AWS_TMP/dry.db" \
  >"$AWS_TMP/dry.json" 2>"$AWS_TMP/dry.err"
rc=$?
set -e
check_eq "$rc" "0" "ingest --event --dry-run exits 0 ($(tail -1 "$AWS_TMP/dry.err"))"
check_eq "$([ -e "$AWS_TMP/dry.db" ] && echo created || echo absent)" "absent" \
  "ingest --event --dry-run --db sqlite:dry.db creates no database"
check_eq "$(jq -r '[.files[].status] | join(",")' "$AWS_TMP/dry.json")" "checked,checked" \
  "both event files are checked, not loaded"
check_eq "$(jq -r '.totals.rows_loaded' "$AWS_TMP/dry.json")" "$dry_rows" \
  "the dry run validated the $dry_rows valid rows of the two files"
set +e
"$billflow" ingest --event "$AWS_TMP/event.json" --dry-run --max-inflated-bytes 100 \
  >"$AWS_TMP/bomb.json" 2>/dev/null
rc=$?
set -e
check_eq "$rc" "1" "ingest --event --max-inflated-bytes 100 fails the .csv.gz"
check_eq "$(jq -r '.files[1].status' "$AWS_TMP/bomb.json")" "failed" "the .csv.gz is the failed file"
jq -r '.files[1].error' "$AWS_TMP/bomb.json" >"$AWS_TMP/bomb.err"
check_grep "decompresses to more than .* \(--max-inflated-bytes\)" "$AWS_TMP/bomb.err" \
  "the error names --max-inflated-bytes"
keys() { jq -c "$1"' | keys' "$2"; }
want_file='["content_sha256","error","path","profile","rows_loaded","rows_read","rows_rejected","seconds","source","status","usd_total","warnings"]'
want_totals='["by_status","failed","files","rows_loaded","rows_read","rows_rejected","usd_total"]'
check_eq "$(keys '.files[0]' "$AWS_TMP/out.json")" "$want_file" "ingest --json file fields"
check_eq "$(keys '.files[0]' "$AWS_TMP/dry.json")" "$want_file" "ingest --event file fields are the same"
check_eq "$(keys '.totals' "$AWS_TMP/out.json")" "$want_totals" "ingest --json totals fields"
check_eq "$(keys '.totals' "$AWS_TMP/dry.json")" "$want_totals" "ingest --event totals fields are the same"

# profiles check reads s3:// like --profiles does: a good file is listed, a bad one is exit 2
# naming the object, its line and the key, a missing one exit 2 with the S3 error (stderr is
# JSON lines: not a TTY).
printf '[profile.acme-de]\nmatch = ["s3://bills/de/*"]\nencoding = "windows-1252"\n' >"$AWS_TMP/good.toml"
printf '[profile.x]\nmatch = ["*.csv"]\nencoding = "klingon"\n' >"$AWS_TMP/bad.toml"
s3cp "$AWS_TMP/good.toml" "s3://bills/config/profiles.toml"
s3cp "$AWS_TMP/bad.toml" "s3://bills/config/bad.toml"
set +e
"$billflow" profiles check s3://bills/config/profiles.toml >"$AWS_TMP/check.out" 2>"$AWS_TMP/check.err"
rc=$?
set -e
check_eq "$rc" "0" "profiles check s3://bills/config/profiles.toml exits 0 ($(tail -1 "$AWS_TMP/check.err"))"
check_eq "$(cat "$AWS_TMP/check.out")" "s3://bills/config/profiles.toml: 1 profile(s) OK: acme-de" \
  "profiles check lists the profiles of the S3 object"
set +e
"$billflow" profiles check s3://bills/config/bad.toml >/dev/null 2>"$AWS_TMP/bad.err"
rc=$?
set -e
check_eq "$rc" "2" "profiles check of a bad S3 profiles file exits 2"
check_eq "$(jq -r .msg "$AWS_TMP/bad.err")" 's3://bills/config/bad.toml:3: profile.x.encoding: unknown encoding "klingon" (use utf-8, utf-16, utf-16le, utf-16be, windows-1252, iso-8859-1, iso-8859-15 or another iconv name)' \
  "the error names the S3 object, the line and the key"
set +e
"$billflow" profiles check s3://bills/config/missing.toml >/dev/null 2>"$AWS_TMP/missing.err"
rc=$?
set -e
check_eq "$rc" "2" "profiles check of a missing S3 object exits 2"
check_eq "$(jq -r .msg "$AWS_TMP/missing.err")" \
  "profiles check s3://bills/config/missing.toml: GetObject s3://bills/config/missing.toml: HTTP 404 NoSuchKey: The specified key does not exist." \
  "the error names the flag, the object and the S3 answer"
assert_done
