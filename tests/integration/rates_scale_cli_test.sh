#!/usr/bin/env bash
# `billflow rates import`, `rates show` and `report` with 200,000 stored rates, through the CLI,
# over sqlite: and over data-api:// (tools/data_api_emulator.py on a throwaway MariaDB or
# PostgreSQL, which refuses an answer over 1 MiB and a request over 4 MiB as the real service
# does). Both backends must print the same, with every currency's count and latest rate, the
# full history of one currency, and the report's exact totals.
#   rates_scale_cli_test.sh BILLFLOW [mysql|postgres]   (the Data API's engine; mysql by default)
set -euo pipefail
billflow=$1
engine=${2:-mysql}
case $engine in
  mysql | postgres) ;;
  *) echo "usage: rates_scale_cli_test.sh BILLFLOW [mysql|postgres]" >&2; exit 2 ;;
esac
export DATA_API_ENGINE=$engine
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init

# 40 active currencies x 5,000 days (2010-01-01 on) = 200,000 rates, in the --rates CSV layout.
rates="$AWS_TMP/rates.csv"
/usr/bin/python3 - "$rates" <<'PY'
import datetime, sys
codes = ("AED ARS AUD BGN BRL CAD CHF CLP CNY COP CZK DKK EGP EUR GBP HKD HUF IDR ILS INR "
         "ISK JPY KES KRW MXN MYR NGN NOK NZD PHP PKR PLN RON SAR SEK SGD THB TRY TWD ZAR").split()
assert len(codes) == 40
with open(sys.argv[1], "w") as f:
    f.write("currency,rate_to_usd,valid_from\n")
    start = datetime.date(2010, 1, 1)
    for i, code in enumerate(codes):
        for d in range(5000):
            # 10 decimals, distinct per currency and day; the last day's rate is 0.5 + i/100.
            rate = f"{0.5 + i / 100 + (4999 - d) / 10**7:.10f}"
            f.write(f"{code},{rate},{start + datetime.timedelta(days=d)}\n")
PY
check_eq "$(wc -l <"$rates")" 200001 "the rates file holds 200,000 rates"

# Three USD bills, one EUR bill dated after the last rate (it converts at EUR's latest, of
# 2023-09-09) and one EUR bill of 2023-06-30 (at 0.6300071).
bills="$AWS_TMP/bills.csv"
cat >"$bills" <<'CSV'
id,company_name,country,city,product_line,item,bill_date,currency,bill_amount
1,Acme,US,Austin,Dairy,Milk,2024-01-02,USD,10.25
2,Acme,US,Austin,Dairy,Milk,2024-01-02,USD,0.75
3,Acme,US,Austin,Dairy,Cheese,2024-01-03,USD,1000.00
4,Acme,DE,Berlin,Dairy,Milk,2024-01-03,EUR,100.00
5,Acme,DE,Berlin,Dairy,Milk,2023-06-30,EUR,100.00
CSV

aws_start_data_api --request-log "$AWS_TMP/data-api.jsonl"
data_api="data-api://arn:aws:rds:us-east-1:123456789012:cluster:scale?secret=arn:aws:secretsmanager:us-east-1:123456789012:secret:db&database=billflow$(aws_engine_query)"
export AWS_ENDPOINT_URL_RDS_DATA=$DATA_URL
export BILLFLOW_LOG_FORMAT=text
touch "$AWS_TMP/data-api.jsonl"  # written from the first Data API request on

# to OUT CMD… : CMD's stdout in OUT, its stderr in OUT.err (so that check's own line is printed).
to() { local out=$1; shift; "$@" >"$out" 2>"$out.err"; }

