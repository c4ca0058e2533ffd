#!/usr/bin/env bash
# Checks billflow_gen: same seed -> same bytes, different seed -> different
# bytes, and its --answer agrees with an independent recomputation in Python
# (csv module + decimal.Decimal, ROUND_HALF_EVEN) over the generated CSV.
#
# usage: gen_billing_test.sh PATH/TO/billflow_gen
set -euo pipefail

gen=${1:?usage: gen_billing_test.sh PATH/TO/billflow_gen}
python=/usr/bin/python3
rows=20000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source-path=SCRIPTDIR source=../tests/support/assert.sh
source "$(dirname "$0")/../tests/support/assert.sh"

"$gen" --rows "$rows" --seed 42 --out "$work/a.csv" --answer "$work/a.json"
"$gen" --rows "$rows" --seed 42 --out - > "$work/b.csv"
"$gen" --rows "$rows" --seed 43 --out "$work/c.csv"
# A longer run with the same seed must start with the same rows.
"$gen" --rows $((rows + 500)) --seed 42 --out "$work/d.csv"

cmp -s "$work/a.csv" "$work/b.csv" || die "seed 42 twice gave different bytes"
! cmp -s "$work/a.csv" "$work/c.csv" || die "seeds 42 and 43 gave identical bytes"
head -n $((rows + 1)) "$work/d.csv" | cmp -s - "$work/a.csv" ||
  die "the first $rows rows depend on --rows"

if "$gen" --rows 10 > /dev/null 2>&1; then die "missing --seed was accepted"; fi
if "$gen" --rows 10 --seed 1 --bad-rate 1.5 > /dev/null 2>&1; then
  die "--bad-rate 1.5 was accepted"
fi

"$python" - "$work/a.csv" "$work/a.json" "$rows" <<'PY'
import collections, csv, datetime, decimal, json, re, sys

csv_path, answer_path, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(answer_path, encoding="utf-8") as f:
    answer = json.load(f)

raw = open(csv_path, "rb").read()
problems = []
if b"\r" in raw:
    problems.append("CR found; line ends must be LF")
text = raw.decode("utf-8")  # raises on invalid UTF-8
for needle in ('""', '",', "/", "ü", "🐄", "ABC", "-"):
    if needle not in text:
        problems.append(f"expected to find {needle!r} somewhere in the CSV")

# The contract's row rules (docs CONTRACT.md), written from scratch here.
RATES = {"USD": decimal.Decimal("1"), "CAD": decimal.Decimal("0.79"),
         "MXN": decimal.Decimal("0.05")}
HEADER = ["id", "company_name", "country", "city", "product_line", "item",
          "bill_date", "currency", "bill_amount"]
DATE = re.compile(r"(\d{4})([-/])(\d{2})\2(\d{2})")
AMOUNT = re.compile(r"[+-]?\d+(\.\d{1,4})?")
MANY_DECIMALS = re.compile(r"[+-]?\d+\.\d{5,}")
CENT = decimal.Decimal("0.01")

def reject_reason(record, seen_ids):
    if len(record) != len(HEADER):
        return "field_count"
    row = dict(zip(HEADER, record))
    if not row["id"] or len(row["id"]) > 64:
        return "id"
    if row["id"] in seen_ids:
        return "duplicate_id"
    if not re.fullmatch(r"[A-Za-z]{2}", row["country"]):
        return "country"
    m = DATE.fullmatch(row["bill_date"])
    if not m:
        return "date_format"
    try:
        datetime.date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        return "not_a_date"
    if row["currency"].upper() not in RATES:
        return "currency"
    amount = row["bill_amount"].strip(" ")
    if MANY_DECIMALS.fullmatch(amount):
        return "too_many_decimals"
    if not AMOUNT.fullmatch(amount):
        return "not_a_number"
    if abs(decimal.Decimal(amount)) >= decimal.Decimal(10) ** 15:
        return "out_of_range"
    return None

reader = csv.reader(text.splitlines(keepends=True), strict=True)
header = next(reader)
if header != HEADER:
    problems.append(f"header is {header}")
reasons = collections.Counter()
seen_ids = set()
valid = 0
total = decimal.Decimal(0)
records = 0
for record in reader:
    records += 1
    reason = reject_reason(record, seen_ids)
    if reason:
        reasons[reason] += 1
        continue
    row = dict(zip(HEADER, record))
    seen_ids.add(row["id"])
    valid += 1
    usd = decimal.Decimal(row["bill_amount"].strip(" ")) * RATES[row["currency"].upper()]
    total += usd.quantize(CENT, rounding=decimal.ROUND_HALF_EVEN)

rejected = sum(reasons.values())
expected = {"rows": rows, "valid": valid, "rejected": rejected,
            "usd_total": f"{total:.2f}"}
if records != rows:
    problems.append(f"CSV has {records} data records, expected {rows}")
if answer != expected:
    problems.append(f"answer {answer} != recomputed {expected}")
if answer.get("valid", 0) + answer.get("rejected", 0) != answer.get("rows"):
    problems.append("valid + rejected != rows in the answer")
# Every defect kind must show up (20,000 rows at 1% gives ~28 of each).
for kind in ("field_count", "id", "date_format", "not_a_date", "currency",
             "too_many_decimals", "not_a_number"):
    if reasons[kind] == 0:
        problems.append(f"no rows rejected for {kind}")
for kind in ("duplicate_id", "country", "out_of_range"):
    if reasons[kind]:
        problems.append(f"{reasons[kind]} unexpected rejects for {kind}")
if not 0.005 * rows < rejected < 0.015 * rows:
    problems.append(f"{rejected} rejects is far from 1% of {rows}")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"ok: {rows} rows, {valid} valid, {rejected} rejected "
      f"({dict(sorted(reasons.items()))}), usd_total {expected['usd_total']}")
PY
