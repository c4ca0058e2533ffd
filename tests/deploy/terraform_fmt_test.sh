#!/usr/bin/env bash
# `terraform fmt -check` over the given directories (deploy/terraform and the .tftest.hcl files)
# when a terraform binary is on PATH; skipped (exit 77) otherwise. fmt needs no provider and no
# network.
# Usage: terraform_fmt_test.sh DIR...
set -euo pipefail
(($#)) || {
  echo "usage: terraform_fmt_test.sh DIR..." >&2
  exit 2
}

if ! command -v terraform >/dev/null 2>&1; then
  echo "SKIP: terraform is not on PATH; fmt check not run"
  exit 77
fi
# No ~/.terraformrc is needed (this silences the missing-config warning) and no version check.
export TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1
# shellcheck source-path=SCRIPTDIR source=../support/assert.sh
source "$(dirname "$0")/../support/assert.sh"
for dir in "$@"; do
  check "terraform fmt -check -recursive $dir (on failure, run: terraform fmt -recursive $dir)" \
    terraform fmt -check -recursive -diff "$dir"
done
assert_done
