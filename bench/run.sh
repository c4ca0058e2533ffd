#!/usr/bin/env bash
# billflow against the tools a data engineer would use instead, side by side.
#
#   bench/run.sh [--rows 10000000] [--runs 3] [--quick] [--seed 20250601] [--bad-rate 0.01]
#                [--no-install] [--no-big] [--per-row-rows 100000] [--per-row-runs 1]
#
#   --quick   1,000,000 rows, 1 run, Data API on 100k rows, no 5 GB file (to debug the harness)
#   --no-big  skip the ~5 GB streaming RSS check of goal 6
#   --per-row-runs  runs of goal 4's per-row peer (default 1: with a durable commit per row it takes
#             minutes; billflow's side of goal 4 still runs --runs times)
#
# Installs missing peers (apt: sqlite3 hyperfine mariadb-server time jq python3-pymysql
# python3-boto3; npm: bench/package.json → @duckdb/node-api in bench/node_modules), generates the
# input with the seeded generator, runs billflow and each peer alternately --runs times and prints
# ONE markdown table, one row per measured program, grouped by the issue's goals:
#   1 billflow ingest --dry-run            vs DuckDB count(*), sum(converted) over read_csv
#   2 billflow → SQLite (fresh file)       vs sqlite3 .import --csv into a PK(id) WITHOUT ROWID table
#   3 billflow → MariaDB (fresh database)  vs mariadb client LOAD DATA LOCAL INFILE, InnoDB + PK
#   4 original per-row INSERT IGNORE (pymysql, autocommit) vs billflow → MariaDB, --per-row-rows rows
#   5 billflow → Data API emulator (MariaDB behind it): HTTP requests, rows per request
#   6 billflow peak RSS for 1M, --rows and a ~5 GB stream (billflow_gen --out - | billflow … -)
#   7 process start → first /invocation/next of `billflow lambda` vs python3 import boto3 + client
#   8 billflow → PostgreSQL 15 vs psql \copy into a table with the same key (bench/postgres_bench.sh)
#   9 billflow ingest --dry-run of the 1M rows written as windows-1252, UTF-16LE (BOM, tab) and
#     German (';', decimal comma, thousands '.', %d.%m.%Y) vs the same rows as UTF-8 ','
# Wall = whole process (start-up, schema, final commit), from date +%s%N around it; peak RSS from
# /usr/bin/time -f %M (the timed process only). Median over the runs; RSS = max over the runs.
# Every billflow run's --json totals (rows_loaded, rows_rejected, usd_total) are checked against
# the generator's answer; a mismatch or failed run makes the exit status 1.
#
# Binaries: BILLFLOW (default build-perf/billflow), BILLFLOW_GEN (default
# build-perf/bench/billflow_gen); build them with
#   cmake -S . -B build-perf -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build-perf --target billflow billflow_gen
# Work files go to bench/out/run/ (gitignored); the big ones are deleted at the end.
set -euo pipefail

usage() { sed -n '2,30s/^# \{0,1\}//p' "$0"; }
die() { echo "run.sh: $*" >&2; exit 2; }
note() { echo "run.sh: $*" >&2; }

rows=10000000
runs=3
quick=0
seed=20250601
bad_rate=0.01
install=1
big=1
per_row_rows=100000
per_row_runs=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --rows) rows=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --quick) quick=1; shift ;;
    --seed) seed=${2:?}; shift 2 ;;
    --bad-rate) bad_rate=${2:?}; shift 2 ;;
    --no-install) install=0; shift ;;
    --no-big) big=0; shift ;;
    --per-row-rows) per_row_rows=${2:?}; shift 2 ;;
    --per-row-runs) per_row_runs=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
if [[ $quick == 1 ]]; then rows=1000000; runs=1; big=0; fi
data_api_rows=$(( quick == 1 ? 100000 : 1000000 ))
[[ $rows =~ ^[0-9]+$ && $runs =~ ^[1-9][0-9]*$ ]] || die "--rows and --runs want numbers"

root=$(cd "$(dirname "$0")/.." && pwd)
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
BILLFLOW=$(absolute "${BILLFLOW:-$root/build-perf/billflow}")
BILLFLOW_GEN=$(absolute "${BILLFLOW_GEN:-$root/build-perf/bench/billflow_gen}")
cd "$root"
out=$root/bench/out/run
mkdir -p "$out"
py=/usr/bin/python3

