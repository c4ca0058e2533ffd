#!/usr/bin/env bash
# Fails when any tracked shell script has a shellcheck finding of severity warning or worse
# (sourced files followed with -x). Prints each finding as file:line: message [SCnnnn]; the
# wiki page https://www.shellcheck.net/wiki/SCnnnn explains the fix. shellcheck comes from
# `bash scripts/setup.sh test`.
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

if findings=$(shellcheck -x -S warning -f gcc "${existing[@]}" 2>&1); then
  pass "${#existing[@]} shell scripts have no shellcheck warning ($(shellcheck --version | sed -n 's/^version: //p'))"
else
  printf '%s\n' "$findings" >&2
  fail "$(printf '%s\n' "$findings" | grep -c ': \(warning\|error\):') shellcheck findings (above)"
fi
assert_done
