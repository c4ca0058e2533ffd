#!/usr/bin/env bash
# Profiles billflow once on N rows (default 1,000,000): perf record -g of `ingest --dry-run` and
# of `ingest` into a fresh SQLite file, then `perf report --no-children --sort dso,symbol`
# (top 40 lines each). Binaries: BILLFLOW, BILLFLOW_GEN as in bench/run.sh. Output: stdout;
# perf data in bench/out/run/perf.*.data.
#   bench/peers/profile.sh [ROWS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rows=${1:-1000000}
seed=20250601
bad_rate=0.01
BILLFLOW=${BILLFLOW:-$root/build-perf/billflow}
BILLFLOW_GEN=${BILLFLOW_GEN:-$root/build-perf/bench/billflow_gen}
out=$root/bench/out/run
mkdir -p "$out"
csv=$out/billing_${rows}_seed${seed}_bad${bad_rate}.csv
if [[ ! -s $csv || ! -s $csv.answer.json || $BILLFLOW_GEN -nt $csv ]]; then
  "$BILLFLOW_GEN" --rows "$rows" --seed "$seed" --bad-rate "$bad_rate" --out "$csv" --answer "$csv.answer.json"
fi
for mode in dry-run sqlite; do
  db=$out/profile.db
  rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
  flags=(ingest --db "sqlite:$db" --json -q)
  [[ $mode == dry-run ]] && flags+=(--dry-run)
  /usr/bin/time -f '%e s wall, %U s user, %S s sys, %M KiB peak RSS' -o "$out/perf.$mode.time" \
    "$BILLFLOW" "${flags[@]}" "$csv" >/dev/null 2>&1
  rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
  perf record -g -F 4999 -o "$out/perf.$mode.data" -- "$BILLFLOW" "${flags[@]}" "$csv" >"$out/perf.$mode.json" 2>"$out/perf.$mode.err"
  echo "### perf: billflow ingest ${mode/sqlite/into SQLite}, $rows rows"
  echo
  echo "Unprofiled run: $(cat "$out/perf.$mode.time"). Totals: $(jq -c '.totals | {rows_loaded, rows_rejected, usd_total}' "$out/perf.$mode.json")"
  echo
  echo '```'
  echo "# by DSO"
  { perf report -i "$out/perf.$mode.data" --no-children --sort dso --stdio -g none 2>/dev/null || true; } |
    grep -v '^#' | grep -v '^$' | sed 's/ *$//' | head -8 || true
  echo "# perf report --no-children --sort dso,symbol (top 40)"
  { perf report -i "$out/perf.$mode.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null || true; } |
    grep -v '^#' | grep -v '^$' | sed 's/[ -]*$//' | head -40 || true
  echo '```'
  echo
  rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
done