# ---- peers ---------------------------------------------------------------------------------------
if [[ $install == 1 ]]; then
  need=()
  for pair in sqlite3:sqlite3 hyperfine:hyperfine mariadbd:mariadb-server mariadb:mariadb-client \
              jq:jq; do
    command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
  done
  [[ -x /usr/bin/time ]] || need+=(time)
  $py -c 'import pymysql' 2>/dev/null || need+=(python3-pymysql)
  $py -c 'import boto3' 2>/dev/null || need+=(python3-boto3)
  if [[ ${#need[@]} -gt 0 ]]; then
    note "apt-get install ${need[*]}"
    apt-get install -y -q "${need[@]}" >"$out/apt.log" 2>&1 ||
      { apt-get update -q >>"$out/apt.log" 2>&1 && apt-get install -y -q "${need[@]}" >>"$out/apt.log" 2>&1; } ||
      die "apt-get failed (see $out/apt.log)"
  fi
  if [[ ! -d bench/node_modules/@duckdb/node-api ]]; then
    note "npm install (bench/package.json)"
    (cd bench && npm install --no-audit --no-fund >"$out/npm.log" 2>&1) || die "npm install failed (see $out/npm.log)"
  fi
fi
for bin in "$BILLFLOW" "$BILLFLOW_GEN"; do
  [[ -x $bin ]] || die "$bin missing; build it (see the header of $0)"
done

# ---- inputs --------------------------------------------------------------------------------------
# gen ROWS [NAME GENERATOR-FLAG…] → sets csv and answer (reused while newer than the generator)
gen() {
  local n=$1 name=${2:-}
  shift $(( $# > 1 ? 2 : 1 ))
  csv=$out/billing_${n}_seed${seed}_bad${bad_rate}${name:+_$name}.csv
  answer=$csv.answer.json
  if [[ ! -s $csv || ! -s $answer || $BILLFLOW_GEN -nt $csv ]]; then
    note "generating $n rows${name:+ ($name)}"
    "$BILLFLOW_GEN" --rows "$n" --seed "$seed" --bad-rate "$bad_rate" --out "$csv.tmp" --answer "$answer" "$@"
    mv "$csv.tmp" "$csv"
  fi
}
gen "$rows"; main_csv=$csv; main_answer=$answer
gen "$per_row_rows"; small_csv=$csv; small_answer=$answer
gen "$data_api_rows"; api_csv=$csv; api_answer=$answer
gen 1000000; m1_csv=$csv; m1_answer=$answer
# goal 9: the same rows in other dialects; the billflow flags that read each one
gen 1000000 win1252 --encoding windows-1252; win1252_csv=$csv
gen 1000000 utf16 --encoding utf-16le --delimiter '\t'; utf16_csv=$csv
gen 1000000 german --delimiter ';' --decimal-comma --thousands-separator . --date-format %d.%m.%Y
german_csv=$csv
main_bytes=$(stat -c %s "$main_csv")

# ---- measuring -----------------------------------------------------------------------------------
samples=$out/samples
rm -rf "$samples" "$out"/g7_*
mkdir -p "$samples"
status=0
declare -A checks

# timed KEY CMD…: runs CMD (stdout → $out/KEY.out, stderr → $out/KEY.err), appends
# "wall_seconds rss_kib exit_code" to $samples/KEY.
timed() {
  local key=$1
  shift
  local s e rc=0
  s=$(date +%s%N)
  /usr/bin/time -f %M -o "$out/$key.rss" "$@" >"$out/$key.out" 2>"$out/$key.err" || rc=$?
  e=$(date +%s%N)
  echo "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", (e - s) / 1e9 }') $(tail -n 1 "$out/$key.rss") $rc" >>"$samples/$key"
  return 0
}

# check KEY ANSWER: billflow's last --json (in $out/KEY.out) against the generator's answer.
check() {
  local key=$1 answer=$2 rc result
  rc=$(tail -n 1 "$samples/$key" | awk '{ print $3 }')
  result=$($py - "$out/$key.out" "$answer" "$rc" <<'PY'
import decimal, json, sys
path, answer_path, rc = sys.argv[1:4]
answer = json.load(open(answer_path))
try:
    totals = json.load(open(path))["totals"]
except (OSError, ValueError, KeyError) as e:
    print(f"MISMATCH no --json ({e}), exit {rc}"); sys.exit()
want = {"rows_loaded": answer["valid"], "rows_rejected": answer["rejected"],
        "usd_total": decimal.Decimal(answer["usd_total"])}
bad = [f"{k} {totals.get(k)} != {v}" for k, v in want.items()
       if totals.get(k) is None or decimal.Decimal(str(totals[k])) != v]
if rc != "0":
    bad.append(f"exit {rc}")
print("MISMATCH " + "; ".join(bad) if bad else "OK")
PY
)
  if [[ $result != OK ]]; then
    status=1
    note "$key: $result (stderr: $(tail -c 300 "$out/$key.err"))"
    checks[$key]="${checks[$key]:-}$result "
  else
    checks[$key]="${checks[$key]:-OK}"
  fi
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
wall_of() { [[ -s $samples/$1 ]] && awk '{ print $1 }' "$samples/$1" | median || echo nan; }
rss_of() { [[ -s $samples/$1 ]] && awk '{ print $2 }' "$samples/$1" | sort -n | tail -1 || echo nan; }
runs_of() { [[ -s $samples/$1 ]] && wc -l <"$samples/$1" || echo 0; }

fresh_sqlite() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# ---- goal 1: dry run vs DuckDB -------------------------------------------------------------------
note "goal 1: --dry-run vs DuckDB ($rows rows, $runs runs)"
for ((i = 1; i <= runs; i++)); do
  fresh_sqlite "$out/dry.db"
  timed g1_billflow "$BILLFLOW" ingest --db "sqlite:$out/dry.db" --json --dry-run -q "$main_csv"
  check g1_billflow "$main_answer"
  timed g1_duckdb node bench/peers/duckdb_sum.mjs "$main_csv"
done
duck_note=$(jq -r '"\(.threads) threads, query alone \(.query_s * 1000 | round / 1000) s (last run), \(.rows) rows, USD \(.usd_total) (no row checks)"' "$out/g1_duckdb.out" 2>/dev/null || echo "failed: $(tail -c 200 "$out/g1_duckdb.err")")
duck_query_s=$(jq -r .query_s "$out/g1_duckdb.out" 2>/dev/null || echo nan)

# ---- goal 2: SQLite vs sqlite3 .import -----------------------------------------------------------
note "goal 2: SQLite vs sqlite3 .import"
raw_sqlite_ddl="CREATE TABLE billing_raw (id TEXT NOT NULL PRIMARY KEY, company_name TEXT, country TEXT,
  city TEXT, product_line TEXT, item TEXT, bill_date TEXT, currency TEXT, bill_amount TEXT) WITHOUT ROWID;"
for ((i = 1; i <= runs; i++)); do
  fresh_sqlite "$out/bf.db"
  timed g2_billflow "$BILLFLOW" ingest --db "sqlite:$out/bf.db" --json -q "$main_csv"
  check g2_billflow "$main_answer"
  fresh_sqlite "$out/bf.db"
  fresh_sqlite "$out/raw.db"
  sqlite3 "$out/raw.db" "$raw_sqlite_ddl"
  timed g2_sqlite3 sqlite3 "$out/raw.db" ".import --csv --skip 1 '$main_csv' billing_raw"
  sqlite_rows=$(sqlite3 "$out/raw.db" "SELECT count(*) FROM billing_raw")
  fresh_sqlite "$out/raw.db"
done
fresh_sqlite "$out/dry.db"

# ---- MariaDB (goals 3, 4, 5) ---------------------------------------------------------------------
server=$out/mariadb
cleanup() {
  if [[ -n ${emulator_pid:-} ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  emulator_pid=
  [[ -f $server/env ]] && scripts/mariadb-test-server.sh stop "$server" >/dev/null 2>&1
  rm -f "$server/client.cnf"
  return 0
}
trap cleanup EXIT
scripts/mariadb-test-server.sh start "$server" --buffer-pool 2G >/dev/null
port=$(sed -n 's/^BILLFLOW_TEST_MYSQL_PORT=//p' "$server/env")
password=$(sed -n 's/^BILLFLOW_TEST_MYSQL_PASSWORD=//p' "$server/env")
export BILLFLOW_DB_PASSWORD=$password
client_cnf=$server/client.cnf
(umask 077; printf '[client]\nuser=billflow\npassword=%s\nhost=127.0.0.1\nport=%s\nskip-ssl\n' "$password" "$port" >"$client_cnf")
sql() { mariadb --defaults-extra-file="$client_cnf" "$@"; }
collation=$(sql -N -e "SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin','utf8mb4_bin') ORDER BY 1 DESC LIMIT 1")
fresh_db() { sql -e "DROP DATABASE IF EXISTS $1; CREATE DATABASE $1 CHARACTER SET utf8mb4 COLLATE $collation"; }
mysql_url() { echo "mysql://billflow@127.0.0.1:$port/$1"; }

note "goal 3: MariaDB vs LOAD DATA LOCAL INFILE"
raw_mysql_ddl="CREATE TABLE billing_raw (file_id BIGINT NOT NULL DEFAULT 1, id VARCHAR(64) NOT NULL,
  company_name VARCHAR(1000) NOT NULL, country VARCHAR(8) NOT NULL, city VARCHAR(1000) NOT NULL,
  product_line VARCHAR(1000) NOT NULL, item VARCHAR(1000) NOT NULL, bill_date DATE NOT NULL,
  currency CHAR(3) NOT NULL, bill_amount DECIMAL(19,4) NOT NULL, PRIMARY KEY (file_id, id))
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=$collation"
load_data="LOAD DATA LOCAL INFILE '$main_csv' IGNORE INTO TABLE billing_raw CHARACTER SET utf8mb4
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\n' IGNORE 1 LINES
  (id, company_name, country, city, product_line, item, bill_date, currency, bill_amount) SET file_id = 1"
for ((i = 1; i <= runs; i++)); do
  fresh_db bench_bf
  timed g3_billflow "$BILLFLOW" ingest --db "$(mysql_url bench_bf)" --json -q "$main_csv"
  check g3_billflow "$main_answer"
  sql -e "DROP DATABASE bench_bf"
  fresh_db bench_raw
  sql bench_raw -e "$raw_mysql_ddl"
  timed g3_load_data mariadb --defaults-extra-file="$client_cnf" --local-infile=1 bench_raw -e "$load_data"
  mysql_rows=$(sql -N bench_raw -e "SELECT count(*) FROM billing_raw")
  sql -e "DROP DATABASE bench_raw"
done

note "goal 4: original per-row INSERT IGNORE vs billflow ($per_row_rows rows)"
for ((i = 1; i <= runs; i++)); do
  if ((i <= per_row_runs)); then
    fresh_db bench_per_row
    timed g4_per_row $py bench/peers/per_row_insert.py --port "$port" --user billflow --database bench_per_row "$small_csv"
    sql -e "DROP DATABASE bench_per_row"
  fi
  fresh_db bench_bf_small
  timed g4_billflow "$BILLFLOW" ingest --db "$(mysql_url bench_bf_small)" --json -q "$small_csv"
  check g4_billflow "$small_answer"
  sql -e "DROP DATABASE bench_bf_small"
done
per_row_note=$(jq -r '"\(.rows_inserted) of \(.rows_read) rows inserted"' "$out/g4_per_row.out" 2>/dev/null || echo "failed: $(tail -c 200 "$out/g4_per_row.err")")

note "goal 5: Data API emulator ($data_api_rows rows)"
api_note="emulator did not start"
if grep -q -- '--request-log' tools/data_api_emulator.py; then
  request_log=$out/data-api.jsonl
  rm -f "$request_log"
  fresh_db bench_api
  $py tools/data_api_emulator.py --mysql-port "$port" --mysql-user billflow --mysql-password "$password" \
    --request-log "$request_log" >"$out/emulator.port" 2>"$out/emulator.err" &
  emulator_pid=$!
  for _ in $(seq 1 100); do [[ -s $out/emulator.port ]] && break; sleep 0.1; done
  if [[ -s $out/emulator.port ]]; then
    api_port=$(head -1 "$out/emulator.port")
    api_env=(env AWS_ACCESS_KEY_ID=AKIDBILLFLOWTEST AWS_SECRET_ACCESS_KEY=billflow-test-secret
             AWS_REGION=us-east-1 AWS_ENDPOINT_URL_RDS_DATA="http://127.0.0.1:$api_port" AWS_MAX_ATTEMPTS=1)
    api_url="data-api://arn:aws:rds:us-east-1:123456789012:cluster:bench?secret=arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf&database=bench_api"
    timed g5_billflow "${api_env[@]}" "$BILLFLOW" ingest --db "$api_url" --json -q "$api_csv"
    check g5_billflow "$api_answer"
    api_note=$($py - "$request_log" "$data_api_rows" <<'PY'
import collections, json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
rows = int(sys.argv[2])
ops = collections.Counter(l["op"].lstrip("/") for l in lines)
batch = [l for l in lines if l["op"] == "/BatchExecute"]
sets = sum(l["parameter_sets"] for l in batch)
biggest = max((l["bytes"] for l in batch), default=0)
per_million = len(lines) * 1_000_000 / rows
print(f"{len(lines)} requests ({', '.join(f'{k} {v}' for k, v in sorted(ops.items()))}); "
      f"{sets / max(len(batch), 1):.0f} rows per BatchExecute, {rows / len(lines):.0f} rows per request, "
      f"{per_million:.0f} requests per 1M rows; largest request {biggest / 1048576:.2f} MiB")
PY
) || api_note="request log unreadable"
  fi
else
  api_note="tools/data_api_emulator.py has no --request-log: requests not counted"
fi

# ---- goal 7: Lambda cold start (while the emulator is up: the deployed configuration) -----------
note "goal 7: Lambda cold start"
lambda_runs=$(( quick == 1 ? 5 : 15 ))
if [[ -n ${api_port:-} ]]; then
  $py bench/peers/lambda_cold_start.py --runs "$lambda_runs" runtime -- \
    "${api_env[@]}" BILLFLOW_DB="$api_url" "$BILLFLOW" lambda >"$out/g7_dataapi.json" 2>"$out/g7_dataapi.err" || true
fi
cleanup
trap - EXIT
# Without servers running: billflow lambda with a local SQLite file (the process's own cost) and
# the original's cold start (Python + boto3 + one client), alternating.
fresh_sqlite "$out/lambda.db"
for ((i = 1; i <= lambda_runs; i++)); do
  $py bench/peers/lambda_cold_start.py --runs 1 runtime -- \
    env BILLFLOW_DB="sqlite:$out/lambda.db" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDBILLFLOWTEST \
    AWS_SECRET_ACCESS_KEY=billflow-test-secret "$BILLFLOW" lambda >>"$out/g7_sqlite.jsonl" 2>>"$out/g7_sqlite.err" || true
  $py bench/peers/lambda_cold_start.py --runs 1 process -- \
    env AWS_REGION=us-east-1 $py -c 'import boto3; boto3.client("s3")' >>"$out/g7_boto3.jsonl" 2>>"$out/g7_boto3.err" || true
done
for k in g7_sqlite g7_boto3; do
  jq -s '[.[].samples_ms[]] | sort | {samples_ms: ., median_ms: (if length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end), min_ms: .[0], max_ms: .[-1]}' \
    "$out/$k.jsonl" >"$out/$k.json" 2>/dev/null || rm -f "$out/$k.json"
done
fresh_sqlite "$out/lambda.db"

# ---- goal 6: peak RSS at 1M, --rows and ~5 GB ---------------------------------------------------
note "goal 6: peak RSS"
timed g6_1m_dry "$BILLFLOW" ingest --db "sqlite:$out/dry.db" --json --dry-run -q "$m1_csv"
check g6_1m_dry "$m1_answer"
fresh_sqlite "$out/bf.db"
timed g6_1m_sqlite "$BILLFLOW" ingest --db "sqlite:$out/bf.db" --json -q "$m1_csv"
check g6_1m_sqlite "$m1_answer"
fresh_sqlite "$out/bf.db"
fresh_sqlite "$out/dry.db"
big_rows=60000000
if [[ $big == 1 ]]; then
  # Streamed: the 5 GB never touches the disk as CSV. billflow_gen writes its answer at the end.
  avail_gb=$(df -BG --output=avail "$out" | tail -1 | tr -dc 0-9)
  stream() {  # stream KEY DB_URL [billflow flags…]
    local key=$1 db=$2 s e rc=0
    shift 2
    s=$(date +%s%N)
    "$BILLFLOW_GEN" --rows "$big_rows" --seed "$seed" --bad-rate "$bad_rate" --out - --answer "$out/big.answer.json" |
      /usr/bin/time -f %M -o "$out/$key.rss" "$BILLFLOW" ingest --db "$db" --json -q "$@" - >"$out/$key.out" 2>"$out/$key.err" || rc=$?
    e=$(date +%s%N)
    echo "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", (e - s) / 1e9 }') $(tail -n 1 "$out/$key.rss") $rc" >>"$samples/$key"
    check "$key" "$out/big.answer.json"
  }
  note "goal 6: ~5 GB stream, --dry-run"
  stream g6_big_dry "sqlite:$out/dry.db" --dry-run
  fresh_sqlite "$out/dry.db"
  if [[ ${avail_gb:-0} -ge 25 ]]; then
    note "goal 6: ~5 GB stream into SQLite (${avail_gb} GB free)"
    fresh_sqlite "$out/big.db"
    stream g6_big_sqlite "sqlite:$out/big.db"
    big_db_bytes=$(stat -c %s "$out/big.db" 2>/dev/null || echo 0)
    fresh_sqlite "$out/big.db"
  else
    note "goal 6: only ${avail_gb} GB free: the 5 GB SQLite load is skipped"
  fi
fi

# ---- goal 9: dialects: transcoding and decimal comma vs the default path -----------------------
note "goal 9: dialect dry runs (1M rows, $runs runs)"
for ((i = 1; i <= runs; i++)); do
  timed g9_default "$BILLFLOW" ingest --json --dry-run -q "$m1_csv"
  check g9_default "$m1_answer"
  timed g9_win1252 "$BILLFLOW" ingest --json --dry-run -q --encoding windows-1252 "$win1252_csv"
  check g9_win1252 "$m1_answer"
  timed g9_utf16 "$BILLFLOW" ingest --json --dry-run -q "$utf16_csv"
  check g9_utf16 "$m1_answer"
  timed g9_german "$BILLFLOW" ingest --json --dry-run -q --decimal-separator , \
    --thousands-separator . --date-format %d.%m.%Y "$german_csv"
  check g9_german "$m1_answer"
done

# ---- goal 8: PostgreSQL vs psql \copy (bench/postgres_bench.sh prints its table rows) -----------
note "goal 8: PostgreSQL vs psql \\copy"
pg_rows=$(BILLFLOW=$BILLFLOW BILLFLOW_GEN=$BILLFLOW_GEN bench/postgres_bench.sh --rows "$rows" \
  --runs "$runs" --seed "$seed") || status=1

# ---- the table -----------------------------------------------------------------------------------
mb=$(awk -v b="$main_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
small_mb=$(awk -v b="$(stat -c %s "$small_csv")" 'BEGIN { printf "%.2f", b / 1e6 }')
api_mb=$(awk -v b="$(stat -c %s "$api_csv")" 'BEGIN { printf "%.1f", b / 1e6 }')
m1_mb=$(awk -v b="$(stat -c %s "$m1_csv")" 'BEGIN { printf "%.1f", b / 1e6 }')

# row GOAL WHAT KEY ROWS MBYTES RATIO TARGET MET NOTE
row() {
  local goal=$1 what=$2 key=$3 n=$4 megabytes=$5 ratio=$6 target=$7 met=$8 note=$9
  local wall rss count
  wall=$(wall_of "$key")
  rss=$(rss_of "$key")
  count=$(runs_of "$key")
  [[ -n ${checks[$key]:-} ]] && note="check ${checks[$key]}${note:+; $note}"
  awk -v g="$goal" -v w="$what" -v wall="$wall" -v n="$n" -v mb="$megabytes" -v rss="$rss" \
      -v ratio="$ratio" -v target="$target" -v met="$met" -v note="$note" -v runs="$count" 'BEGIN {
    if (wall == "nan" || wall <= 0) { printf "| %s | %s | n/a | %s | | | | %s | %s | %s | %s |\n", g, w, runs, ratio, target, met, note; exit }
    printf "| %s | %s | %.3f | %d | %.0f | %.1f | %s | %s | %s | %s | %s |\n", g, w, wall, runs, n / wall,
           mb / wall, (rss == "nan" ? "n/a" : sprintf("%.1f", rss / 1024)), ratio, target, met, note
  }'
}
ratio_of() { awk -v a="$(wall_of "$1")" -v b="$(wall_of "$2")" 'BEGIN { if (a == "nan" || b == "nan" || b <= 0) print "n/a"; else printf "%.2f", a / b }'; }
met_le() { awk -v r="$1" -v t="$2" 'BEGIN { if (r == "n/a") print "n/a"; else print (r + 0 <= t + 0) ? "**yes**" : "**no**" }'; }
mib_ok() { awk -v k="$1" 'BEGIN { if (k == "nan" || k == "") print "n/a"; else print (k / 1024 <= 64) ? "**yes**" : "**no**" }'; }

echo
echo "billflow benchmark: $rows rows ($mb MB), seed $seed, bad-rate $bad_rate, $runs run(s) each, alternating; $(nproc) CPUs, load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| goal | program | median wall s | runs | rows/s | MB/s | peak RSS MiB | ratio | target | met | note |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|---|---|"
r=$(ratio_of g1_billflow g1_duckdb)
row 1 "billflow ingest --dry-run" g1_billflow "$rows" "$mb" "$r" "≤ 1.0× (stretch 0.5×)" "$(met_le "$r" 1.0)" "ratio = billflow / DuckDB process wall; vs DuckDB query alone $(awk -v a="$(wall_of g1_billflow)" -v b="$duck_query_s" 'BEGIN { if (b == "nan" || b <= 0) print "n/a"; else printf "%.2f", a / b }')×"
row 1 "DuckDB read_csv count+sum(converted)" g1_duckdb "$rows" "$mb" "" "" "" "$duck_note"
r=$(ratio_of g2_billflow g2_sqlite3)
row 2 "billflow → SQLite (fresh file)" g2_billflow "$rows" "$mb" "$r" "≤ 1.0×" "$(met_le "$r" 1.0)" ""
row 2 "sqlite3 .import --csv, PK(id) WITHOUT ROWID" g2_sqlite3 "$rows" "$mb" "" "" "" "${sqlite_rows:-?} rows stored, no conversion"
r=$(ratio_of g3_billflow g3_load_data)
row 3 "billflow → MariaDB (fresh db)" g3_billflow "$rows" "$mb" "$r" "≤ 1.1×" "$(met_le "$r" 1.1)" ""
row 3 "mariadb LOAD DATA LOCAL INFILE, InnoDB PK(file_id,id)" g3_load_data "$rows" "$mb" "" "" "" "${mysql_rows:-?} rows stored, no conversion"
r=$(awk -v a="$(wall_of g4_per_row)" -v b="$(wall_of g4_billflow)" 'BEGIN { if (a == "nan" || b == "nan" || b <= 0) print "n/a"; else printf "%.0f", a / b }')
row 4 "original per-row INSERT IGNORE (pymysql)" g4_per_row "$per_row_rows" "$small_mb" "" "" "" "$per_row_note"
row 4 "billflow → MariaDB, same file" g4_billflow "$per_row_rows" "$small_mb" "${r}× rows/s" "≥ 100×" \
  "$(awk -v r="$r" 'BEGIN { if (r == "n/a") print "n/a"; else print (r + 0 >= 100) ? "**yes**" : "**no**" }')" "ratio = billflow rows/s / per-row rows/s"
api_rpr=$(awk -F'[ ,]' '/rows per request/ { for (i = 1; i <= NF; i++) if ($i == "rows" && $(i+1) == "per" && $(i+2) == "request") print $(i-1) }' <<<"$api_note" | head -1)
row 5 "billflow → Data API emulator → MariaDB" g5_billflow "$data_api_rows" "$api_mb" "${api_rpr:-n/a} rows/request" "≥ 1,000 rows/request" \
  "$(awk -v r="${api_rpr:-n/a}" 'BEGIN { if (r == "n/a") print "n/a"; else print (r + 0 >= 1000) ? "**yes**" : "**no**" }')" "$api_note"
row 6 "billflow --dry-run, 1M rows" g6_1m_dry 1000000 "$m1_mb" "" "≤ 64 MiB" "$(mib_ok "$(rss_of g6_1m_dry)")" ""
row 6 "billflow → SQLite, 1M rows" g6_1m_sqlite 1000000 "$m1_mb" "" "≤ 64 MiB" "$(mib_ok "$(rss_of g6_1m_sqlite)")" ""
row 6 "billflow → Data API, $data_api_rows rows (goal 5's run)" g5_billflow "$data_api_rows" "$api_mb" "" "≤ 64 MiB" "$(mib_ok "$(rss_of g5_billflow)")" ""
if [[ $rows != 1000000 ]]; then
  big_main=$(for k in g1_billflow g2_billflow g3_billflow; do rss_of $k; done | sort -n | tail -1)
  echo "| 6 | billflow, $rows rows (max of goals 1–3) | | | | | $(awk -v k="$big_main" 'BEGIN { printf "%.1f", k / 1024 }') | | ≤ 64 MiB | $(mib_ok "$big_main") | dry-run $(awk -v k="$(rss_of g1_billflow)" 'BEGIN { printf "%.1f", k / 1024 }'), SQLite $(awk -v k="$(rss_of g2_billflow)" 'BEGIN { printf "%.1f", k / 1024 }'), MariaDB $(awk -v k="$(rss_of g3_billflow)" 'BEGIN { printf "%.1f", k / 1024 }') MiB |"
fi
if [[ $big == 1 ]]; then
  big_mb=$(awk -v r="$big_rows" -v b="$main_bytes" -v n="$rows" 'BEGIN { printf "%.0f", b / n * r / 1e6 }')
  row 6 "billflow_gen --out - piped to billflow --dry-run - (~5 GB)" g6_big_dry "$big_rows" "$big_mb" "" "≤ 64 MiB" "$(mib_ok "$(rss_of g6_big_dry)")" "wall includes the generator"
  if [[ -s $samples/g6_big_sqlite ]]; then
    row 6 "billflow_gen --out - piped to billflow → SQLite (~5 GB)" g6_big_sqlite "$big_rows" "$big_mb" "" "≤ 64 MiB" "$(mib_ok "$(rss_of g6_big_sqlite)")" "database $(awk -v b="${big_db_bytes:-0}" 'BEGIN { printf "%.1f", b / 1e9 }') GB"
  fi
fi
lambda_cell() { jq -r '"\(.median_ms) ms median (min \(.min_ms), max \(.max_ms), \(.samples_ms | length) runs)"' "$1" 2>/dev/null || echo "failed: $(tail -c 200 "${1%.json}.err" | tr '\n|' '  ')"; }
g7_ms=$(jq -r .median_ms "$out/g7_sqlite.json" 2>/dev/null || echo n/a)
echo "| 7 | billflow lambda: start → first /invocation/next (sqlite) | | | | | | $g7_ms ms | < 20 ms | $(awk -v r="$g7_ms" 'BEGIN { if (r == "n/a") print "n/a"; else print (r + 0 < 20) ? "**yes**" : "**no**" }') | $(lambda_cell "$out/g7_sqlite.json") |"
if [[ -s $out/g7_dataapi.json || -s $out/g7_dataapi.err ]]; then
  echo "| 7 | billflow lambda: same, BILLFLOW_DB=data-api:// (emulator) | | | | | | $(jq -r .median_ms "$out/g7_dataapi.json" 2>/dev/null || echo n/a) ms | < 20 ms | | $(lambda_cell "$out/g7_dataapi.json") |"
fi
echo "| 7 | python3 -c 'import boto3; boto3.client(\"s3\")' (start → exit) | | | | | | $(jq -r .median_ms "$out/g7_boto3.json" 2>/dev/null || echo n/a) ms | | | $(lambda_cell "$out/g7_boto3.json") |"
if [[ -n ${pg_rows:-} ]]; then echo "$pg_rows"; fi
row 9 "billflow --dry-run, UTF-8 ',' (default path)" g9_default 1000000 "$m1_mb" "" "" "" ""
for pair in "g9_win1252:windows-1252 (--encoding)" "g9_utf16:UTF-16LE with BOM, tab (detected)" \
            "g9_german:';', decimal comma, thousands '.', %d.%m.%Y (flags)"; do
  r=$(ratio_of "${pair%%:*}" g9_default)
  row 9 "billflow --dry-run, ${pair#*:}" "${pair%%:*}" 1000000 "$m1_mb" "$r" "≤ 1.3×" "$(met_le "$r" 1.3)" "ratio = wall / default path's"
done
echo
if [[ $status != 0 ]]; then echo "**CHECK FAILED**: a billflow run's totals differ from the generator's answer (see above)."; fi

# The big inputs stay for reuse by the next run unless they are the 10M+ files.
if [[ $rows -gt 1000000 ]]; then rm -f "$main_csv"; fi
rm -f "$out/dry.db" "$out/bf.db" "$out/big.db" "$out/raw.db"
exit $status
