#!/usr/bin/env bash
# Ingest benchmark: generates seeded billing CSVs with billflow_gen, loads each
# into a fresh SQLite database with `billflow ingest --json` (and once more
# with --dry-run), and prints wall time, throughput and peak RSS as a markdown
# table. Each run's --json output is checked against the generator's answer
# (rows_loaded, rows_rejected, usd_total); any mismatch makes the exit status 1.
#
# usage: bench/ingest_bench.sh [--rows "1000000 10000000"] [--seed 20250601]
#                              [--bad-rate 0.01] [--modes "load dry-run"]
# env:   BILLFLOW       billflow binary (default build/billflow)
#        BILLFLOW_GEN   billflow_gen binary (default: compiled into bench/out/)
#        CXX            compiler used for that (default c++)
#
# Exit status: 0 all checks OK, 1 a mismatch or a failed run, 2 usage or setup
# error (including a missing billflow binary, after the data is generated).
set -euo pipefail

usage() { sed -n '2,15s/^# \{0,1\}//p' "$0"; }
die() { echo "ingest_bench: $*" >&2; exit 2; }

absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

rows_list="1000000 10000000"
seed=20250601
bad_rate=0.01
modes="load dry-run"
while [ $# -gt 0 ]; do
  case $1 in
    --rows) rows_list=${2:?--rows needs a value}; shift 2 ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --bad-rate) bad_rate=${2:?--bad-rate needs a value}; shift 2 ;;
    --modes) modes=${2:?--modes needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
for mode in $modes; do
  case $mode in load|dry-run) ;; *) die "unknown mode: $mode (load, dry-run)" ;; esac
done

# Paths given relative to where the script was started, then work from the
# repository root so the defaults (build/billflow, bench/out) resolve.
[ -n "${BILLFLOW:-}" ] && BILLFLOW=$(absolute "$BILLFLOW")
[ -n "${BILLFLOW_GEN:-}" ] && BILLFLOW_GEN=$(absolute "$BILLFLOW_GEN")
cd "$(dirname "$0")/.."
BILLFLOW=${BILLFLOW:-build/billflow}
out=bench/out
mkdir -p "$out"

timer=/usr/bin/time
[ -x "$timer" ] || die "$timer not found; install it with: apt-get install -y time"
python=$(command -v python3 || true)
[ -n "$python" ] || die "python3 not found (needed to read the --json output)"

# The generator is standalone C++ (std only), so it can be compiled directly
# when no CMake build provides it; rebuilt when one of its sources is newer.
gen=${BILLFLOW_GEN:-$out/billflow_gen}
gen_newer() { for f in bench/gen_billing.cc bench/gen/*; do [ "$f" -nt "$gen" ] && return 0; done; return 1; }
if [ -z "${BILLFLOW_GEN:-}" ] && { [ ! -x "$gen" ] || gen_newer; }; then
  echo "compiling $gen" >&2
  "${CXX:-c++}" -std=c++20 -O2 -I bench -o "$gen" bench/gen_billing.cc bench/gen/*.cc
fi
[ -x "$gen" ] || die "generator $gen is not executable"

# Prints "OK" or "MISMATCH: …" comparing billflow's --json to the answer.
# mode "dry-run" does not require rows_loaded (nothing is loaded).
check_json() {
  "$python" - "$1" "$2" "$3" <<'PY'
import decimal, json, sys
json_path, answer_path, mode = sys.argv[1:4]
answer = json.load(open(answer_path), parse_float=decimal.Decimal)
try:
    with open(json_path) as f:
        report = json.load(f, parse_float=decimal.Decimal)
    entry = report["files"][0]
except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
    print(f"MISMATCH: no usable --json output ({type(e).__name__}: {e})")
    sys.exit()
expected = {"rows_rejected": answer["rejected"],
            "usd_total": decimal.Decimal(answer["usd_total"])}
if mode == "load":
    expected["rows_loaded"] = answer["valid"]
bad = []
for key, want in expected.items():
    got = entry.get(key)
    try:
        same = got is not None and decimal.Decimal(str(got)) == want
    except decimal.InvalidOperation:
        same = False
    if not same:
        bad.append(f"{key} {got} != {want}")
print("MISMATCH: " + "; ".join(bad) if bad else "OK")
PY
}

# Generate (or reuse) the inputs.
declare -A csv_of answer_of
for rows in $rows_list; do
  [[ $rows =~ ^[0-9]+$ ]] || die "--rows wants numbers, got: $rows"
  base=$out/billing_${rows}_seed${seed}_bad${bad_rate}
  csv_of[$rows]=$base.csv
  answer_of[$rows]=$base.answer.json
  if [ -s "$base.csv" ] && [ -s "$base.answer.json" ] && [ "$base.csv" -nt "$gen" ]; then
    echo "reusing $base.csv" >&2
    continue
  fi
  "$timer" -f '%e %M' -o "$base.gen_time" \
    "$gen" --rows "$rows" --seed "$seed" --bad-rate "$bad_rate" \
    --out "$base.csv.tmp" --answer "$base.answer.json"
  mv "$base.csv.tmp" "$base.csv"
  read -r gen_wall gen_rss_kib < "$base.gen_time"
  echo "generated $base.csv: $(stat -c %s "$base.csv") bytes in ${gen_wall}s" \
       "(peak RSS $((gen_rss_kib / 1024)) MiB)" >&2
done

if [ ! -x "$BILLFLOW" ]; then
  die "billflow binary $BILLFLOW not found; build it or set BILLFLOW=…"
fi

status=0
echo
echo "billflow ingest benchmark: $BILLFLOW, seed $seed, bad-rate $bad_rate, $(nproc) CPUs"
echo
echo "| rows | MB | mode | wall s | rows/s | MB/s | peak RSS MiB | check |"
echo "|---:|---:|---|---:|---:|---:|---:|---|"
for rows in $rows_list; do
  csv=${csv_of[$rows]}
  answer=${answer_of[$rows]}
  bytes=$(stat -c %s "$csv")
  for mode in $modes; do
    db=$out/x.db
    rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
    flags=(ingest --db "sqlite:$db" --json)
    [ "$mode" = dry-run ] && flags+=(--dry-run)
    json=$out/run_${rows}_${mode}.json
    log=$out/run_${rows}_${mode}.log
    rc=0
    "$timer" -f '%e %M' -o "$out/run.time" "$BILLFLOW" "${flags[@]}" "$csv" \
      > "$json" 2> "$log" || rc=$?
    # /usr/bin/time may prefix its line with "Command exited with non-zero status".
    read -r wall rss_kib < <(tail -n 1 "$out/run.time")
    check=$(check_json "$json" "$answer" "$mode")
    [ "$rc" -eq 0 ] || check="FAIL: exit $rc (see $log); $check"
    [ "$check" = OK ] || status=1
    awk -v rows="$rows" -v bytes="$bytes" -v mode="$mode" -v wall="$wall" \
        -v rss="$rss_kib" -v check="$check" 'BEGIN {
      mb = bytes / 1e6
      rate = (wall > 0) ? sprintf("%.0f", rows / wall) : "n/a"
      speed = (wall > 0) ? sprintf("%.1f", mb / wall) : "n/a"
      printf "| %d | %.1f | %s | %.2f | %s | %s | %.1f | %s |\n",
             rows, mb, mode, wall, rate, speed, rss / 1024, check
    }'
  done
done
rm -f "$out/run.time" "$out/x.db" "$out/x.db-wal" "$out/x.db-shm" "$out/x.db-journal"
exit "$status"
