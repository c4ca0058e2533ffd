#!/usr/bin/env bash
# Connection faults between `billflow ingest --db data-api://…` and the Data API emulator
# (tools/data_api_emulator.py on a throwaway MariaDB or PostgreSQL): tools/tcp_fault_proxy.py
# resets, closes, stalls or cuts connections mid-BatchExecute, around CommitTransaction and
# elsewhere, on a seeded schedule. Every run uses files of its own (billflow_gen, with its
# independent answer) and, when billflow failed, is followed by a clean rerun. Then the database
# must hold every file exactly once with the generator's rows, rejects and USD total; an
# ambiguous commit must be resolved through the ledger (billing_files), never by loading the
# file twice.
#   data_api_fault_test.sh BILLFLOW BILLFLOW_GEN [mysql|postgres]   (the engine; mysql by default)
# Env: DATA_API_FAULT_SEED (default 6) picks the faulted request numbers and the files.
# Prints per-kind counts and outcomes at the end. Stalls are 1 s: a stall past the client's
# 60 s request timeout (DataApiOptions::request_timeout, not settable from the CLI) does not
# fit the time budget. libcurl sends a request again by itself when a reused connection dies
# before any byte of the answer: rst_request once is invisible, rst_response / stall_close
# make the service see a request twice (outcome "transparent", or a duplicate key for a batch).
set -euo pipefail
billflow=$1
billflow_gen=$2
engine=${3:-mysql}
# What differs between the engines: the duplicate-key error of a batch libcurl sent twice, and
# the ledger's statements the faults aim at (sinks/data_api_sink.cc, sinks/postgres_ledger_sql.h).
case $engine in
  mysql)
    duplicate_key='Duplicate entry'
    # The statements of a first load inside its transaction, in order: the ledger row FOR
    # UPDATE, its INSERT, LAST_INSERT_ID(), and the ledger UPDATE just before commit.
    in_transaction=("Execute~ FOR UPDATE" "Execute~INSERT INTO billing_files" "Execute~LAST_INSERT_ID()"
      "Execute~UPDATE billing_files SET content_sha256")
    # Before it: the ledger read outside the transaction.
    ledger_read="Execute~FROM billing_files WHERE source_sha256 = UNHEX(:key)"
    ;;
  postgres)
    duplicate_key='duplicate key value'
    # The source's advisory lock, the ledger row FOR UPDATE, its INSERT … RETURNING file_id,
    # and the ledger UPDATE just before commit.
    in_transaction=("Execute~pg_advisory_xact_lock(:p1" "Execute~ FOR UPDATE" "Execute~INSERT INTO billing_files"
      "Execute~UPDATE billing_files SET content_sha256")
    ledger_read="Execute~FROM billing_files WHERE source = :p1"
    ;;
  *) echo "usage: data_api_fault_test.sh BILLFLOW BILLFLOW_GEN [mysql|postgres]" >&2; exit 2 ;;
