#!/usr/bin/env bash
# billflow's MySQL sink against the server's own LOAD DATA LOCAL INFILE, side by side.
#
#   bench/mysql_bench.sh [--rows "1000000 10000000"] [--seed 20250601] [--bad-rate 0.01]
#                        [--modes "direct"] [--batch-bytes 4194304] [--buffer-pool 2G]
#
# Starts a throwaway MariaDB (scripts/mariadb-test-server.sh, in bench/out/mariadb), generates
# each input with billflow_gen (reused while newer than the generator), then for each size:
#   raw       the mariadb client's LOAD DATA LOCAL INFILE of the same CSV file into an
#             equivalent InnoDB table (same column types, PRIMARY KEY (file_id, id), utf8mb4):
#             the server parsing and storing the bytes, with no validation or conversion
#   billflow  billflow_mysql_bench: FileSource -> CsvReader -> RowValidator (exact decimal USD)
#             -> MysqlSink (one transaction, ledger, duplicate-id rejects), for each --modes
#             entry (direct = LOAD DATA from memory into billing_data, staged = via a temporary
#             table, insert = multi-row INSERTs)
# and checks billflow's result against the generator's answer. Wall times include connecting
# and the final COMMIT. Both talk TCP to 127.0.0.1. Not a timed test: run by hand.
#
# Binaries: BILLFLOW_GEN (default build-mysql/bench/billflow_gen) and BILLFLOW_MYSQL_BENCH
# (default build-mysql/tests/integration/billflow_mysql_bench).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
rows_list="1000000 10000000"
seed=20250601
bad_rate=0.01
modes=direct
batch_bytes=4194304
buffer_pool=2G
while [[ $# -gt 0 ]]; do
  case $1 in
    --rows) rows_list=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --bad-rate) bad_rate=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --batch-bytes) batch_bytes=$2; shift 2 ;;
    --buffer-pool) buffer_pool=$2; shift 2 ;;
    *) echo "usage: $0 [--rows \"N …\"] [--seed S] [--bad-rate R] [--modes \"direct staged insert\"] [--batch-bytes B] [--buffer-pool SIZE]" >&2; exit 2 ;;
  esac
done
gen=${BILLFLOW_GEN:-$root/build-mysql/bench/billflow_gen}
driver=${BILLFLOW_MYSQL_BENCH:-$root/build-mysql/tests/integration/billflow_mysql_bench}
for bin in "$gen" "$driver"; do
  [[ -x $bin ]] || { echo "mysql_bench: $bin missing; build it (cmake --build build-mysql)" >&2; exit 2; }
done
mkdir -p "$out"

server=$out/mariadb
"$root/scripts/mariadb-test-server.sh" start "$server" --buffer-pool "$buffer_pool" >/dev/null
trap '"$root/scripts/mariadb-test-server.sh" stop "$server" >/dev/null; rm -f "$server/client.cnf"' EXIT
port=$(sed -n 's/^BILLFLOW_TEST_MYSQL_PORT=//p' "$server/env")
password=$(sed -n 's/^BILLFLOW_TEST_MYSQL_PASSWORD=//p' "$server/env")
# The client reads the password from a file, never from argv.
client_cnf=$server/client.cnf
(umask 077; printf '[client]\nuser=billflow\npassword=%s\nhost=127.0.0.1\nport=%s\n' "$password" "$port" >"$client_cnf")
sql() { mariadb --defaults-extra-file="$client_cnf" --local-infile=1 "$@"; }
now() { date +%s.%N; }

