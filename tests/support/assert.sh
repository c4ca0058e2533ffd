# shellcheck shell=bash
# Assertions for the shell tests (sourced, bash). Each check prints one line, and the closing
# line is "N passed, M failed", which ctest's log and CI's summary both read.
#   pass DESC                 prints "ok - DESC" and counts it
#   fail DESC                 prints "FAIL - DESC" and counts it; the test goes on
#   check_eq GOT WANT DESC    pass when GOT equals WANT, else fail naming both
#   check DESC CMD [ARG…]     pass when CMD exits 0, else fail with its exit code
#   check_grep PATTERN FILE DESC   pass when FILE has a line matching PATTERN (grep -E), else
#                             fail with the file's last lines
#   die DESC                  prints "FAIL - DESC" and exits 1 at once (for a broken set-up)
#   assert_done               prints the closing line; returns 1 when anything failed, so it is
#                             the test's last command
ASSERT_PASSES=0
ASSERT_FAILURES=0

pass() {
  echo "ok - $*"
  ASSERT_PASSES=$((ASSERT_PASSES + 1))
}

fail() {
  echo "FAIL - $*"
  ASSERT_FAILURES=$((ASSERT_FAILURES + 1))
}

check_eq() {
  if [ "$1" = "$2" ]; then
    pass "$3"
  else
    fail "$3: got '$1', want '$2'"
  fi
}

check() {
  local desc=$1 rc=0
  shift
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then
    pass "$desc"
  else
    fail "$desc (exit $rc: $*)"
  fi
}

check_grep() {
  if grep -qE -- "$1" "$2" 2>/dev/null; then
    pass "$3"
  else
    fail "$3: no line matching '$1' in $2: $(tail -5 "$2" 2>/dev/null)"
  fi
}

die() {
  echo "FAIL - $*" >&2
  exit 1
}

assert_done() {
  echo "$ASSERT_PASSES passed, $ASSERT_FAILURES failed"
  [ "$ASSERT_FAILURES" -eq 0 ]
}
