#!/usr/bin/env bash
# `bash -n` on the deploy scripts and these tests, then shellcheck when it is installed.
# Usage: lint_scripts_test.sh REPO_ROOT
set -euo pipefail
root=${1:?usage: lint_scripts_test.sh REPO_ROOT}
scripts=("$root"/deploy/*.sh "$root"/tests/deploy/*.sh)

failed=0
for s in "${scripts[@]}"; do
  if bash -n "$s"; then
    echo "ok - bash -n ${s#"$root"/}"
  else
    echo "not ok - bash -n ${s#"$root"/}"
    failed=1
  fi
done

if command -v shellcheck >/dev/null 2>&1; then
  if shellcheck "${scripts[@]}"; then
    echo "ok - shellcheck ($(shellcheck --version | sed -n 's/^version: //p')) on ${#scripts[@]} scripts"
  else
    echo "not ok - shellcheck"
    failed=1
  fi
else
  echo "shellcheck is not installed; only bash -n was run (Debian: apt-get install shellcheck)"
fi
exit "$failed"