collation=$(sql -N -e "SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin','utf8mb4_0900_bin') ORDER BY 1 DESC LIMIT 1")
printf '%-9s %7s  %-14s %8s %10s %8s  %s\n' rows MB what seconds rows/s ratio check
status=0
for rows in $rows_list; do
  csv=$out/billing_${rows}_seed${seed}_bad${bad_rate}.csv
  answer=$csv.answer.json
  if [[ ! -s $csv || ! -s $answer || $gen -nt $csv ]]; then
    "$gen" --rows "$rows" --seed "$seed" --bad-rate "$bad_rate" --out "$csv" --answer "$answer"
  fi
  mb=$(awk -v b="$(stat -c %s "$csv")" 'BEGIN { printf "%.1f", b / 1e6 }')

  db=raw_$rows
  sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
    CREATE TABLE $db.billing_raw (file_id BIGINT NOT NULL, id VARCHAR(64) NOT NULL,
      company_name VARCHAR(1000) NOT NULL, country VARCHAR(8) NOT NULL, city VARCHAR(1000) NOT NULL,
      product_line VARCHAR(1000) NOT NULL, item VARCHAR(1000) NOT NULL, bill_date DATE NOT NULL,
      currency CHAR(3) NOT NULL, bill_amount DECIMAL(19,4) NOT NULL, PRIMARY KEY (file_id, id))
      ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=$collation;"
  start=$(now)
  sql "$db" -e "LOAD DATA LOCAL INFILE '$csv' INTO TABLE billing_raw CHARACTER SET utf8mb4
    FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\n' IGNORE 1 LINES
    (id, company_name, country, city, product_line, item, bill_date, currency, bill_amount)
    SET file_id = 1" 2>"$out/mysql_raw_$rows.log" || { echo "raw load failed: $(cat "$out/mysql_raw_$rows.log")" >&2; status=1; }
  raw_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
  raw_rows=$(sql -N "$db" -e "SELECT COUNT(*) FROM billing_raw")
  printf '%-9s %7s  %-14s %8s %10.0f %8s  %s\n' "$rows" "$mb" "raw LOAD DATA" "$raw_s" \
    "$(awk -v r="$rows" -v s="$raw_s" 'BEGIN { print r / s }')" "1.00" "$raw_rows rows stored"
  sql -e "DROP DATABASE $db"

  for mode in $modes; do
    db=bf_${rows}_$mode
    sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
    result=$out/mysql_run_${rows}_$mode.json
    start=$(now)
    if ! BILLFLOW_DB_PASSWORD=$password /usr/bin/time -f '%M' -o "$out/mysql_run_${rows}_$mode.rss" \
        "$driver" --file "$csv" --port "$port" --db "$db" --mode "$mode" --batch-bytes "$batch_bytes" \
        >"$result" 2>"$out/mysql_run_${rows}_$mode.log"; then
      echo "billflow ($mode) failed: $(cat "$out/mysql_run_${rows}_$mode.log")" >&2
      status=1
      continue
    fi
    bf_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
    check=$(/usr/bin/python3 - "$answer" "$result" <<'PY'
import decimal, json, sys
answer = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))
ok = (got["rows_loaded"] == answer["valid"] and got["rows_rejected"] == answer["rejected"]
      and decimal.Decimal(got["usd_total"]) == decimal.Decimal(answer["usd_total"]))
print(("OK " if ok else "MISMATCH ") + f'{got["rows_loaded"]} loaded, {got["rows_rejected"]} rejected, USD {got["usd_total"]}')
PY
)
    [[ $check == OK* ]] || status=1
    stored=$(sql -N "$db" -e "SELECT CONCAT(COUNT(*), ' rows, SUM ', SUM(bill_amount_usd)) FROM billing_data")
    rss=$(( $(cat "$out/mysql_run_${rows}_$mode.rss") / 1024 ))
    printf '%-9s %7s  %-14s %8s %10.0f %8s  %s\n' "$rows" "$mb" "billflow/$mode" "$bf_s" \
      "$(awk -v r="$rows" -v s="$bf_s" 'BEGIN { print r / s }')" \
      "$(awk -v a="$bf_s" -v b="$raw_s" 'BEGIN { printf "%.2f", a / b }')" \
      "$check; stored $stored; peak RSS ${rss} MiB"
    sql -e "DROP DATABASE $db"
  done
done
exit $status
