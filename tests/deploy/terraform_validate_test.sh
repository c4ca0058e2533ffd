#!/usr/bin/env bash
# The real `terraform init` + `terraform validate` on a copy of deploy/terraform, offline, against
# a schema-only stand-in for the hashicorp/aws provider (tests/deploy/tfprovider/): the provider's
# schema is rebuilt from the pinned @cdktf/provider-aws (tests/package.json) and served over the
# plugin protocol from a filesystem mirror. Then one unknown argument is added to the copy, and
# validate must refuse it: the check can fail. Skipped (exit 77) when terraform or node is not on
# PATH. Nothing is fetched from the network.
# Usage: terraform_validate_test.sh TERRAFORM_DIR
set -euo pipefail
src=$(cd "${1:?usage: terraform_validate_test.sh TERRAFORM_DIR}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for tool in terraform node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not on PATH; terraform validate not run"
    exit 77
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(node "$here/tfprovider/build_mirror.mjs" "$tmp/mirror")
echo "ok - schema-only hashicorp/aws $version rebuilt from @cdktf/provider-aws into $tmp/mirror"

work=$tmp/terraform
mkdir -p "$work"
cp "$src"/*.tf "$work/"

# Install only from the mirror: no registry, no version check, no shared plugin cache. The
# stand-in speaks plain gRPC, so Terraform must not ask it for TLS.
cat >"$tmp/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$tmp/mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
RC
export TF_CLI_CONFIG_FILE=$tmp/terraformrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_DISABLE_PLUGIN_TLS=1
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR

cd "$work"
if ! out=$(terraform init -backend=false -input=false -no-color 2>&1); then
  echo "not ok - terraform init from the stand-in mirror failed (does versions.tf still admit $version?):"
  echo "$out"
  exit 1
fi
echo "ok - terraform init: $(grep -o 'hashicorp/aws v[0-9.]*' <<<"$out" | tail -n 1) from the stand-in mirror"

if ! out=$(terraform validate -no-color 2>&1); then
  echo "not ok - terraform validate:"
  echo "$out"
  exit 1
fi
echo "ok - terraform validate: $(head -n 1 <<<"$out")"

# The mutation: an argument aws_sqs_queue does not have.
sed -i 's/^\(resource "aws_sqs_queue" "ingest" {\)$/\1\n  no_such_argument = true/' sqs.tf
grep -q no_such_argument sqs.tf || {
  echo "not ok - could not add the unknown argument to sqs.tf (resource aws_sqs_queue.ingest moved?)"
  exit 1
}
if out=$(terraform validate -no-color 2>&1); then
  echo "not ok - terraform validate accepted an unknown argument of aws_sqs_queue:"
  echo "$out"
  exit 1
fi
if ! grep -q 'An argument named "no_such_argument" is not expected here' <<<"$out"; then
  echo "not ok - terraform validate failed on the unknown argument, but not with \"Unsupported argument\":"
  echo "$out"
  exit 1
fi
echo "ok - terraform validate refuses an argument aws_sqs_queue does not have"