esac
export DATA_API_ENGINE=$engine
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init
examples="$AWS_LIB_REPO/examples"
read -r examples_rows examples_rejects examples_usd < <(/usr/bin/python3 "$AWS_LIB_REPO/tests/e2e/oracle.py" "$examples"/*.csv)
examples_files=$(find "$examples" -maxdepth 1 -name '*.csv' | wc -l)
SEED=${DATA_API_FAULT_SEED:-6}
RANDOM=$SEED

aws_start_data_api --request-log "$AWS_TMP/data-api.jsonl"
BILLFLOW_DB="data-api://arn:aws:rds:us-east-1:123456789012:cluster:faults?secret=arn:aws:secretsmanager:us-east-1:123456789012:secret:db&database=billflow$(aws_engine_query)"
export BILLFLOW_DB
sql() { aws_sql "$1"; }

# Expected state: one line per file, "SOURCE ROWS_LOADED ROWS_REJECTED USD_TOTAL".
expected="$AWS_TMP/expected.txt"
: >"$expected"
declare -A kind_runs=() outcome_runs=()
runs=0
rows_checked=0

# A file of N generated rows under the run's directory, path in $made; its answer goes to
# $expected (a path loaded again with new content replaces its line). No subshells: they
# would not advance the seeded $RANDOM.
make_file() {  # DIR NAME ROWS
  local path="$1/$2.csv" answer="$1/$2.answer.json"
  "$billflow_gen" --rows "$3" --seed $((RANDOM * 32768 + RANDOM)) --out "$path" --answer "$answer" >/dev/null
  local source="file://$path"
  grep -v -F "$source " "$expected" >"$expected.tmp" || true
  mv "$expected.tmp" "$expected"
  jq -r --arg s "$source" '"\($s) \(.valid) \(.rejected) \(.usd_total)"' "$answer" >>"$expected"
  made=$path
}

start_proxy() {  # LOG STALL_SECONDS FAULT…
  local log=$1 stall=$2
  shift 2
  local args=()
  local fault
  for fault in "$@"; do args+=(--fault "$fault"); done
  rm -f "$AWS_TMP/PROXY.out"  # else aws_start may read the previous proxy's port file
  aws_start PROXY /usr/bin/python3 "$AWS_LIB_REPO/tools/tcp_fault_proxy.py" --upstream-port "$DATA_PORT" \
    --log "$log" --stall-seconds "$stall" "${args[@]}"
}
stop_proxy() {  # and forget its pid, so that the cleanup never signals a reused one
  kill "$PROXY_PID" 2>/dev/null || true
  wait "$PROXY_PID" 2>/dev/null || true
  local kept=() pid
  for pid in "${AWS_LIB_PIDS[@]}"; do [ "$pid" = "$PROXY_PID" ] || kept+=("$pid"); done
  AWS_LIB_PIDS=("${kept[@]}")
}

# A 4 s retry window (about five attempts): the cases below are written for retries that end
# before the proxy's outages do (commit.outage_after_response lasts 9 s and must fail, then be
# found in the ledger), and a case whose every attempt fails must not wait out the 60 s default.
ingest_via() {  # PORT OUT_PREFIX FILE… ; sets rc
  set +e
  AWS_ENDPOINT_URL_RDS_DATA="http://127.0.0.1:$1" "$billflow" ingest --json --quiet \
    --retry-window-seconds 4 "${@:3}" >"$2.json" 2>"$2.err"
  rc=$?
  set -e
}

# A failure must name what broke: the Data API operation or request, and why.
clear_failure() {  # ERR_FILE JSON_FILE
  local text
  text=$(jq -r 'select(.level == "error") | .msg' "$1" 2>/dev/null || true)
  [ -n "$text" ] || text=$(cat "$1")
  echo "$text" | grep -Eq 'Data API /[A-Za-z]+|POST http://[^ ]+/[A-Za-z]+' ||
    die "error does not name the Data API request: $text"
  echo "$text" | grep -Eiq 'reset|Recv failure|partial|Empty reply|closed|Couldn.t connect|timed out|no answer|gave up|commit may|Duplicate entry|duplicate key' ||
    die "error does not say what went wrong: $text"
  [ ! -s "$2" ] || jq -e '[.files[] | select(.status == "failed") | .error | type == "string"] | all' "$2" >/dev/null ||
    die "a failed file has no error in --json: $(cat "$2")"
}

# A RollbackTransaction lost in an outage strands its transaction, and with it the locks of
# the file's ledger row (and on PostgreSQL the source's advisory lock), until the Data API drops
# it after 3 idle minutes (the emulator too): a reload meanwhile waits out
# innodb_lock_wait_timeout (50 s) on every attempt, or on PostgreSQL until the lock is free.
# Before a rerun, play the service's part at once: end the transactions nobody is using.
stranded=0
expire_stranded() {
  local id stranded_sql end_sql
  if [ "$engine" = postgres ]; then
    stranded_sql="SELECT pid FROM pg_stat_activity WHERE datname = 'billflow' AND pid <> pg_backend_pid()
                    AND state LIKE 'idle in transaction%'"
    end_sql="SELECT pg_terminate_backend(%s)"
  else
    stranded_sql="SELECT trx_mysql_thread_id FROM information_schema.innodb_trx"
    end_sql="KILL %s"
  fi
  for id in $(sql "$stranded_sql"); do
    # shellcheck disable=SC2059  # the format is one of the two above
    sql "$(printf "$end_sql" "$id")" >/dev/null 2>&1 || true
    stranded=$((stranded + 1))
    outcome="$outcome+expired-stranded-transaction"
  done
}

# run_case KIND EXPECT STALL FILES_SPEC FAULT…
#   EXPECT: any | ledger (rc 0, the ambiguous commit resolved through the ledger, one
#   transaction per file) | fail-ledger (rc 1, the rerun finds it committed: unchanged) |
#   fail (rc 1); FILES_SPEC: comma-separated row counts, or "examples" for the files of examples/.
run_case() {
  local kind=$1 expect=$2 stall=$3 spec=$4
  shift 4
  runs=$((runs + 1))
  local dir="$AWS_TMP/run$runs"
  mkdir -p "$dir"
  local files=()
  if [ "$spec" = examples ]; then
    cp "$examples"/*.csv "$dir/"
    files=("$dir"/*.csv)
    local f
    for f in "${files[@]}"; do echo "file://$f EXAMPLES" >>"$expected"; done
  elif [ "${spec#replace:}" != "$spec" ]; then
    files=("${spec#replace:}")
  else
    local rows i=0
    for rows in ${spec//,/ }; do
      i=$((i + 1))
      make_file "$dir" "f$i" "$rows"
      files+=("$made")
    done
  fi
  start_proxy "$dir/proxy.jsonl" "$stall" "$@"
  local t0 t1
  t0=$(date +%s%N)
  ingest_via "$PROXY_PORT" "$dir/out" "${files[@]}"
  t1=$(date +%s%N)
  stop_proxy
  local first_rc=$rc
  [ "$(jq -s 'map(select(.fault != null)) | length' "$dir/proxy.jsonl")" -gt 0 ] ||
    die "run $runs ($kind): the fault $* never fired"
  # A case's only fault, aimed by SQL, fired on a statement holding that SQL (the proxy logs
  # each statement it read). Of several faults, a later one may never be reached.
  local fault sql
  if [ $# -eq 1 ]; then
    for fault in "$@"; do
      case $fault in *~*) ;; *) continue ;; esac
      sql=${fault#*~}
      sql=${sql%#*}
      jq -e -s --arg k "${fault%%@*}" --arg s "$sql" \
        'any(.[]; .fault == $k and (.sql // "" | contains($s)))' "$dir/proxy.jsonl" >/dev/null ||
        die "run $runs ($kind): $fault fired on no statement containing \"$sql\": $(jq -c -s 'map(select(.fault != null))' "$dir/proxy.jsonl")"
    done
  fi
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || die "run $runs ($kind): exit code $rc (contract: 0 or 1)"
  local outcome
  if [ "$rc" = 1 ]; then
    clear_failure "$dir/out.err" "$dir/out.json"
    if grep -q "$duplicate_key" "$dir/out.err"; then
      outcome="failed(batch re-sent by libcurl: duplicate key)-then-rerun-exact"
    else
      outcome="failed-then-rerun-exact"
    fi
    expire_stranded
    ingest_via "$DATA_PORT" "$dir/rerun" "${files[@]}"
    [ "$rc" = 0 ] || die "run $runs ($kind): rerun exit $rc: $(cat "$dir/rerun.err")"
    if [ "$expect" = fail-ledger ]; then
      grep -q 'it may be loaded' "$dir/out.err" ||
        die "run $runs ($kind): the failure does not say the unanswered commit may have happened: $(cat "$dir/out.err")"
      jq -e '[.files[].status] | all(. == "unchanged")' "$dir/rerun.json" >/dev/null ||
        die "run $runs ($kind): the rerun did not find the committed file in the ledger: $(cat "$dir/rerun.json")"
      outcome="failed(commit ambiguous)-then-rerun-found-it-in-ledger"
    fi
    [ "$expect" = fail ] || [ "$expect" = fail-ledger ] || [ "$expect" = any ] ||
      die "run $runs ($kind): expected $expect, got exit 1: $(cat "$dir/out.err")"
  else
    [ "$expect" != fail ] && [ "$expect" != fail-ledger ] ||
      die "run $runs ($kind): expected a failure, got exit 0"
    jq -e '[.files[].status] | all(. == "loaded" or . == "replaced")' "$dir/out.json" >/dev/null ||
      die "run $runs ($kind): $(cat "$dir/out.json")"
    if grep -q 'the ledger shows the commit happened' "$dir/out.err"; then
      outcome="ambiguous-commit-resolved-by-ledger"
    elif grep -q 'attempt [0-9]* after' "$dir/out.err"; then
      outcome="retried-internally"
    else
      outcome="transparent"
    fi
  fi
  if [ "$expect" = ledger ]; then
    [ "$outcome" = ambiguous-commit-resolved-by-ledger ] ||
      die "run $runs ($kind): expected the ledger to resolve the commit, got $outcome: $(cat "$dir/out.err")"
    local begun
    begun=$(jq -s '[.[] | select(.op == "BeginTransaction" and .forwarded)] | length' "$dir/proxy.jsonl")
    [ "$begun" = "${#files[@]}" ] ||
      die "run $runs ($kind): $begun transactions for ${#files[@]} file(s): a file was loaded again"
  fi
  kind_runs[$kind]=$(( ${kind_runs[$kind]:-0} + 1 ))
  outcome_runs[$outcome]=$(( ${outcome_runs[$outcome]:-0} + 1 ))
  printf 'run %2d %-30s rc=%s %6d ms  %-55s faults: %s\n' "$runs" "$kind" "$first_rc" \
    $(((t1 - t0) / 1000000)) "$outcome" "$*"
}

# Every file in $expected exactly once with the answer's numbers; nothing else.
check_database() {
  local source want_rows want_rejects want_usd got
  while read -r source want_rows want_rejects want_usd; do
    [ "$want_rows" = EXAMPLES ] && continue
    got=$(sql "SELECT f.status, f.rows_loaded, f.rows_rejected, f.usd_total,
                 (SELECT COUNT(*) FROM billing_data d WHERE d.file_id = f.file_id),
                 (SELECT COUNT(DISTINCT d.id) FROM billing_data d WHERE d.file_id = f.file_id),
                 (SELECT COALESCE(SUM(d.bill_amount_usd), 0) FROM billing_data d WHERE d.file_id = f.file_id),
                 (SELECT COUNT(*) FROM billing_rejects r WHERE r.file_id = f.file_id)
               FROM billing_files f WHERE f.source = '$source'" | tr '\t' ' ')
    local want="loaded $want_rows $want_rejects $want_usd $want_rows $want_rows $want_usd $want_rejects"
    [ "$got" = "$want" ] || die "$source: stored [$got], expected [$want]"
    rows_checked=$((rows_checked + want_rows + want_rejects))
  done <"$expected"
  local example_sources
  example_sources=$(awk '$2 == "EXAMPLES" {printf "%s\x27%s\x27", (n++ ? "," : ""), $1}' "$expected")
  got=$(sql "SELECT COUNT(*), SUM(f.rows_loaded), SUM(f.rows_rejected), SUM(f.usd_total),
               (SELECT COUNT(*) FROM billing_data d JOIN billing_files g ON g.file_id = d.file_id WHERE g.source IN ($example_sources)),
               (SELECT SUM(d.bill_amount_usd) FROM billing_data d JOIN billing_files g ON g.file_id = d.file_id WHERE g.source IN ($example_sources)),
               (SELECT COUNT(*) FROM billing_rejects r JOIN billing_files g ON g.file_id = r.file_id WHERE g.source IN ($example_sources))
             FROM billing_files f WHERE f.source IN ($example_sources) AND f.status = 'loaded'" | tr '\t' ' ')
  local want="$examples_files $examples_rows $examples_rejects $examples_usd $examples_rows $examples_usd $examples_rejects"
  [ "$got" = "$want" ] || die "example files: [$got], expected [$want] (files, rows, rejects, USD; the oracle's)"
  rows_checked=$((rows_checked + examples_rows + examples_rejects))
  local files_expected files_stored orphans
  files_expected=$(wc -l <"$expected")
  files_stored=$(sql "SELECT COUNT(*), SUM(CASE WHEN status = 'loaded' THEN 1 ELSE 0 END) FROM billing_files" | tr '\t' ' ')
  [ "$files_stored" = "$files_expected $files_expected" ] ||
    die "billing_files holds [$files_stored] (rows, loaded), expected $files_expected loaded files"
  orphans=$(sql "SELECT (SELECT COUNT(*) FROM billing_data d LEFT JOIN billing_files f ON f.file_id = d.file_id WHERE f.file_id IS NULL)
                      + (SELECT COUNT(*) FROM billing_rejects r LEFT JOIN billing_files f ON f.file_id = r.file_id WHERE f.file_id IS NULL)")
  [ "$orphans" = 0 ] || die "$orphans rows belong to no file"
}

# The schema exists before the first faulted run (a clean run of its own).
mkdir -p "$AWS_TMP/setup"
make_file "$AWS_TMP/setup" replaced 1200
ingest_via "$DATA_PORT" "$AWS_TMP/setup/out" "$made"
[ "$rc" = 0 ] || die "setup load: $(cat "$AWS_TMP/setup/out.err")"

started=$(date +%s%N)
# Faults aim at a statement by its SQL (tcp_fault_proxy.py's KIND@OP~SQL#N counts only the
# requests whose "sql" contains SQL), never at a position among all requests of an operation:
# that position moves whenever a read is added or paged, and the case then hits another
# statement while its name still claims the old one.
rows_batch="BatchExecute~INSERT INTO billing_data"
rejects_batch="BatchExecute~INSERT INTO billing_rejects"
# 3100-row files: two row batches, the first mid-file (3000 rows), the second (the rest) at
# commit, then the rejects' batch. 1200-row files: one row batch and one rejects' batch, both
# at commit.
b() { n=$((1 + RANDOM % 2)); }  # row batch 1 (mid-file) or 2 (at commit) of a 3100-row file
small_batch() { [ $((RANDOM % 2)) = 0 ] && batch="$rows_batch#1" || batch="$rejects_batch#1"; }
b; run_case batch.rst_request any 1 3100 "rst_request@$rows_batch#$n"
b; run_case batch.rst_request any 1 3100 "rst_request@$rows_batch#$n-$((n + 1))"
run_case batch.close_request any 1 1200 "close_request@$rows_batch#1-2"
small_batch; run_case batch.rst_response any 1 1200 "rst_response@$batch"
run_case batch.rst_response any 1 1200 "rst_response@$rejects_batch#1"
run_case batch.cut_response any 1 3100 "cut_response@BatchExecute#$((1 + RANDOM % 3))"  # any of the 3
small_batch; run_case batch.stall_request any 1 1200 "stall_request@$batch"
small_batch; run_case batch.stall_response any 1 1200 "stall_response@$batch"
small_batch; run_case batch.stall_close any 1 1200 "stall_close@$batch"
run_case batch.cut_every fail 1 1200 "cut_response@BatchExecute#*"
b; run_case batch.outage any 4.5 3100,1200 "outage@$rows_batch#$n"
run_case begin.outage any 0.3 1200 "outage@BeginTransaction#1"
run_case commit.rst_request any 1 1200 "rst_request@CommitTransaction#1"
run_case commit.rst_request any 1 1200 "rst_request@CommitTransaction#1-2"
run_case commit.close_request any 1 1200 "close_request@CommitTransaction#1-2"
run_case commit.rst_response ledger 1 1200 "rst_response@CommitTransaction#1"
run_case commit.cut_response ledger 1 1200 "cut_response@CommitTransaction#1"
run_case commit.stall_close ledger 1 1200 "stall_close@CommitTransaction#1"
run_case commit.stall_response any 1 1200 "stall_response@CommitTransaction#1"
run_case commit.cut_response ledger 1 1200,1200 "cut_response@CommitTransaction#*"
run_case commit.cut_response ledger 1 examples "cut_response@CommitTransaction#$((1 + RANDOM % 3))"
make_file "$AWS_TMP/setup" replaced 1300  # new content for the setup's file: a replacement
run_case commit.cut_response.replace ledger 1 "replace:$made" "cut_response@CommitTransaction#1"
run_case commit.outage_after_response fail-ledger 9 1200 "outage_after_response@CommitTransaction#1"
run_case begin.rst_response any 1 1200 "rst_response@BeginTransaction#1"
run_case begin.cut_response any 1 1200 "cut_response@BeginTransaction#1"
# in_transaction and ledger_read: the engine's (at the top); at start-up: the schema check and
# the rates.
startup=("Execute~FROM schema_version" "Execute~FROM fx_rates")
run_case execute.cut_response any 1 1200 "cut_response@${in_transaction[RANDOM % 4]}#1"
run_case execute.rst_response any 1 1200 "rst_response@Execute~INSERT INTO billing_files#1"
run_case execute.rst_request any 1 1200 "rst_request@${in_transaction[RANDOM % 4]}#1-2"
run_case execute.cut_response any 1 1200 "cut_response@$ledger_read#1"
# The first schema_version read is the unlocked check (FileLedger::Migrate): when it fails, the
# locked path reads again, so the run goes on. The rates' check has no second try: exit 1.
run_case startup.schema_check any 1 1200 "cut_response@${startup[0]}#1"
run_case startup.cut_response fail 1 1200 "cut_response@${startup[1]}#1"
run_case mixed any 1 3100 "rst_request@$rows_batch#1-2" "stall_response@Execute~UPDATE billing_files SET content_sha256#1" \
  "cut_response@CommitTransaction#1"
ended=$(date +%s%N)

check_database
echo
echo "seed $SEED: $runs runs in $(((ended - started) / 1000000)) ms; $(wc -l <"$expected") files, $rows_checked rows (loaded + rejected) checked exactly once"
echo "runs per fault kind:"
printf '%s\n' "${!kind_runs[@]}" | sort | while IFS= read -r k; do printf '  %-32s %d\n' "$k" "${kind_runs[$k]}"; done
echo "outcomes:"
printf '%s\n' "${!outcome_runs[@]}" | sort | while IFS= read -r o; do printf '  %-64s %d\n' "$o" "${outcome_runs[$o]}"; done
echo "transactions stranded by a lost RollbackTransaction and expired before a rerun: $stranded"
echo "Data API requests reaching the emulator: $(jq -r .op "$AWS_TMP/data-api.jsonl" | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}')"
[ "$runs" -ge 20 ] || die "only $runs runs"
echo PASS