for backend in sqlite data-api; do
  if [ "$backend" = sqlite ]; then db="sqlite:$AWS_TMP/scale.db"; else db=$data_api; fi
  out="$AWS_TMP/$backend"
  check "$backend: rates import --csv of 200,000 rates" to "$out.import" "$billflow" rates import --db "$db" --csv "$rates"
  check_grep ": 5000 dates added, 200000 rates added, 0 changed, 0 relabelled, 0 unchanged$" "$out.import" \
    "$backend: the import counts every rate"
  logged_before=$(wc -l <"$AWS_TMP/data-api.jsonl")
  started_ns=$(date +%s%N)
  check "$backend: ingest a bills file" to "$out.ingest" "$billflow" ingest --db "$db" --quiet "$bills"
  echo "$backend: the ingest took $(( ($(date +%s%N) - started_ns) / 1000000 )) ms (load average $(cut -d' ' -f1 /proc/loadavg))"
  tail -n +"$((logged_before + 1))" "$AWS_TMP/data-api.jsonl" >"$out.ingest.jsonl"
  check "$backend: rates show" to "$out.show" "$billflow" rates show --db "$db"
  check "$backend: rates show --currency EUR" to "$out.eur" "$billflow" rates show --db "$db" --currency EUR
  check "$backend: report" to "$out.report" "$billflow" report --db "$db"
done

# rates show: a header, 40 currencies with 5,000 rates each and USD; EUR's latest rate.
check_eq "$(wc -l <"$AWS_TMP/sqlite.show")" 42 "sqlite: rates show lists 41 currencies"
check_eq "$(grep -c '  5000$' "$AWS_TMP/sqlite.show")" 40 "sqlite: 5000 rates stored for each of the 40"
check_grep '^EUR +2023-09-09 +0\.63 ' "$AWS_TMP/sqlite.show" "sqlite: EUR's latest rate is in force"
check_eq "$(wc -l <"$AWS_TMP/sqlite.eur")" 5001 "sqlite: EUR's history has 5,000 rates"
check_grep '^EUR +2010-01-01 +0\.6304999 ' "$AWS_TMP/sqlite.eur" "sqlite: EUR's oldest rate is listed"
# The report: 1,011.00 USD plus 100 EUR at 0.63 = 63.00 plus 100 EUR at 0.6300071 = 63.00.
check_grep '1,137\.00' "$AWS_TMP/sqlite.report" "sqlite: the report's total is exact"
for what in show eur report; do
  if cmp -s "$AWS_TMP/sqlite.$what" "$AWS_TMP/data-api.$what"; then
    pass "data-api prints the same $what as sqlite"
  else
    fail "data-api $what differs from sqlite: $(diff "$AWS_TMP/sqlite.$what" "$AWS_TMP/data-api.$what" | head -5)"
  fi
done

# The ingest of a USD and EUR file read only EUR's rates of the years its bills fall in (USD
# needs none), not EUR's 5,000 nor the 200,000: 2024's window holds none but the latest before
# it (2023-09-09), 2023's the 252 rates from 2023-01-01 on and the latest before it
# (2022-12-31): 254 rows, plus the ledger's few: every row the Data API answered during it.
ingest_records=$(jq -s 'map(.records) | add' "$AWS_TMP/data-api.ingest.jsonl")
echo "data-api: the ingest's answers held $ingest_records rows in $(wc -l <"$AWS_TMP/data-api.ingest.jsonl") requests"
if [ "$ingest_records" -ge 254 ] && [ "$ingest_records" -lt 274 ]; then
  pass "data-api: the ingest read only EUR's rates of 2023 and 2024 ($ingest_records rows answered)"
else
  fail "data-api: the ingest's answers held $ingest_records rows, not EUR's 254 of two years and a few"
fi

# No answer refused: every read stayed under the emulator's 1 MiB limit by paging. The one
# exception is the first request: the schema check on the new database (FileLedger::Migrate
# reads schema_version before it takes the lock) finds no such table yet.
check_eq "$(jq -s '.[0].status != 200' "$AWS_TMP/data-api.jsonl")" true \
  "the first schema check on the new database finds no schema_version"
check_eq "$(jq -s '.[1:] | [.[] | select(.status != 200)] | length' "$AWS_TMP/data-api.jsonl")" 0 \
  "every other Data API request was answered (no limit exceeded)"
assert_done
