#!/usr/bin/env bash
# Crash safety: SIGKILL billflow (or the MariaDB server) at seeded random moments of large loads,
# rerun, check exactness.
#
#   scripts/crash-test.sh [--short | --long] [--backend sqlite|mysql|postgres] [--kill-server] [--kills N]
#                         [--rows N] [--seed S] [--build-dir DIR] [--workdir DIR]
#
#   --short   5 kills during 200,000-row loads (what ctest runs; about a minute)
#   --long    50 kills during 1,000,000-row loads (the documented run; about 10 minutes here on
#             SQLite, about 40 on MariaDB)
#   default   --short
#   --backend mysql   a throwaway MariaDB server (scripts/mariadb-test-server.sh, needs mariadbd
#                     and python3-pymysql from scripts/setup.sh) instead of a SQLite file
#   --backend postgres  a throwaway PostgreSQL 15 (scripts/postgres-test-server.sh; psql reads it)
#   --kill-server     (mysql, postgres) SIGKILL the server mid-load instead of billflow, restart
#                     it on the same data directory; --kills counts server kills
# Binaries come from DIR (default build-rel, else build): DIR/billflow and DIR/bench/billflow_gen.
# See tests/reliability/crash_test.py for what is checked after each kill and each rerun.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kills=5
rows=200000
seed=2025
build_dir=""
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --short) kills=5; rows=200000; shift ;;
    --long) kills=50; rows=1000000; shift ;;
    --kills) kills="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --workdir) extra+=(--workdir "$2"); shift 2 ;;
    --backend) extra+=(--backend "$2"); shift 2 ;;
    --kill-server) extra+=(--kill-server); shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "crash-test.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$build_dir" ]]; then
  for d in "$root/build-rel" "$root/build"; do
    [[ -x "$d/billflow" ]] && { build_dir=$d; break; }
  done
fi
[[ -n "$build_dir" && -x "$build_dir/billflow" ]] || { echo "crash-test.sh: no billflow binary (use --build-dir)" >&2; exit 2; }
exec /usr/bin/python3 "$root/tests/reliability/crash_test.py" --bin "$build_dir/billflow" \
  --gen "$build_dir/bench/billflow_gen" --kills "$kills" --rows "$rows" --seed "$seed" "${extra[@]}"
