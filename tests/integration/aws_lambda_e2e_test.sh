#!/usr/bin/env bash
# End to end, the way AWS runs billflow: files uploaded to S3 with the real AWS CLI, S3 event
# notifications (directly and inside SQS batches) served by the Lambda Runtime API emulator to
# `billflow lambda`, rows written through the RDS Data API emulator into a real MariaDB (Aurora
# MySQL) or PostgreSQL (Aurora PostgreSQL).
#
#   aws_lambda_e2e_test.sh BILLFLOW_BINARY [mysql|postgres]   (the engine; mysql by default)
#
# Starts (and stops) s3rver behind the SigV4-verifying front, a throwaway MariaDB or PostgreSQL,
# the Data API emulator (with a request log) and one runtime emulator per scenario; see
# docs/aws.md. Every assertion expects the same values on both engines.
# Scenarios:
#   1  the three files of examples/ + a copy of bakery under a key with a space, '+' and 'é' in
#      one real-shaped S3 event → the oracle's rows, rejects and USD total (tests/e2e/oracle.py),
#      the unknown currency rejected in each bakery copy; then the same event
#      100 times sequentially (one warm process) and 20 times concurrently (20 `billflow lambda`
#      processes polling one queue) → every file unchanged, every table byte-identical
#   1b a first delivery raced by 3 processes (6 copies of one new event) → loaded exactly once
#   2  SQS batch with one broken file → exactly that message in batchItemFailures
#   3  direct S3 event with a broken file → an /error, never a /response
#   4  `billflow ingest --event` on tests/data/s3_event.json (the original's event shape) → the
#      meat file's rows
#   5  `billflow ingest s3://bucket/prefix/` → ListObjectsV2 and load
#   figures: start → first /invocation/next (billflow vs boto3), Data API requests per file
# BILLFLOW_E2E_MEASURE=1 adds a 20,000-row file to measure rows per BatchExecute request.
set -euo pipefail
billflow=$(realpath "$1")
engine=${2:-mysql}
source "$(dirname "$0")/aws_lib.sh"
# What differs between the engines, and only that: the server's name in the checks, and a dump
# of every row of every table (dump_tables) with a pattern proving it holds billing_data rows.
case $engine in
  mysql)
    server=MariaDB
    # Primary-key order; no DDL (AUTO_INCREMENT counters are not data).
    dump_tables() {
      mariadb-dump --no-defaults -S "$MARIADB_SOCK" -uroot --skip-dump-date --skip-comments \
        --no-create-info --order-by-primary --skip-extended-insert billflow
    }
    # shellcheck disable=SC2016  # the backticks are MySQL's identifier quotes, not a command
    dump_data_row='INSERT INTO `billing_data`'
    ;;
  postgres)
    server=PostgreSQL
    # One INSERT line per row, sorted (pg_dump writes rows in physical order, which an UPDATE
    # that changes nothing still moves); a fixed \restrict key; no sequence positions (identity
    # counters are not data, as AUTO_INCREMENT's are not on MariaDB).
    dump_tables() {
      /usr/lib/postgresql/15/bin/pg_dump -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U "$PG_USER" \
        --data-only --inserts --restrict-key=billflow billflow |
        grep -v '^SELECT pg_catalog.setval(' | LC_ALL=C sort
    }
    dump_data_row='INSERT INTO public.billing_data '
    ;;
  *) echo "usage: aws_lambda_e2e_test.sh BILLFLOW_BINARY [mysql|postgres]" >&2; exit 2 ;;
