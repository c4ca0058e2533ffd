#!/usr/bin/env bash
# Fails when any tracked shell script does not parse (`bash -n`) or has any shellcheck finding
# (every severity; sourced files followed with -x; settings in .shellcheckrc). Prints each finding
# as file:line: message [SCnnnn]; https://www.shellcheck.net/wiki/SCnnnn explains the fix.
# The shellcheck binary comes from `bash scripts/setup.sh test`.
# usage: shellcheck_test.sh REPO_ROOT
set -euo pipefail
root=${1:?usage: shellcheck_test.sh REPO_ROOT}
cd "$root"
# shellcheck source-path=SCRIPTDIR source=../support/assert.sh
source tests/support/assert.sh

command -v shellcheck >/dev/null || die "shellcheck is not installed (bash scripts/setup.sh test installs it)"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.sh')
else  # an unpacked archive: every script outside build trees and node_modules
  mapfile -t files < <(find . -name '*.sh' -not -path '*/node_modules/*' -not -path './build*' | sort)
fi
existing=()
for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done  # deleted, not yet committed
[ "${#existing[@]}" -gt 0 ] || die "no shell scripts found under $root"

for f in "${existing[@]}"; do
  bash -n "$f" 2>/dev/null || fail "$f does not parse: $(bash -n "$f" 2>&1 | head -3)"
done
if findings=$(shellcheck -x -f gcc "${existing[@]}" 2>&1); then
  pass "${#existing[@]} shell scripts parse and have no shellcheck finding ($(shellcheck --version | sed -n 's/^version: //p'))"
else
  printf '%s\n' "$findings" >&2
  fail "$(printf '%s\n' "$findings" | grep -c ': \(note\|style\|warning\|error\):') shellcheck findings (above)"
fi
assert_done
