#!/usr/bin/env bash
# billflow → PostgreSQL against psql's own `\copy` of the same file into a table with the same
# primary key, alternating, on a throwaway PostgreSQL 15 (scripts/postgres-test-server.sh
# --only main; fsync and synchronous_commit off for both, as the test server runs).
#
#   bench/postgres_bench.sh [--rows 1000000] [--runs 3] [--seed 20250601] [--bad-rate 0.01]
#
# Prints markdown table rows in bench/run.sh's columns (goal 8): median wall of each program,
# peak RSS (/usr/bin/time -f %M), the ratio billflow ÷ \copy, and the check of billflow's --json
# totals against the generator's answer. Binaries: BILLFLOW, BILLFLOW_GEN as for bench/run.sh.
# Exit 1 when a billflow run's totals differ from the answer.
set -euo pipefail

rows=1000000
runs=3
seed=20250601
bad_rate=0.01
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
psql=(/usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U billflow)
psql_() { "${psql[@]}" "$@"; }
fresh_db() { psql_ -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null; }
raw_ddl="CREATE TABLE billing_raw (id TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, company_name TEXT,
  country TEXT, city TEXT, product_line TEXT, item TEXT, bill_date TEXT, currency TEXT, bill_amount TEXT)"

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
  # \copy into the keyed table stops at the generator's first duplicate id, so the peer copies
  # into a staging table without the key and then inserts one row per id.
  timed copy "${psql[@]}" -d bench_raw -c "CREATE TEMP TABLE s (LIKE billing_raw)" \
    -c "\\copy s FROM '$csv' WITH (FORMAT csv, HEADER true)" \
    -c "INSERT INTO billing_raw SELECT DISTINCT ON (id) * FROM s ON CONFLICT DO NOTHING"
  copy_rows=$(psql_ -d bench_raw -At -c "SELECT count(*) FROM billing_raw")
  # Lower bound: \copy alone into a table without any key.
  fresh_db bench_raw
  psql_ -d bench_raw -c "CREATE TABLE billing_nokey (id TEXT, company_name TEXT, country TEXT, city TEXT,
        product_line TEXT, item TEXT, bill_date TEXT, currency TEXT, bill_amount TEXT)"
  timed copy_nokey "${psql[@]}" -d bench_raw -c "\\copy billing_nokey FROM '$csv' WITH (FORMAT csv, HEADER true)"
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
line "billflow → PostgreSQL 15 (fresh db, COPY text)" billflow "$ratio" "≤ 1.1×" "$met" "check $check; peak RSS ≤ 64 MiB: $rss_ok"
line "psql \\\\copy (csv) into staging + INSERT … ON CONFLICT into PK(id)" copy "" "" "" "$copy_rows rows stored, no conversion; \\\\copy alone stops at the first duplicate id (no ON_ERROR before PostgreSQL 17)"
line "psql \\\\copy (csv) alone, table without a key (lower bound)" copy_nokey "$(awk -v a="$(wall billflow)" -v b="$(wall copy_nokey)" 'BEGIN { printf "%.2f", a / b }')" "" "" "ratio = billflow ÷ this"
rm -f "$out"/*.out
exit $status
