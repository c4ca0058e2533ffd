#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and fuzzes each one.
#
#   scripts/fuzz.sh [--seconds 30] [--runs N] [--target NAME]... [--build-dir DIR]
#                   [--build-only | --no-build] [--jobs N]
#
#   --seconds S   fuzz each target for S seconds (default 30)
#   --runs N      stop each target after N executions instead (e.g. 10000000); combined with
#                 --seconds, whichever comes first
#   --target NAME csv_reader | decimal | civil_date | header_map | s3_event | ecb_document
#                 (default: all)
#
# The committed seed corpus tests/fuzz/corpus/NAME is only read; new inputs go to a scratch
# corpus DIR/work/NAME that survives between runs. A crash, leak, timeout (> 10 s for one
# input) or invariant failure stops with exit 1 and leaves the input in DIR/artifacts/NAME/.
# Each target ends with a line: "fuzz NAME: runs=… crashes=0 leaks=0 seconds=… slowest_unit_s=…
# slow_units=… corpus=…" (slow_units: inputs that took >= 1 s, saved as slow-unit-*).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$root/build-fuzz"
seconds=30
runs=""
targets=()
build=1
fuzz=1
jobs=2

while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --target) targets+=("$2"); shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --build-only) fuzz=0; shift ;;
    --no-build) build=0; shift ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(csv_reader decimal civil_date header_map s3_event ecb_document)

clangxx=$(command -v clang++ || command -v clang++-14 || true)
clangc=$(command -v clang || command -v clang-14 || true)
if [[ -z "$clangxx" ]]; then
  echo "fuzz.sh: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi

if [[ $build -eq 1 ]]; then
  # Ninja, as every build of the project: setup.sh installs no make. A tree an older fuzz.sh
  # configured for make is configured afresh (CMake refuses to switch generators in place).
  if [[ -f $build_dir/CMakeCache.txt ]] &&
    ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$build_dir/CMakeCache.txt"; then
    rm -rf "$build_dir"
  fi
  # Configure can race with someone else's half-written CMakeLists; retry a few times.
  for attempt in 1 2 3; do
    if cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$clangxx" -DCMAKE_C_COMPILER="$clangc" \
         -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBILLFLOW_FUZZ=ON -DBILLFLOW_WERROR=OFF >"$build_dir.configure.log" 2>&1; then
      break
    fi
    [[ $attempt -eq 3 ]] && { cat "$build_dir.configure.log" >&2; exit 1; }
    sleep 30
  done
  build_targets=()
  for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
  cmake --build "$build_dir" -j "$jobs" "${build_targets[@]}"
fi
[[ $fuzz -eq 1 ]] || exit 0

status=0
for t in "${targets[@]}"; do
  bin="$build_dir/tests/fuzz/fuzz_$t"
  work="$build_dir/work/$t"
  artifacts="$build_dir/artifacts/$t"
  log="$build_dir/logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
        -report_slow_units=1 -print_final_stats=1 -detect_leaks=1
        -artifact_prefix="$artifacts/" "$work" "$root/tests/fuzz/corpus/$t")
  [[ -n "$runs" ]] && args=(-runs="$runs" "${args[@]}")
  [[ -f "$root/tests/fuzz/dict/$t.dict" ]] && args=(-dict="$root/tests/fuzz/dict/$t.dict" "${args[@]}")
  marker="$build_dir/logs/$t.start"
  touch "$marker"
  start=$(date +%s)
  set +e
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin" "${args[@]}" >"$log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  # -report_slow_units=1 prints "Slowest unit: N s:" and saves slow-unit-* for any input taking
  # 1 s or more; stat::slowest_unit_time_sec is the slowest in whole seconds. Slow units are
  # reported, not failures: on a loaded machine they are often scheduling noise (replay them
  # alone: bin ARTIFACT). Crashes, leaks, timeouts and OOMs are failures.
  slowest=$(grep -o 'slowest_unit_time_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  slow_units=$(find "$artifacts" -type f -name 'slow-unit-*' -newer "$marker" | wc -l)
  corpus=$(find "$work" -type f | wc -l)
  crashes=$(find "$artifacts" -type f -newer "$marker" ! -name 'slow-unit-*' | wc -l)
  leaks=$(grep -c 'ERROR: LeakSanitizer' "$log" || true)
  echo "fuzz $t: runs=${execs:-?} crashes=$crashes leaks=$leaks seconds=$elapsed slowest_unit_s=${slowest:-0} slow_units=$slow_units corpus=$corpus exit=$rc log=$log"
  if [[ $rc -ne 0 || $crashes -ne 0 ]]; then
    status=1
    grep -m5 -E 'ERROR|invariant failed|SUMMARY|Test unit written' "$log" >&2 || true
  fi
done
exit $status
