#!/usr/bin/env bash
# billflow → PostgreSQL against psql's own `\copy` of the same file into a table with the same
# primary key (no conversion, no checks), alternating, on a throwaway PostgreSQL 15 (scripts/postgres-test-server.sh
# --only main; fsync and synchronous_commit off for both, as the test server runs; no TLS for
# either).
#
#   bench/postgres_bench.sh [--rows 1000000] [--runs 3] [--seed 20250601] [--bad-rate 0]
#
# Prints markdown table rows in bench/run.sh's columns (goal 8): median wall of each program,
# peak RSS (/usr/bin/time -f %M), the ratio billflow ÷ \copy, and the check of billflow's --json
# totals against the generator's answer. Binaries: BILLFLOW, BILLFLOW_GEN as for bench/run.sh.
# Exit 1 when a billflow run's totals differ from the answer.
set -euo pipefail

rows=1000000
runs=3
seed=20250601
# \copy stops at the first malformed or repeated row (PostgreSQL 15 has no ON_ERROR), so the
# file both programs load is the generator's without bad rows.
bad_rate=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --rows) rows=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --bad-rate) bad_rate=${2:?}; shift 2 ;;
    *) echo "postgres_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
BILLFLOW=${BILLFLOW:-$root/build-perf/billflow}
BILLFLOW_GEN=${BILLFLOW_GEN:-$root/build-perf/bench/billflow_gen}
out=$root/bench/out/postgres
mkdir -p "$out"
csv=$out/billing_${rows}_seed${seed}_bad${bad_rate}.csv
answer=$csv.answer.json
if [[ ! -s $csv || ! -s $answer ]]; then
  "$BILLFLOW_GEN" --rows "$rows" --seed "$seed" --bad-rate "$bad_rate" --out "$csv.tmp" --answer "$answer"
  mv "$csv.tmp" "$csv"
fi
server=$out/server
trap '"$root/scripts/postgres-test-server.sh" stop "$server" >/dev/null 2>&1 || true' EXIT
"$root/scripts/postgres-test-server.sh" start "$server" --only main >/dev/null
port=$(sed -n 's/^BILLFLOW_TEST_PG_PORT=//p' "$server/env")
export PGPASSWORD
PGPASSWORD=$(sed -n 's/^BILLFLOW_TEST_PG_PASSWORD=//p' "$server/env")
export BILLFLOW_DB_PASSWORD=$PGPASSWORD
# billflow's default on a loopback host is sslmode=disable; psql's is prefer (TLS on this
# server): the peer runs without TLS too.
export PGSSLMODE=disable
psql=(/usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U billflow)
psql_() { "${psql[@]}" "$@"; }
fresh_db() { psql_ -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null; }
# As bench/run.sh's MariaDB peer: the key and the column types of billing_data, no conversion.
raw_ddl="CREATE TABLE billing_raw (file_id BIGINT NOT NULL DEFAULT 1, id TEXT COLLATE \"C\" NOT NULL,
  company_name TEXT NOT NULL, country TEXT NOT NULL, city TEXT NOT NULL, product_line TEXT NOT NULL,
  item TEXT NOT NULL, bill_date DATE NOT NULL, currency TEXT NOT NULL,
  bill_amount NUMERIC(19,4) NOT NULL, PRIMARY KEY (file_id, id))"

samples=$out/samples
rm -rf "$samples"
mkdir -p "$samples"
status=0
timed() {  # timed KEY CMD…
  local key=$1 s e rc=0
  shift
  s=$(date +%s%N)
  /usr/bin/time -f %M -o "$out/$key.rss" "$@" >"$out/$key.out" 2>"$out/$key.err" || rc=$?
  e=$(date +%s%N)
  echo "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", (e - s) / 1e9 }') $(tail -n 1 "$out/$key.rss") $rc" >>"$samples/$key"
}
check="OK"
for ((i = 1; i <= runs; i++)); do
  fresh_db bench_bf
  timed billflow "$BILLFLOW" ingest --db "postgres://billflow@127.0.0.1:$port/bench_bf" --json -q "$csv"
  got=$(jq -r '.totals | "\(.rows_loaded) \(.rows_rejected) \(.usd_total)"' "$out/billflow.out" 2>/dev/null || echo none)
  want=$(jq -r '"\(.valid) \(.rejected) \(.usd_total)"' "$answer")
  if [[ $got != "$want" ]]; then check="MISMATCH $got != $want"; status=1; fi
  fresh_db bench_raw
  psql_ -d bench_raw -c "$raw_ddl"
  timed copy "${psql[@]}" -d bench_raw -c "\\copy billing_raw (id, company_name, country, city, product_line, item, bill_date, currency, bill_amount) FROM '$csv' WITH (FORMAT csv, HEADER true)"
  copy_rows=$(psql_ -d bench_raw -At -c "SELECT count(*) FROM billing_raw")
done
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
wall() { awk '{ print $1 }' "$samples/$1" | median; }
rss() { awk '{ print $2 }' "$samples/$1" | sort -n | tail -1; }
mb=$(awk -v b="$(stat -c %s "$csv")" 'BEGIN { printf "%.1f", b / 1e6 }')
ratio=$(awk -v a="$(wall billflow)" -v b="$(wall copy)" 'BEGIN { printf "%.2f", a / b }')
met=$(awk -v r="$ratio" 'BEGIN { print (r + 0 <= 1.1) ? "**yes**" : "**no**" }')
rss_ok=$(awk -v k="$(rss billflow)" 'BEGIN { print (k / 1024 <= 64) ? "**yes**" : "**no**" }')
line() {  # line WHAT KEY RATIO TARGET MET NOTE
  awk -v w="$1" -v wall="$(wall "$2")" -v n="$rows" -v mb="$mb" -v rss="$(rss "$2")" -v runs="$runs" \
      -v ratio="$3" -v target="$4" -v met="$5" -v note="$6" 'BEGIN {
    printf "| 8 | %s | %.3f | %d | %.0f | %.1f | %.1f | %s | %s | %s | %s |\n", w, wall, runs, n / wall,
           mb / wall, rss / 1024, ratio, target, met, note }'
}
line "billflow → PostgreSQL 15 (fresh db, COPY binary, streamed)" billflow "$ratio" "≤ 1.1×" "$met" "check $check; peak RSS ≤ 64 MiB: $rss_ok"
line "psql \\\\copy (csv), same types, PK(file_id,id)" copy "" "" "" "${copy_rows:-?} rows stored, no conversion; bad-rate $bad_rate"
rm -f "$out"/*.out
exit $status