esac
export DATA_API_ENGINE=$engine
aws_lib_init
tools="$AWS_LIB_REPO/tools"
examples="$AWS_LIB_REPO/examples"
bakery=billing_bakery_2025_06.csv
dairy=billing_dairy_2025_06.csv
meat=billing_meat_2025_06.csv
special_key="june/special copy+1 caf$(printf '\xc3\xa9').csv"
event_file="$AWS_LIB_REPO/tests/data/s3_event.json"
seed_bucket=$(jq -r '.Records[0].s3.bucket.name' "$event_file")
seed_key=$(jq -r '.Records[0].s3.object.key' "$event_file")
# What a correct loader stores, from the independent oracle: rows, rejects, USD total.
oracle() { /usr/bin/python3 "$AWS_LIB_REPO/tests/e2e/oracle.py" "$@"; }
read -r bakery_rows bakery_rejects _ < <(oracle "$examples/$bakery")
read -r dairy_rows _ < <(oracle "$examples/$dairy")
read -r meat_rows _ < <(oracle "$examples/$meat")
read -r all_rows all_rejects all_usd < <(oracle "$examples/$bakery" "$examples/$dairy" "$examples/$meat")
first_rows=$((all_rows + bakery_rows))  # the first event: the three files and a bakery copy
first_rejects=$((all_rejects + bakery_rejects))
first_read=$((first_rows + first_rejects))
figure() { echo "figure: $*"; echo "$*" >>"$AWS_TMP/figures.txt"; }
started_at=$(date +%s%N)
section() { echo "# [$((($(date +%s%N) - started_at) / 1000000)) ms] $*"; }

# ---- servers ----------------------------------------------------------------------------------
section "servers"
aws_start_s3 bills "$seed_bucket"
aws_start_data_api --request-log "$AWS_TMP/data-api.jsonl"
s3=$S3_URL
touch "$AWS_TMP/data-api.jsonl"
cluster_arn=arn:aws:rds:us-east-1:123456789012:cluster:billflow
secret_arn=arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db-AbCdEf
BILLFLOW_DB="data-api://$cluster_arn?secret=$secret_arn&database=billflow$(aws_engine_query)"
export BILLFLOW_DB
export AWS_ENDPOINT_URL_S3=$s3
export AWS_ENDPOINT_URL_RDS_DATA=$DATA_URL

# SQL below is written once in a form both engines accept (CASE for MySQL's SUM(bool) and 0/1).
sql() { aws_sql "$1"; }
upload() { /usr/bin/aws --endpoint-url "$s3" s3 cp --quiet "$1" "s3://$2"; }

# Event builders: S3 notifications shaped like the real service's (eventVersion 2.1, keys
# form-URL-encoded, size, eTag = MD5 of a single-part upload, hex sequencer), SQS batches whose
# bodies are such notifications.
cat >"$AWS_TMP/events.py" <<'PY'
import hashlib, json, sys, time, urllib.parse, uuid
_seq = [int(time.time() * 1000) << 16]
def record(bucket, key, path):
    data = open(path, "rb").read()
    _seq[0] += 1
    return {"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "eventName": "ObjectCreated:Put",
            "userIdentity": {"principalId": "AWS:AIDAEXAMPLEBILLFLOW"},
            "requestParameters": {"sourceIPAddress": "127.0.0.1"},
            "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                                 "x-amz-id-2": uuid.uuid4().hex},
            "s3": {"s3SchemaVersion": "1.0", "configurationId": "billflow-csv",
                   "bucket": {"name": bucket, "ownerIdentity": {"principalId": "A3EXAMPLEOWNER"},
                              "arn": "arn:aws:s3:::" + bucket},
                   "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": len(data),
                              "eTag": hashlib.md5(data).hexdigest(),
                              "sequencer": format(_seq[0], "X")}}}
def triples(args):
    return [record(*args[i:i + 3]) for i in range(0, len(args), 3)]
kind, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
if kind == "s3":  # s3 OUT bucket key file [bucket key file…]
    event = {"Records": triples(args)}
