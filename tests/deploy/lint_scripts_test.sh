#!/usr/bin/env bash
# `bash -n` on the deploy scripts, scripts/ and these tests, then shellcheck (following what they
# source) when it is installed.
# Usage: lint_scripts_test.sh REPO_ROOT
set -euo pipefail
root=${1:?usage: lint_scripts_test.sh REPO_ROOT}
scripts=("$root"/deploy/*.sh "$root"/scripts/*.sh "$root"/tests/deploy/*.sh "$root"/tests/lint/*.sh
  "$root"/tests/support/*.sh)

# shellcheck source-path=SCRIPTDIR source=../support/assert.sh
source "$root/tests/support/assert.sh"

for s in "${scripts[@]}"; do
  check "bash -n ${s#"$root"/}" bash -n "$s"
done

if command -v shellcheck >/dev/null 2>&1; then
  check "shellcheck ($(shellcheck --version | sed -n 's/^version: //p')) on ${#scripts[@]} scripts" \
    shellcheck -x "${scripts[@]}"
else
  echo "shellcheck is not installed; only bash -n was run (Debian: apt-get install shellcheck)"
fi
assert_done
