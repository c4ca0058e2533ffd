#!/usr/bin/env bash
# The full ECB history through the Data API (issue 15): `billflow rates import --ecb` of an
# eurofxref-hist.zip as the ECB ships it (1999-01-04 .. 2025-06-20, every TARGET working day,
# 41 columns with legacy codes, N/A and the trailing comma; made by tests/e2e/rates_source_test.py's
# generator, whose Decimal oracle gives the stored rates) into tools/data_api_emulator.py, which
# refuses a request over 4 MiB and an answer over 1 MiB as the real service does; then a
# re-import that changes nothing, and an ingest whose USD amounts are the oracle's.
#   ecb_history_data_api_test.sh BILLFLOW [mysql|postgres]
set -euo pipefail
billflow=$1
engine=${2:-mysql}
export DATA_API_ENGINE=$engine
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init

# The zip, the oracle's rate count and dates, and bills with their exact USD (half-even, cents).
BILLFLOW_BIN=$billflow /usr/bin/python3 - "$AWS_LIB_REPO/tests/e2e" "$AWS_TMP" <<'PY'
import datetime, sys
from decimal import ROUND_HALF_EVEN, Decimal
sys.path.insert(0, sys.argv[1])
import rates_source_test as r
out = sys.argv[2]
quotes = r.history(datetime.date(1999, 1, 4), datetime.date(2025, 6, 20))
with open(f"{out}/eurofxref-hist.zip", "wb") as f:
    f.write(r.zipped("eurofxref-hist.csv", r.ecb_csv(quotes)))
want = r.oracle(quotes)
days = sorted({d for _, d in want})
with open(f"{out}/oracle.txt", "w") as f:
    f.write(f"{len(want)} {len({c for c, _ in want})} {len(quotes)} {days[0]} {days[-1]}\n")
# One bill per currency on the last day, one JPY bill on each of three older days.
bills = [(c, d) for c, d in sorted(want) if d == days[-1]] + [("JPY", d) for d in days[:3]]
total = Decimal(0)
with open(f"{out}/bills.csv", "w") as f:
    f.write(r.HEADER)
    for i, (code, day) in enumerate(bills, 1):
        amount = Decimal(1000 + i * 37) / 100
        total += (amount * want[(code, day)]).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        f.write(f"{i},Acme,XX,Town,Line,Item,{day},{code},{amount}\n")
with open(f"{out}/bills.txt", "w") as f:
    f.write(f"{len(bills)} {total}\n")
PY
read -r rates currencies dates first last <"$AWS_TMP/oracle.txt"
read -r bill_rows bill_usd <"$AWS_TMP/bills.txt"
echo "oracle: $rates rates of $currencies currencies over $dates dates, $first to $last; $bill_rows bills, USD $bill_usd"
[ "$rates" -ge 180000 ] || die "the generated history holds only $rates rates"

aws_start_data_api --request-log "$AWS_TMP/data-api.jsonl"
db="data-api://arn:aws:rds:us-east-1:123456789012:cluster:ecb?secret=arn:aws:secretsmanager:us-east-1:123456789012:secret:db&database=billflow$(aws_engine_query)"
export AWS_ENDPOINT_URL_RDS_DATA=$DATA_URL BILLFLOW_LOG_FORMAT=text
to() { local out=$1; shift; "$@" >"$out" 2>"$out.err"; }

started=$SECONDS
check "$engine: rates import --ecb of the zipped history" \
  to "$AWS_TMP/import" "$billflow" rates import --db "$db" --ecb "$AWS_TMP/eurofxref-hist.zip"
echo "import: $((SECONDS - started)) s; $(wc -l <"$AWS_TMP/data-api.jsonl") Data API requests"
check_grep "\\($dates dates, $first to $last\\)" "$AWS_TMP/import" "$engine: the import names the history's dates"
check_grep ": $dates dates added, $rates rates added, 0 changed, 0 relabelled, 0 unchanged" "$AWS_TMP/import" \
  "$engine: the import counts every rate"
check_eq "$(aws_sql "SELECT COUNT(*), COUNT(DISTINCT currency) FROM fx_rates WHERE source = 'ecb'" | tr '\t' ' ')" \
  "$rates $currencies" "$engine: fx_rates holds the oracle's rates and currencies"
# Every request fit the service's limits: the import's batches stayed under 4 MiB, and no answer
# was refused (the first request, the schema check of the new database, finds no table yet).
check_eq "$(jq -s 'map(.bytes) | max < 4194304' "$AWS_TMP/data-api.jsonl")" true \
  "$engine: every request under 4 MiB (largest $(jq -s 'map(.bytes) | max' "$AWS_TMP/data-api.jsonl") bytes)"
check_eq "$(jq -s '.[1:] | [.[] | select(.status != 200)] | length' "$AWS_TMP/data-api.jsonl")" 0 \
  "$engine: every request answered"

check "$engine: the same import again" \
  to "$AWS_TMP/again" "$billflow" rates import --db "$db" --ecb "$AWS_TMP/eurofxref-hist.zip"
check_grep ": 0 dates added, 0 rates added, 0 changed, 0 relabelled, $rates unchanged" "$AWS_TMP/again" \
  "$engine: a re-import changes nothing"

check "$engine: ingest bills in every currency" \
  to "$AWS_TMP/ingest" "$billflow" ingest --db "$db" --json --quiet "$AWS_TMP/bills.csv"
check_eq "$(jq -r '.totals | "\(.rows_loaded) \(.rows_rejected) \(.usd_total)"' "$AWS_TMP/ingest")" \
  "$bill_rows 0 $bill_usd" "$engine: every bill loaded at the oracle's rate"
check_eq "$(aws_sql "SELECT COUNT(*), SUM(bill_amount_usd) FROM billing_data WHERE fx_rate_source = 'ecb' OR currency = 'USD'" | tr '\t' ' ')" \
  "$bill_rows $bill_usd" "$engine: billing_data holds them with their rates' source"
assert_done