else:             # sqs OUT message-id bucket key file [message-id bucket key file…]
    messages = []
    for i in range(0, len(args), 4):
        body = json.dumps({"Records": [record(*args[i + 1:i + 4])]})
        messages.append({"messageId": args[i], "receiptHandle": "AQEB" + uuid.uuid4().hex,
                         "body": body,
                         "attributes": {"ApproximateReceiveCount": "1",
                                        "SentTimestamp": str(int(time.time() * 1000)),
                                        "SenderId": "AIDAEXAMPLES3",
                                        "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000))},
                         "messageAttributes": {}, "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
                         "eventSource": "aws:sqs",
                         "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:billflow-events",
                         "awsRegion": "us-east-1"})
    event = {"Records": messages}
with open(out, "w", encoding="utf-8") as f:
    json.dump(event, f, ensure_ascii=True)
PY
s3_event() { /usr/bin/python3 "$AWS_TMP/events.py" s3 "$@"; }
sqs_event() { /usr/bin/python3 "$AWS_TMP/events.py" sqs "$@"; }

# run_lambda NAME PROCS EVENT… : a fresh runtime emulator serves EVENT… (in order) to PROCS
# `billflow lambda` processes polling it together. Results: $AWS_TMP/NAME/runtime/results.jsonl
# and NNN.{response,error}.json; each process's stdout (logs + EMF) in lambda.N.out.
run_lambda() {
  local name=$1 procs=$2
  shift 2
  local dir="$AWS_TMP/$name"
  mkdir -p "$dir"
  aws_start "RT_$name" /usr/bin/python3 "$tools/lambda_runtime_emulator.py" --out "$dir/runtime" \
    --log "$dir/requests.jsonl" "$@"
  local port_var="RT_${name}_PORT" pid_var="RT_${name}_PID"
  local port=${!port_var} rt_pid=${!pid_var} i pid pids=()
  for i in $(seq 1 "$procs"); do
    AWS_LAMBDA_RUNTIME_API="127.0.0.1:$port" "$billflow" lambda >"$dir/lambda.$i.out" 2>"$dir/lambda.$i.err" &
    pids+=($!)
    AWS_LIB_PIDS+=($!)
  done
  for i in $(seq 1 900); do kill -0 "$rt_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$rt_pid" 2>/dev/null; then
    fail "$name: the runtime emulator still waits for results after 90 s"
    kill "$rt_pid"
  fi
  wait "$rt_pid" 2>/dev/null || true
  # The runtime API is gone: each loop ends when its pending /next fails.
  for pid in "${pids[@]}"; do
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
results() { cat "$AWS_TMP/$1/runtime/results.jsonl" 2>/dev/null || true; }

# ---- 1. three sample files + a special key, one real-shaped S3 event --------------------------
section "1. three sample files + a special key, one real-shaped S3 event"
# Every object of every scenario is staged locally and uploaded by one `aws s3 cp --recursive`
# per bucket (each AWS CLI start costs about a second here).
/usr/bin/python3 - "$examples/$meat" "$AWS_TMP/broken.csv" <<'PY'
import csv, sys  # the meat file without its currency column: a file that must fail
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
drop = rows[0].index("currency")
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows([r[:drop] + r[drop + 1:] for r in rows])
PY
stage="$AWS_TMP/stage/bills"
mkdir -p "$stage/june" "$stage/race" "$stage/sqs" "$stage/direct" "$stage/listing/sub dir"
for f in "$bakery" "$dairy" "$meat"; do cp "$examples/$f" "$stage/june/$f"; cp "$examples/$f" "$stage/race/$f"; done
cp "$examples/$bakery" "$stage/$special_key"
cp "$AWS_TMP/broken.csv" "$stage/sqs/broken.csv"
cp "$examples/$dairy" "$examples/$meat" "$stage/sqs/"
cp "$AWS_TMP/broken.csv" "$stage/direct/broken.csv"
cp "$examples/$dairy" "$stage/direct/"
cp "$examples/$bakery" "$examples/$dairy" "$stage/listing/"
cp "$examples/$meat" "$stage/listing/sub dir/"
printf 'not a csv\n' >"$stage/listing/notes.txt"
/usr/bin/aws --endpoint-url "$s3" s3 cp --quiet --recursive "$stage" s3://bills/
upload "$examples/$meat" "$seed_bucket/$seed_key"
check_eq "$(/usr/bin/aws --endpoint-url "$s3" s3 ls --recursive s3://bills/ | wc -l | tr -d ' ')" \
  "$(find "$stage" -type f | wc -l | tr -d ' ')" "aws s3 cp --recursive uploaded every staged object"
etag=$(/usr/bin/aws --endpoint-url "$s3" s3api head-object --bucket bills --key "$special_key" \
         --query ETag --output text | tr -d '"')
check_eq "$etag" "$(md5sum <"$examples/$bakery" | cut -d' ' -f1)" "head-object of the special key: ETag is the event's eTag (MD5)"
s3_event "$AWS_TMP/e1.json" bills "june/$bakery" "$examples/$bakery" bills "june/$dairy" "$examples/$dairy" \
  bills "june/$meat" "$examples/$meat" bills "$special_key" "$examples/$bakery"
check_eq "$(jq -r '.Records[3].s3.object.key' "$AWS_TMP/e1.json")" "june/special+copy%2B1+caf%C3%A9.csv" \
  "the event carries the key form-URL-encoded, as S3 sends it"
first_log_line=$(($(wc -l <"$AWS_TMP/data-api.jsonl") + 1))
t0=$(date +%s%N)
run_lambda first 1 "$AWS_TMP/e1.json"
t1=$(date +%s%N)
check_eq "$(results first | jq -r .kind)" "response" "first delivery: the invocation answered /response"
check_eq "$(jq -c .totals "$AWS_TMP/first/runtime/000.response.json" 2>/dev/null)" \
  "{\"by_status\":{\"loaded\":4},\"failed\":0,\"files\":4,\"rows_loaded\":$first_rows,\"rows_read\":$first_read,\"rows_rejected\":$first_rejects,\"usd_total\":\"$(sql 'SELECT SUM(bill_amount_usd) FROM billing_data')\"}" \
  "first delivery: response totals (4 files, $first_read rows read, $first_rows loaded, $first_rejects rejects, USD = the table's sum)"
originals="'s3://bills/june/$bakery','s3://bills/june/$dairy','s3://bills/june/$meat'"
check_eq "$(sql "SELECT COUNT(*) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source IN ($originals)")" \
  "$all_rows" "$server: $all_rows rows from the three example files"
check_eq "$(sql "SELECT SUM(d.bill_amount_usd) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source IN ($originals)")" \
  "$all_usd" "$server: USD total of the three example files is exactly $all_usd"
check_eq "$(sql "SELECT COUNT(*) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source = 's3://bills/$special_key'")" \
  "$bakery_rows" "$server: $bakery_rows rows under the decoded special key (space, '+', 'é')"
check_eq "$(sql "SELECT f.source, r.line_number FROM billing_rejects r JOIN billing_files f USING (file_id) WHERE r.reason = 'currency \"XYZ\" is not an ISO 4217 code' ORDER BY f.source" | tr '\t\n' ' |')" \
  "s3://bills/june/$bakery 9|s3://bills/$special_key 9|" "one unknown-currency reject per bakery copy: line 9, currency XYZ"
check_eq "$(sql "SELECT COUNT(*), SUM(CASE WHEN status = 'loaded' THEN 1 ELSE 0 END), SUM(rows_loaded), SUM(rows_rejected) FROM billing_files" | tr '\t' ' ')" \
  "4 4 $first_rows $first_rejects" "ledger: 4 files loaded, $first_rows rows, $first_rejects rejects"
check_eq "$(sql "SELECT COUNT(*) FROM billing_data d JOIN billing_files f USING (file_id)
                  WHERE f.source = 's3://bills/june/$dairy' AND d.id = '2' AND d.bill_date = '2025-06-03'")" \
  "1" "the dairy row dated 2025/06/03 is stored as 2025-06-03"
check_grep '"_aws"' "$AWS_TMP/first/lambda.1.out" "an EMF metrics line on stdout"
# Data API calls of that invocation (4 files), from the emulator's request log.
tail -n +"$first_log_line" "$AWS_TMP/data-api.jsonl" >"$AWS_TMP/first/data-api.jsonl"
figure "first delivery of 4 files ($first_read rows): $(((t1 - t0) / 1000000)) ms wall incl. emulator start; Data API requests: $(jq -r .op "$AWS_TMP/first/data-api.jsonl" | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}')total $(wc -l <"$AWS_TMP/first/data-api.jsonl")"
figure "BatchExecute parameter sets per request in that delivery: $(jq -r 'select(.op=="/BatchExecute") | .parameter_sets' "$AWS_TMP/first/data-api.jsonl" | tr '\n' ' ')"
dump_tables >"$AWS_TMP/dump.before.sql"
grep -qF "$dump_data_row" "$AWS_TMP/dump.before.sql" || fail "table dump holds no billing_data rows"
expect_unchanged() {  # expect_unchanged NAME : full dump equals the one taken after the first delivery
  dump_tables >"$AWS_TMP/dump.$1.sql"
  if cmp -s "$AWS_TMP/dump.before.sql" "$AWS_TMP/dump.$1.sql"; then
    pass "$1: tables unchanged (full dump of every table)"
  else
    fail "$1: tables changed:"
    diff "$AWS_TMP/dump.before.sql" "$AWS_TMP/dump.$1.sql" | head -20 || true  # the test goes on
  fi
}

# ---- 1. the same event 100 more times, sequentially (one warm process) ------------------------
# At-least-once delivery: the same S3 event 100 times sequentially and 20 times concurrently.
sequential=100
concurrent=20
section "1. the same event $sequential more times, sequentially (one warm process)"
events=()
for i in $(seq 1 "$sequential"); do events+=("$AWS_TMP/e1.json"); done
seq_log_line=$(($(wc -l <"$AWS_TMP/data-api.jsonl") + 1))
t0=$(date +%s%N)
run_lambda sequential 1 "${events[@]}"
t1=$(date +%s%N)
check_eq "$(results sequential | jq -r .kind | sort | uniq -c | tr -s ' ')" " $sequential response" \
  "$sequential sequential redeliveries: $sequential responses"
check_eq "$(jq -r '.files[].status' "$AWS_TMP"/sequential/runtime/*.response.json | sort | uniq -c | tr -s ' ')" \
  " $((4 * sequential)) unchanged" "$sequential sequential redeliveries: every file unchanged"
expect_unchanged "$sequential sequential redeliveries"
figure "redelivery of an already loaded 4-file event: $(( $(tail -n +"$seq_log_line" "$AWS_TMP/data-api.jsonl" | wc -l) / sequential )) Data API requests per invocation; $sequential in a row took $(((t1 - t0) / 1000000)) ms"

# ---- 1. 20 more times, concurrently (20 processes polling one queue) --------------------------
section "1. $concurrent more times, concurrently ($concurrent processes polling one queue)"
events=()
for i in $(seq 1 "$concurrent"); do events+=("$AWS_TMP/e1.json"); done
run_lambda concurrent "$concurrent" "${events[@]}"
check_eq "$(results concurrent | jq -r .kind | sort | uniq -c | tr -s ' ')" " $concurrent response" \
  "$concurrent concurrent redeliveries: $concurrent responses"
check_eq "$(jq -r '.files[].status' "$AWS_TMP"/concurrent/runtime/*.response.json | sort | uniq -c | tr -s ' ')" \
  " $((4 * concurrent)) unchanged" "$concurrent concurrent redeliveries: every file unchanged"
expect_unchanged "$concurrent concurrent redeliveries"
busy=$(for f in "$AWS_TMP"/concurrent/lambda.*.out; do grep -c '"_aws"' "$f" || true; done | grep -vc '^0$' || true)
echo "     (concurrent: $busy of $concurrent processes handled invocations)"

# ---- 1b. a new file's first delivery raced by 3 processes -------------------------------------
section "1b. a new file's first delivery raced by 3 processes"
s3_event "$AWS_TMP/race.json" bills "race/$bakery" "$examples/$bakery" bills "race/$dairy" "$examples/$dairy" \
  bills "race/$meat" "$examples/$meat"
run_lambda race 3 "$AWS_TMP/race.json" "$AWS_TMP/race.json" "$AWS_TMP/race.json" \
  "$AWS_TMP/race.json" "$AWS_TMP/race.json" "$AWS_TMP/race.json"
check_eq "$(results race | wc -l | tr -d ' ')" "6" "race: 6 invocations answered"
race_errors=$(results race | jq -r 'select(.kind=="error") | .body' | wc -l | tr -d ' ')
check_eq "$(sql "SELECT COUNT(*), SUM(d.bill_amount_usd), COUNT(DISTINCT f.file_id) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source LIKE 's3://bills/race/%'" | tr '\t' ' ')" \
  "$all_rows $all_usd 3" "race: $all_rows rows, $all_usd, 3 files — loaded exactly once"
check_eq "$(jq -r '.files[] | select(.status=="loaded") | .source' "$AWS_TMP"/race/runtime/*.response.json 2>/dev/null | sort | uniq -d)" \
  "" "race: no file reported as loaded twice"
check_eq "$race_errors" "0" "race: no invocation failed (a loser waits for or sees the winner's load)"

# ---- 2. SQS batch with one broken file --------------------------------------------------------
section "2. SQS batch with one broken file"
bad_id=$(/usr/bin/python3 -c 'import uuid; print(uuid.uuid4())')
sqs_event "$AWS_TMP/sqs.json" \
  "$(/usr/bin/python3 -c 'import uuid; print(uuid.uuid4())')" bills "sqs/$dairy" "$examples/$dairy" \
  "$bad_id" bills sqs/broken.csv "$AWS_TMP/broken.csv" \
  "$(/usr/bin/python3 -c 'import uuid; print(uuid.uuid4())')" bills "sqs/$meat" "$examples/$meat"
run_lambda sqs 1 "$AWS_TMP/sqs.json"
check_eq "$(results sqs | jq -r .kind)" "response" "SQS batch: answered /response (a partial batch response)"
check_eq "$(cat "$AWS_TMP/sqs/runtime/000.response.json" 2>/dev/null)" \
  "{\"batchItemFailures\":[{\"itemIdentifier\":\"$bad_id\"}]}" "SQS batch: exactly the broken file's message in batchItemFailures"
check_eq "$(sql "SELECT f.source, COUNT(d.id) FROM billing_files f LEFT JOIN billing_data d USING (file_id) WHERE f.source LIKE 's3://bills/sqs/%' GROUP BY f.source ORDER BY f.source" | tr '\t\n' ' |')" \
  "s3://bills/sqs/$dairy $dairy_rows|s3://bills/sqs/$meat $meat_rows|s3://bills/sqs/broken.csv 0|" "SQS batch: both good files loaded, the broken one has no rows"
check_eq "$(sql "SELECT status, CASE WHEN error LIKE '%currency%' THEN 1 ELSE 0 END FROM billing_files WHERE source = 's3://bills/sqs/broken.csv'" | tr '\t' ' ')" \
  "failed 1" "SQS batch: the ledger records the broken file as failed, naming the missing column"

# ---- 3. direct S3 event with a broken file ----------------------------------------------------
section "3. direct S3 event with a broken file"
s3_event "$AWS_TMP/direct.json" bills "direct/$dairy" "$examples/$dairy" bills direct/broken.csv "$AWS_TMP/broken.csv"
run_lambda direct 1 "$AWS_TMP/direct.json"
check_eq "$(results direct | jq -r .kind)" "error" "direct S3 event with a failed file: the invocation reported /error"
check "direct S3 event with a failed file: no /response" test ! -e "$AWS_TMP/direct/runtime/000.response.json"
check_eq "$(jq -r '.errorMessage | test("broken.csv")' "$AWS_TMP/direct/runtime/000.error.json" 2>/dev/null)" \
  "true" "the /error names the failed object"
check_eq "$(sql "SELECT COUNT(*) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source = 's3://bills/direct/$dairy'")" \
  "$dairy_rows" "the good file of that event still loaded ($dairy_rows rows)"

# ---- 4. billflow ingest --event with an event file shaped like the original's ------------------
section "4. billflow ingest --event with tests/data/s3_event.json"
set +e
out=$("$billflow" ingest --event "$event_file" 2>"$AWS_TMP/ingest-event.err")
rc=$?
set -e
check_eq "$rc" "0" "ingest --event tests/data/s3_event.json exits 0"
check_eq "$(jq -r '.files[0].status + " " + (.files[0].rows_loaded|tostring)' <<<"$out" 2>/dev/null)" \
  "loaded $meat_rows" "ingest --event prints the file loaded with $meat_rows rows"
check_eq "$(sql "SELECT COUNT(*), SUM(d.bill_amount_usd) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source = 's3://$seed_bucket/$seed_key'" | tr '\t' ' ')" \
  "$meat_rows $(sql "SELECT SUM(d.bill_amount_usd) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source = 's3://bills/june/$meat'")" \
  "$server: $meat_rows rows from s3://$seed_bucket/$seed_key, same USD total as the meat file"

# ---- 5. billflow ingest s3://bucket/prefix/ (ListObjectsV2) -----------------------------------
section "5. billflow ingest s3://bucket/prefix/ (ListObjectsV2)"
set +e
out=$("$billflow" ingest --json s3://bills/listing/ 2>"$AWS_TMP/ingest-prefix.err")
rc=$?
set -e
check_eq "$rc" "0" "ingest s3://bills/listing/ exits 0"
check_eq "$(jq -r '[.files[].source] | sort | join("|")' <<<"$out" 2>/dev/null)" \
  "s3://bills/listing/$bakery|s3://bills/listing/$dairy|s3://bills/listing/sub dir/$meat" \
  "ingest s3://bills/listing/: the three .csv objects listed (notes.txt skipped)"
check_eq "$(sql "SELECT COUNT(*), SUM(d.bill_amount_usd) FROM billing_data d JOIN billing_files f USING (file_id) WHERE f.source LIKE 's3://bills/listing/%'" | tr '\t' ' ')" \
  "$all_rows $all_usd" "ingest s3://bills/listing/: $all_rows rows, USD $all_usd"
set +e
"$billflow" ingest --json s3://bills/listing/ >/dev/null 2>&1
rc=$?
set -e
check_eq "$rc" "0" "ingest s3://bills/listing/ again exits 0 (unchanged)"

# ---- figures: process start → first /invocation/next ------------------------------------------
section "figures: process start → first /invocation/next"
# A Python launcher records the epoch time just before execv(); the runtime emulator logs the
# arrival of each request. Each process is killed once its first /next has arrived.
cat >"$AWS_TMP/launch.py" <<'PY'
import os, sys, time
sys.stdout.write(f"{time.time_ns()}\n"); sys.stdout.flush()
os.execv(sys.argv[1], sys.argv[1:])
PY
printf '{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2025-06-01T00:00:00.000Z","Bucket":"bills","RequestId":"X","HostId":"Y"}' \
  >"$AWS_TMP/test-event.json"
measure_startup() {  # measure_startup LABEL RUNS DB_URL → figure line (median/min/max ms)
  local label=$1 runs=$2 db=$3 dir="$AWS_TMP/startup-$1" i pid start arrival samples=()
  mkdir -p "$dir"
  for i in $(seq 1 "$runs"); do
    # A fresh runtime emulator per run, so the only /next it logs is this process's first.
    aws_start "RT_startup_${label}_$i" /usr/bin/python3 "$tools/lambda_runtime_emulator.py" \
      --out "$dir/runtime.$i" --log "$dir/requests.$i.jsonl" "$AWS_TMP/test-event.json"
    local port_var="RT_startup_${label}_${i}_PORT" rt_pid_var="RT_startup_${label}_${i}_PID"
    BILLFLOW_DB=$db AWS_LAMBDA_RUNTIME_API="127.0.0.1:${!port_var}" \
      /usr/bin/python3 "$AWS_TMP/launch.py" "$billflow" lambda >"$dir/run.$i.out" 2>&1 &
    pid=$!
    AWS_LIB_PIDS+=("$pid")
    for _ in $(seq 1 250); do
      grep -q 'invocation/next' "$dir/requests.$i.jsonl" 2>/dev/null && break
      sleep 0.02
    done
    kill "$pid" "${!rt_pid_var}" 2>/dev/null || true
    wait "$pid" "${!rt_pid_var}" 2>/dev/null || true
    start=$(head -1 "$dir/run.$i.out")
    arrival=$(grep -m1 'invocation/next' "$dir/requests.$i.jsonl" 2>/dev/null | jq -r .t_ns)
    [ -n "$arrival" ] && samples+=($(((arrival - start) / 1000)))
  done
  if [ "${#samples[@]}" -ne "$runs" ]; then
    fail "startup ($label): only ${#samples[@]} of $runs processes reached /next"
    return
  fi
  figure "start → first /invocation/next, billflow lambda, $label: $(printf '%s\n' "${samples[@]}" | sort -n |
    awk '{a[NR]=$1} END {printf "median %.1f ms, min %.1f ms, max %.1f ms over %d runs", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000, NR}')"
}
# Baseline on this machine: the same binary doing nothing (`--version`), through the same launcher.
version_samples=$(for i in $(seq 1 9); do
  /usr/bin/python3 -c 'import os, sys, time
t0 = time.time_ns(); pid = os.fork()
if pid == 0: os.execv(sys.argv[1], [sys.argv[1], "--version"])
os.waitpid(pid, 0); print((time.time_ns() - t0) // 1000)' "$billflow" 2>/dev/null | tail -1
done | sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, min %.1f ms, max %.1f ms over %d runs", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000, NR}')
figure "baseline: billflow --version, exec → exit: $version_samples"
# With the Data API (as deployed: init runs the schema check and reads the rates through it)
# and with a local SQLite file (the process's own cost).
before_init=$(wc -l <"$AWS_TMP/data-api.jsonl")
measure_startup dataapi 9 "$BILLFLOW_DB"
figure "Data API requests during one warm-database init (schema check, rates): $(( ($(wc -l <"$AWS_TMP/data-api.jsonl") - before_init) / 9 ))"
measure_startup sqlite 9 "sqlite:$AWS_TMP/startup.db"
if /usr/bin/python3 -c 'import boto3' 2>/dev/null; then
  boto=$(for i in 1 2 3 4 5; do
    s=$(date +%s%N); /usr/bin/python3 -c "import boto3; boto3.client('s3')"; e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done | sort -n | awk '{a[NR]=$1} END {printf "median %.0f ms, min %.0f ms, max %.0f ms over %d runs", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000, NR}')
  figure "python3 -c \"import boto3; boto3.client('s3')\" (boto3 $(/usr/bin/python3 -c 'import boto3; print(boto3.__version__)')): $boto"
else
  figure "boto3 not installed for /usr/bin/python3 (Debian: python3-boto3); comparison skipped"
fi

# ---- figure (opt-in): rows per BatchExecute on a 20,000-row file ------------------------------
section "figure (opt-in): rows per BatchExecute on a 20,000-row file"
if [ -n "${BILLFLOW_E2E_MEASURE:-}" ]; then
  /usr/bin/python3 - "$AWS_TMP/big.csv" <<'PY'
import random, sys
random.seed(7)
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n")
    for i in range(1, 20001):
        f.write(f"{i},Company {i % 97},US,City {i % 13},Line {i % 5},Item {i % 31},"
                f"2025-06-{1 + i % 28:02d},{random.choice(['USD', 'CAD', 'MXN'])},"
                f"{random.randint(-99999, 9999999) / 100:.2f}\n")
PY
  upload "$AWS_TMP/big.csv" bills/big/big.csv
  s3_event "$AWS_TMP/big.json" bills big/big.csv "$AWS_TMP/big.csv"
  big_line=$(($(wc -l <"$AWS_TMP/data-api.jsonl") + 1))
  s=$(date +%s%N)
  run_lambda big 1 "$AWS_TMP/big.json"
  e=$(date +%s%N)
  check_eq "$(jq -r '.files[0].rows_loaded' "$AWS_TMP/big/runtime/000.response.json" 2>/dev/null)" "20000" "20,000-row file loaded"
  tail -n +"$big_line" "$AWS_TMP/data-api.jsonl" >"$AWS_TMP/big/data-api.jsonl"
  figure "20,000-row file via the Data API: $(((e - s) / 1000000)) ms; $(wc -l <"$AWS_TMP/big/data-api.jsonl") requests; BatchExecute sets per request: $(jq -r 'select(.op=="/BatchExecute") | "\(.parameter_sets) (\(.bytes / 1024 | floor) KiB)"' "$AWS_TMP/big/data-api.jsonl" | tr '\n' ' ')"
fi

echo "total test time: $((($(date +%s%N) - started_at) / 1000000)) ms"
if [ "$ASSERT_FAILURES" -ne 0 ]; then
  echo "logs kept in $AWS_TMP" >&2
  export AWS_KEEP_TMP=1  # read by aws_lib.sh's exit trap
fi
assert_done
